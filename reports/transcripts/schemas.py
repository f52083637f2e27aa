"""The REST shapes of transcripts (the interface contract's exact JSON), the feed and the export."""

from __future__ import annotations

from datetime import UTC

import marshmallow as ma
from marshmallow import validate

from reports.learners.schemas import IdentifierSchema

FORMATS = ("json", "csv", "pdf")


class TranscriptCourseSchema(ma.Schema):
    code = ma.fields.String()
    title = ma.fields.String()
    framework = ma.fields.String(metadata={"description": "KNQF, RQF, ..."})
    level = ma.fields.Integer()
    hours = ma.fields.Float()
    credits = ma.fields.Float()
    track = ma.fields.String()
    achievement_type = ma.fields.String()


class TranscriptCentreSchema(ma.Schema):
    id = ma.fields.Integer()
    slug = ma.fields.String()
    name = ma.fields.String()


class TranscriptLineSchema(ma.Schema):
    course = ma.fields.Nested(TranscriptCourseSchema)
    centre = ma.fields.Nested(TranscriptCentreSchema, allow_none=True)
    outcome = ma.fields.String(metadata={"description": "completed, passed, failed, certified, expired or revoked"})
    score_percent = ma.fields.Float(allow_none=True)
    completed_at = ma.fields.String(allow_none=True)
    certificate_number = ma.fields.String(metadata={"description": "present for certificates"})
    expires_at = ma.fields.String(metadata={"description": "present for certificates that expire"})
    evidence = ma.fields.List(ma.fields.String(), metadata={"description": "ids of the statements behind the line"})


class TranscriptLearnerSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    institution = ma.fields.String()
    cohort = ma.fields.String(allow_none=True)
    identifiers = ma.fields.List(ma.fields.Nested(IdentifierSchema))


class TotalsBucketSchema(ma.Schema):
    hours = ma.fields.Float()
    credits = ma.fields.Float()


class TotalsSchema(TotalsBucketSchema):
    by_track = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(TotalsBucketSchema))
    by_level = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(TotalsBucketSchema))


class TranscriptSchema(ma.Schema):
    learner = ma.fields.Nested(TranscriptLearnerSchema)
    lines = ma.fields.List(ma.fields.Nested(TranscriptLineSchema))
    totals = ma.fields.Nested(TotalsSchema)


class TranscriptQuerySchema(ma.Schema):
    format = ma.fields.String(validate=validate.OneOf(FORMATS), metadata={"description": "overrides the Accept header"})


class FeedItemSchema(TranscriptSchema):
    change = ma.fields.Integer(metadata={"description": "the change number of this item"})
    updated_at = ma.fields.String()


class FeedQuerySchema(ma.Schema):
    updated_since = ma.fields.AwareDateTime(default_timezone=UTC, metadata={"description": "ISO 8601 with offset"})
    cursor = ma.fields.String(validate=validate.Length(max=200))
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class FeedPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(FeedItemSchema))
    next_cursor = ma.fields.String(allow_none=True, metadata={"description": "null when there is nothing newer yet"})


class ExportQuerySchema(ma.Schema):
    scheme = ma.fields.String(load_default="ke-upn", metadata={"description": "the payroll identifier rows are keyed by"})
    updated_since = ma.fields.AwareDateTime(default_timezone=UTC)
