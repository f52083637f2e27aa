"""The REST shapes of centres, decisions, credentials and audit entries (marshmallow, at the HTTP edge only)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from lrs.centres.claims import ClaimError, parse_activity_prefix, parse_home_page
from lrs.centres.countries import COUNTRIES
from lrs.centres.lookup import MAX_ID
from lrs.centres.models import CentreStatus
from lrs.centres.service import KINDS, Application

STATUSES = [status.value for status in CentreStatus]


class StrippedString(ma.fields.String):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip()


class EmailAddress(ma.fields.Email):
    """An e-mail address, trimmed and in lower case."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        return super()._deserialize(value, attr, data, **kwargs).strip().lower()


class Country(ma.fields.String):
    """An ISO 3166-1 alpha-2 code, in any case on the way in, upper case on the way out."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        code = super()._deserialize(value, attr, data, **kwargs).strip().upper()
        if code not in COUNTRIES:
            raise ma.ValidationError("must be an ISO 3166-1 alpha-2 country code, such as KE or RW")
        return code


class ClaimList(ma.fields.List):
    """A list of prefixes or home pages, each parsed and normalised; duplicates collapse."""

    def __init__(self, parse: Any, **kwargs: Any) -> None:
        super().__init__(ma.fields.String(), **kwargs)
        self._parse = parse

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        items = super()._deserialize(value, attr, data, **kwargs)
        parsed: list[str] = []
        errors: dict[int, str] = {}
        for index, item in enumerate(items):
            try:
                parsed.append(self._parse(str(item).strip()))
            except ClaimError as error:
                errors[index] = str(error)
        if errors:
            raise ma.ValidationError(errors)
        return list(dict.fromkeys(parsed))


class ApplicationSchema(ma.Schema):
    """An academy's application to become an authorised centre."""

    name = StrippedString(required=True, validate=validate.Length(min=2, max=200), metadata={"example": "Huawei ICT Academy Kenya"})
    kind = ma.fields.String(
        required=True, validate=validate.OneOf(list(KINDS)), metadata={"description": "one of " + ", ".join(KINDS)}
    )
    country = Country(required=True, metadata={"example": "KE"})
    accreditation_ref = StrippedString(required=True, validate=validate.Length(min=1, max=200))
    contact_email = EmailAddress(required=True, validate=validate.Length(max=320))
    home_pages = ClaimList(
        parse_home_page, load_default=list, validate=validate.Length(max=20),
        metadata={"description": "the LMS home pages (e.g. Moodle wwwroot) whose accounts this centre's learners use"},
    )
    activity_prefixes = ClaimList(
        parse_activity_prefix, required=True, validate=validate.Length(min=1, max=50),
        metadata={"description": "activity-IRI prefixes the centre owns, e.g. https://lms.example.ac.ke/"},
    )

    @ma.post_load
    def make(self, data: dict[str, Any], **_kwargs: Any) -> Application:
        return Application(**data)


class ApplicationReceivedSchema(ma.Schema):
    id = ma.fields.Integer()
    slug = ma.fields.String()
    status = ma.fields.Function(lambda centre: centre.status.value)


class CentreSchema(ma.Schema):
    id = ma.fields.Integer()
    slug = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String()
    country = ma.fields.String()
    accreditation_ref = ma.fields.String()
    contact_email = ma.fields.String()
    home_pages = ma.fields.List(ma.fields.String())
    activity_prefixes = ma.fields.List(ma.fields.String())
    status = ma.fields.Function(lambda centre: centre.status.value, metadata={"enum": STATUSES})
    status_reason = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    status_changed_at = ma.fields.DateTime()


class CentrePageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CentreSchema))
    total = ma.fields.Integer()


class CentreQuerySchema(ma.Schema):
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    kind = ma.fields.String(validate=validate.OneOf(list(KINDS)))
    country = Country()
    q = StrippedString(validate=validate.Length(max=200), metadata={"description": "part of the name or slug"})
    limit = ma.fields.Integer(load_default=100, validate=validate.Range(min=1, max=500))
    offset = ma.fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_ID))


class DecisionSchema(ma.Schema):
    reason = StrippedString(
        required=True, validate=validate.Length(min=1, max=2000),
        metadata={"description": "why: recorded in the audit log and shown to the centre"},
    )


class CredentialRequestSchema(ma.Schema):
    name = StrippedString(validate=validate.Length(min=1, max=200), metadata={"example": "Moodle production"})


class IssuedCredentialSchema(ma.Schema):
    """A credential with its secret: shown once, never again."""

    id = ma.fields.Function(lambda issued: issued.client.id)
    key = ma.fields.Function(lambda issued: issued.client.key)
    secret = ma.fields.String()
    name = ma.fields.Function(lambda issued: issued.client.name)
    scopes = ma.fields.Function(lambda issued: issued.client.scopes)
    role = ma.fields.Function(lambda issued: issued.client.role)


class CredentialSchema(ma.Schema):
    id = ma.fields.Integer()
    key = ma.fields.String()
    name = ma.fields.String()
    scopes = ma.fields.List(ma.fields.String())
    role = ma.fields.String()
    is_active = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
    revoked_at = ma.fields.DateTime(allow_none=True)


class CredentialListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CredentialSchema))


class ApprovalSchema(ma.Schema):
    id = ma.fields.Function(lambda decision: decision.centre.id)
    status = ma.fields.Function(lambda decision: decision.centre.status.value)
    status_reason = ma.fields.Function(lambda decision: decision.centre.status_reason)
    credential = ma.fields.Nested(IssuedCredentialSchema)


class AuditEntrySchema(ma.Schema):
    id = ma.fields.Integer()
    centre = ma.fields.Integer(attribute="centre_id")
    at = ma.fields.DateTime()
    actor = ma.fields.String()
    actor_kind = ma.fields.String()
    action = ma.fields.String()
    reason = ma.fields.String(allow_none=True)
    from_status = ma.fields.String(allow_none=True)
    to_status = ma.fields.String(allow_none=True)
    credential_key = ma.fields.String(allow_none=True)


class AuditPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(AuditEntrySchema))
    next_cursor = ma.fields.String(allow_none=True, metadata={"description": "pass as after= for the next page"})


class AuditQuerySchema(ma.Schema):
    centre = ma.fields.Integer(validate=validate.Range(min=1, max=MAX_ID))
    after = ma.fields.Integer(validate=validate.Range(min=0, max=MAX_ID))
    limit = ma.fields.Integer(load_default=500, validate=validate.Range(min=1, max=1000))
