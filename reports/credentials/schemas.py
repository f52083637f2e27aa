"""The REST shapes of issued credentials, status changes and verification results (HTTP edge only)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from reports.credentials.verify import CHECKS


class CredentialReasonSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=validate.Length(min=1, max=2000),
                              metadata={"description": "why the standing changes (shown to verifiers)"})


class IssuedTranscriptSchema(ma.Schema):
    id = ma.fields.UUID(attribute="public_id", required=True, metadata={"description": "the credential's public id"})
    credential = ma.fields.Dict(required=True, metadata={"description": "the signed ClrCredential (JSON-LD)"})
    verification_url = ma.fields.String(required=True, metadata={"description": "the page a person verifies it at"})
    status = ma.fields.String(required=True, metadata={"description": "active, revoked or suspended"})


class TranscriptCredentialSchema(IssuedTranscriptSchema):
    learner_id = ma.fields.Integer(required=True)
    issued_at = ma.fields.DateTime(required=True)
    reason = ma.fields.String(allow_none=True, metadata={"description": "why it was last revoked, suspended or reinstated"})
    status_changed_at = ma.fields.DateTime(allow_none=True)


class CredentialStatusChangeSchema(ma.Schema):
    id = ma.fields.UUID(attribute="public_id", required=True)
    status = ma.fields.String(required=True)
    reason = ma.fields.String(required=True)
    status_changed_at = ma.fields.DateTime(required=True)


class VerificationSchema(ma.Schema):
    verified = ma.fields.Boolean(required=True, metadata={"description": "true only when every check passes"})
    checks = ma.fields.Dict(keys=ma.fields.String(validate=validate.OneOf(CHECKS)), values=ma.fields.Boolean(),
                            required=True, metadata={"description": "proof, issuer, status, validity, schema"})
    details = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(), required=True,
                             metadata={"description": "a sentence per check saying why"})
    credential_status = ma.fields.String(required=True, metadata={"description": "active, revoked, suspended or unknown"})
