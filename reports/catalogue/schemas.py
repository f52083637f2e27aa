"""The REST shapes of catalogue courses, mappings and the unmapped-activity review queue."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate


class CentreRef(ma.fields.Field):
    """A centre given by id (number or digits) or by slug."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip():
            raise ma.ValidationError("must be a centre id or slug")
        return str(value).strip()


class NewCourseSchema(ma.Schema):
    code = ma.fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$"))
    title = ma.fields.String(required=True, validate=validate.Length(min=1, max=300))
    centre = CentreRef(required=True)
    achievement_type = ma.fields.String(required=True, validate=validate.Length(min=1, max=40))
    track = ma.fields.String(required=True, validate=validate.Length(min=1, max=80))
    framework = ma.fields.String(required=True, validate=validate.Length(min=1, max=10))
    level = ma.fields.Integer(required=True, strict=True)
    hours = ma.fields.Float(required=True, validate=validate.Range(min=0, min_inclusive=False, max=100_000))
    credits = ma.fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, max=10_000))
    assessment_method = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(max=200))
    validity_days = ma.fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=36_500))


class MappingSchema(ma.Schema):
    id = ma.fields.Integer()
    centre_id = ma.fields.Integer()
    activity_iri = ma.fields.Function(lambda m: None if m.is_prefix else m.iri)
    activity_prefix = ma.fields.Function(lambda m: m.iri if m.is_prefix else None)
    created_at = ma.fields.DateTime()


class CourseSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    title = ma.fields.String()
    centre_id = ma.fields.Integer()
    achievement_type = ma.fields.String()
    track = ma.fields.String()
    framework = ma.fields.String()
    level = ma.fields.Integer()
    hours = ma.fields.Float()
    credits = ma.fields.Float()
    assessment_method = ma.fields.String(allow_none=True)
    validity_days = ma.fields.Integer(allow_none=True)
    mappings = ma.fields.List(ma.fields.Nested(MappingSchema))


class CoursePageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CourseSchema))


class NewMappingSchema(ma.Schema):
    centre = CentreRef(required=True)
    activity_iri = ma.fields.String(validate=validate.Length(min=1, max=2048))
    activity_prefix = ma.fields.String(validate=validate.Length(min=1, max=2048))

    @ma.validates_schema
    def _one_of(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if ("activity_iri" in data) == ("activity_prefix" in data):
            raise ma.ValidationError("give exactly one of activity_iri and activity_prefix", "activity_iri")


class ReviewQuerySchema(ma.Schema):
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = ma.fields.Integer(load_default=0, validate=validate.Range(min=0))


class UnmappedActivitySchema(ma.Schema):
    centre = ma.fields.Dict(allow_none=True)
    activity_iri = ma.fields.String()
    name = ma.fields.String(allow_none=True)
    type = ma.fields.String(allow_none=True)
    statement_count = ma.fields.Integer()
    actor_count = ma.fields.Integer()
    first_seen = ma.fields.DateTime()
    last_seen = ma.fields.DateTime()


class UnmappedActivityPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(UnmappedActivitySchema))
