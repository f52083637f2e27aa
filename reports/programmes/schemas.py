"""The REST shapes of programmes and institutions."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from reports.programmes.models import Programme
from reports.programmes.service import REQUIREMENTS, InstitutionTarget, ProgrammeSpec

COUNTRY = validate.Regexp(r"^[A-Za-z]{2}$", error="a two-letter ISO 3166 country code")


class InstitutionRef(ma.fields.Field):
    """An institution by id (a number) or by exact name."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int | str:
        if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).strip():
            raise ma.ValidationError("must be an institution id or name")
        return value if isinstance(value, int) else value.strip()


class InstitutionTargetSchema(ma.Schema):
    institution = InstitutionRef(required=True)
    deadline = ma.fields.Date(load_default=None, allow_none=True, metadata={"description": "this institution's own deadline"})


class PopulationSchema(ma.Schema):
    institutions = ma.fields.List(ma.fields.Nested(InstitutionTargetSchema), load_default=list, validate=validate.Length(max=1000))
    cohorts = ma.fields.List(ma.fields.String(validate=validate.Length(min=1, max=100)), load_default=list, validate=validate.Length(max=100))


class ProgrammeInSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = ma.fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    country = ma.fields.String(load_default=None, allow_none=True, validate=COUNTRY)
    requirement = ma.fields.String(required=True, validate=validate.OneOf(list(REQUIREMENTS)))
    min_credits = ma.fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0, min_inclusive=False, max=10_000))
    courses = ma.fields.List(ma.fields.String(validate=validate.Length(min=1, max=40)), required=True, validate=validate.Length(min=1, max=500))
    population = ma.fields.Nested(PopulationSchema, load_default=dict, metadata={
        "description": "learners in one of these institutions and of one of these cohorts; both empty: every learner"})
    target_count = ma.fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=1, max=10_000_000),
                                     metadata={"description": "how many learners should complete; default: the whole population"})
    starts_on = ma.fields.Date(required=True)
    deadline = ma.fields.Date(load_default=None, allow_none=True)
    ends_on = ma.fields.Date(load_default=None, allow_none=True)
    is_mandatory = ma.fields.Boolean(load_default=False)

    @ma.post_load
    def _spec(self, data: dict[str, Any], **_kwargs: Any) -> ProgrammeSpec:
        population = data.pop("population") or {}
        return ProgrammeSpec(
            **data,
            institutions=[InstitutionTarget(item["institution"], item.get("deadline")) for item in population.get("institutions", [])],
            cohorts=population.get("cohorts", []),
        )


class ProgrammeCourseSchema(ma.Schema):
    code = ma.fields.String()
    title = ma.fields.String()
    track = ma.fields.String()
    credits = ma.fields.Float()


class ProgrammeSchema(ma.Schema):
    id = ma.fields.Integer()
    slug = ma.fields.String()
    name = ma.fields.String()
    description = ma.fields.String(allow_none=True)
    country = ma.fields.String(allow_none=True)
    requirement = ma.fields.String()
    min_credits = ma.fields.Float(allow_none=True)
    courses = ma.fields.Function(lambda p: ProgrammeCourseSchema(many=True).dump([link.course for link in p.courses]))
    population = ma.fields.Function(lambda p: population_json(p))
    target_count = ma.fields.Integer(allow_none=True)
    starts_on = ma.fields.Date()
    deadline = ma.fields.Date(allow_none=True)
    ends_on = ma.fields.Date(allow_none=True)
    is_mandatory = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


def population_json(programme: Programme) -> dict[str, Any]:
    institutions = [
        {"id": link.institution_id, "name": link.institution.name,
         "deadline": link.deadline.isoformat() if link.deadline else None}
        for link in programme.institutions
    ]
    kind = "all" if not institutions and not programme.cohorts else (
        "institutions_and_cohorts" if institutions and programme.cohorts else "institutions" if institutions else "cohorts")
    return {"kind": kind, "institutions": institutions, "cohorts": programme.cohort_names}


class ProgrammePageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ProgrammeSchema))


class InstitutionInSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=200))
    country = ma.fields.String(load_default=None, allow_none=True, validate=COUNTRY)
    head_count = ma.fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(min=0, max=10_000_000),
                                   metadata={"description": "the HR roster's head count; omit to count registered learners"})


class InstitutionSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    country = ma.fields.String(allow_none=True)
    head_count = ma.fields.Integer(allow_none=True, metadata={"description": "the HR figure, if one was given"})
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class InstitutionCountSchema(ma.Schema):
    id = ma.fields.Integer(allow_none=True, metadata={"description": "null: named by learners but not registered"})
    name = ma.fields.String()
    country = ma.fields.String(allow_none=True)
    hr_head_count = ma.fields.Integer(allow_none=True)
    learners = ma.fields.Integer(metadata={"description": "learners registered under this name"})
    head_count = ma.fields.Integer(metadata={"description": "the HR figure, or else the learners"})
    head_count_source = ma.fields.String()


class InstitutionPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(InstitutionCountSchema))
