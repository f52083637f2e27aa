"""The REST shapes of the reports, and of their query parameters."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from reports.compliance.progress import BREAKDOWNS

FORMATS = validate.OneOf(["json", "csv", "svg"])


class FormatQuerySchema(ma.Schema):
    format = ma.fields.String(load_default="json", validate=FORMATS, metadata={"description": "json, csv or svg (a chart)"})


class TableFormatQuerySchema(ma.Schema):
    format = ma.fields.String(load_default="json", validate=validate.OneOf(["json", "csv"]))


class BreakdownQuerySchema(FormatQuerySchema):
    by = ma.fields.String(required=True, validate=validate.OneOf(list(BREAKDOWNS)))


class OfficersQuerySchema(TableFormatQuerySchema):
    institution = ma.fields.String(load_default=None, validate=validate.Length(min=1, max=200),
                                   metadata={"description": "an institution's exact name; default: every institution"})
    limit = ma.fields.Integer(load_default=None, validate=validate.Range(min=1, max=100_000))


class ProgrammeFilterSchema(ma.Schema):
    programme = ma.fields.Integer(load_default=None, metadata={"description": "only this programme's population and courses"})


class CentresQuerySchema(FormatQuerySchema, ProgrammeFilterSchema):
    since = ma.fields.DateTime(load_default=None, metadata={"description": "records with activity at or after this time"})


class PerformersQuerySchema(TableFormatQuerySchema, ProgrammeFilterSchema):
    per_cohort = ma.fields.Integer(load_default=5, validate=validate.Range(min=1, max=100))
    min_courses = ma.fields.Integer(load_default=1, validate=validate.Range(min=1, max=100))


class IntegrityQuerySchema(TableFormatQuerySchema, ProgrammeFilterSchema):
    fast_fraction = ma.fields.Float(load_default=0.05, validate=validate.Range(min=0, min_inclusive=False, max=1),
                                    metadata={"description": "flag completions faster than this share of the notional hours"})
    many_attempts = ma.fields.Integer(load_default=5, validate=validate.Range(min=2, max=1000))
    limit = ma.fields.Integer(load_default=200, validate=validate.Range(min=1, max=5000))


class StagesSchema(ma.Schema):
    enrolled = ma.fields.Integer()
    in_progress = ma.fields.Integer()
    completed = ma.fields.Integer()
    certified = ma.fields.Integer()


class CurrentSchema(StagesSchema):
    not_started = ma.fields.Integer()


class PointSchema(StagesSchema):
    day = ma.fields.Date(data_key="date")
    target = ma.fields.Float(allow_none=True)


class ProgressSchema(ma.Schema):
    programme_id = ma.fields.Integer()
    as_of = ma.fields.Date()
    population = ma.fields.Integer()
    target = ma.fields.Integer()
    percent_of_target = ma.fields.Float()
    expected_by_now = ma.fields.Integer(allow_none=True)
    status = ma.fields.String(metadata={"description": "met, on_track, behind, overdue or no_target"})
    reached = ma.fields.Nested(StagesSchema, metadata={"description": "cumulative: everyone who got at least that far"})
    current = ma.fields.Nested(CurrentSchema, metadata={"description": "each learner in the furthest stage reached"})
    series = ma.fields.List(ma.fields.Nested(PointSchema))


class BreakdownRowSchema(StagesSchema):
    key = ma.fields.Raw(allow_none=True)
    label = ma.fields.String()
    population = ma.fields.Integer(allow_none=True)


class BreakdownSchema(ma.Schema):
    by = ma.fields.String()
    items = ma.fields.List(ma.fields.Nested(BreakdownRowSchema))


class InstitutionComplianceSchema(ma.Schema):
    institution_id = ma.fields.Integer(allow_none=True)
    name = ma.fields.String()
    head_count = ma.fields.Integer()
    head_count_source = ma.fields.String(metadata={"description": "hr (the registered figure) or learners"})
    learners = ma.fields.Integer()
    unregistered = ma.fields.Integer(metadata={"description": "in the HR head count but not registered as learners"})
    compliant = ma.fields.Integer()
    certified = ma.fields.Integer()
    percent = ma.fields.Float()
    expected_percent = ma.fields.Float(allow_none=True)
    deadline = ma.fields.Date(allow_none=True)
    overdue = ma.fields.Integer()
    status = ma.fields.String(metadata={"description": "overdue, due_soon, behind, on_track, met or no_deadline"})


class ComplianceSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(InstitutionComplianceSchema))


class OfficerSchema(ma.Schema):
    learner_id = ma.fields.Integer(attribute="standing.learner_id")
    name = ma.fields.String(attribute="standing.name")
    identifiers = ma.fields.List(ma.fields.String())
    institution = ma.fields.String(attribute="standing.institution")
    cohort = ma.fields.String(attribute="standing.cohort", allow_none=True)
    stage = ma.fields.String(attribute="standing.stage")
    credits = ma.fields.Float(attribute="standing.credits")
    missing = ma.fields.List(ma.fields.String(), metadata={"description": "course codes still to do, or the credits"})
    last_activity_at = ma.fields.DateTime(attribute="standing.last_activity_at", allow_none=True)
    deadline = ma.fields.Date(allow_none=True)
    days_overdue = ma.fields.Integer(allow_none=True)


class OfficersSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(OfficerSchema))


class CentreActivitySchema(ma.Schema):
    centre_id = ma.fields.Integer()
    slug = ma.fields.String()
    name = ma.fields.String()
    learners = ma.fields.Integer()
    enrolments = ma.fields.Integer()
    completions = ma.fields.Integer()
    passes = ma.fields.Integer()
    failures = ma.fields.Integer()
    pass_rate = ma.fields.Float(allow_none=True, metadata={"description": "percent of assessed outcomes passed"})
    average_score = ma.fields.Float(allow_none=True)
    hours = ma.fields.Float(metadata={"description": "notional hours of completed courses"})


class CentresSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CentreActivitySchema))


class PerformerSchema(ma.Schema):
    cohort = ma.fields.String(allow_none=True)
    rank = ma.fields.Integer()
    learner_id = ma.fields.Integer()
    name = ma.fields.String()
    institution = ma.fields.String()
    courses = ma.fields.Integer()
    credits = ma.fields.Float()
    average_score = ma.fields.Float()


class PerformersSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(PerformerSchema))


class IntegrityFlagSchema(ma.Schema):
    record_id = ma.fields.Integer()
    learner_id = ma.fields.Integer()
    name = ma.fields.String()
    institution = ma.fields.String()
    course_code = ma.fields.String()
    course_title = ma.fields.String()
    centre = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    score_percent = ma.fields.Float(allow_none=True)
    attempts = ma.fields.Integer()
    notional_hours = ma.fields.Float()
    elapsed_hours = ma.fields.Float(allow_none=True)
    is_proctored = ma.fields.Boolean(allow_none=True)
    signals = ma.fields.List(ma.fields.String())


class IntegritySchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(IntegrityFlagSchema))
