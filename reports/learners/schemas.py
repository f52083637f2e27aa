"""The REST shapes of learners, identities, the identity review queue and roster reports."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from reports.learners.identifiers import SCHEMES


class IdentifierSchema(ma.Schema):
    scheme = ma.fields.String(required=True, validate=validate.OneOf(list(SCHEMES)))
    value = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))


class NewLearnerSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    institution = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    cohort = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    identifiers = ma.fields.List(ma.fields.Nested(IdentifierSchema), required=True, validate=validate.Length(min=1))


class LearnerSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    institution = ma.fields.String()
    cohort = ma.fields.String(allow_none=True)
    identifiers = ma.fields.List(ma.fields.Nested(IdentifierSchema))
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class IdentitySchema(ma.Schema):
    ifi = ma.fields.String()
    learner_id = ma.fields.Integer()
    source = ma.fields.String()
    linked_at = ma.fields.DateTime()


class LearnerDetailSchema(LearnerSchema):
    identities = ma.fields.List(ma.fields.Nested(IdentitySchema))


class LearnerQuerySchema(ma.Schema):
    identifier = ma.fields.String(metadata={"description": "scheme:value, e.g. ke-upn:2019123456"})
    after = ma.fields.Integer(load_default=0, validate=validate.Range(min=0), metadata={"description": "list learners with ids above this"})
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class LearnerPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(LearnerSchema))


class LinkIdentitySchema(ma.Schema):
    agent = ma.fields.Dict(required=True, metadata={"description": "an xAPI Agent (mbox, mbox_sha1sum, openid or account)"})


class ReviewQuerySchema(ma.Schema):
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = ma.fields.Integer(load_default=0, validate=validate.Range(min=0))


class UnmatchedIdentitySchema(ma.Schema):
    ifi = ma.fields.String()
    agent = ma.fields.Dict()
    statement_count = ma.fields.Integer()
    first_seen = ma.fields.DateTime()
    last_seen = ma.fields.DateTime()


class UnmatchedIdentityPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(UnmatchedIdentitySchema))


class RosterFileSchema(ma.Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class RowErrorSchema(ma.Schema):
    line = ma.fields.Integer()
    column = ma.fields.String()
    reason = ma.fields.String()


class RosterReportSchema(ma.Schema):
    rows_ok = ma.fields.Integer()
    rows_failed = ma.fields.Integer()
    created = ma.fields.Integer()
    updated = ma.fields.Integer()
    unchanged = ma.fields.Integer()
    errors = ma.fields.List(ma.fields.Nested(RowErrorSchema))


def identifier_pairs(data: dict[str, Any]) -> list[tuple[str, str]]:
    return [(item["scheme"], item["value"]) for item in data["identifiers"]]
