"""Each learner's standing in a programme, computed by the database: which stage they reached, and when.

Stages are cumulative: a learner who *completed* also *enrolled* and was *in progress*.

- **enrolled**: has a learning record in one of the programme's courses (the date of the first one);
- **in progress**: one of those records went beyond enrolment;
- **completed**: the requirement is met by credited records (completed, passed, or a certificate
  that has not expired): every required course (``all_of``), any one (``any_of``), or enough credits
  (``min_credits``); the date is when it was first met;
- **certified**: the requirement is met by current certificates alone.

``standings`` is a subquery with one row per learner of the population (none left out: a learner with
no record has no dates), so every report aggregates it in SQL and stays one query on 20,000 learners.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, false, func, or_, select, true
from sqlalchemy.orm import Session

from reports.learners.models import Learner
from reports.normalise.models import LearningRecord
from reports.normalise.policy import Status
from reports.programmes.models import Programme

STAGES = ("enrolled", "in_progress", "completed", "certified")
NOT_STARTED = "not_started"
STAGE_LABELS = {
    NOT_STARTED: "Not started",
    "enrolled": "Enrolled",
    "in_progress": "In progress",
    "completed": "Completed",
    "certified": "Certified",
}
_EPSILON = 1e-9  # credits are floats: 0.1 + 0.2 must reach 0.3


def is_certified(now: datetime) -> ColumnElement[bool]:
    """A learning record holding a certificate that has not expired by ``now``."""
    record = LearningRecord
    return and_(record.status == Status.CERTIFIED, or_(record.expires_at.is_(None), record.expires_at > now))


def is_credited(now: datetime) -> ColumnElement[bool]:
    """A learning record that counts towards a requirement at ``now``."""
    return or_(LearningRecord.status.in_((Status.COMPLETED, Status.PASSED)), is_certified(now))


def institution_names(programme: Programme) -> list[str]:
    return [link.institution.name for link in programme.institutions]


def population(programme: Programme | None) -> Select[Any]:
    """The programme's learners (in one of its institutions and cohorts, when it names any); no programme: everyone."""
    query = select(Learner.id.label("learner_id"), Learner.name, Learner.institution, Learner.cohort)
    if programme is None:
        return query
    names = institution_names(programme)
    if names:
        query = query.where(Learner.institution.in_(names))
    if programme.cohorts:
        query = query.where(Learner.cohort.in_(programme.cohort_names))
    return query


def programme_records(programme: Programme | None, people: Subquery) -> Select[Any]:
    """Learning records of ``people`` in the programme's courses, or in any course (callers add columns)."""
    query = select().select_from(LearningRecord).join(people, people.c.learner_id == LearningRecord.learner_id)
    if programme is None:
        return query
    return query.where(LearningRecord.course_id.in_(programme.course_ids) if programme.course_ids else false())


def standings(programme: Programme, now: datetime) -> Subquery:
    """One row per learner of the population: learner_id, name, institution, cohort, enrolled_at,
    started_at, completed_at, certified_at, last_activity_at, credits, courses_done."""
    return standing_query(programme, now).subquery("standing")


def standing_query(programme: Programme, now: datetime) -> Select[Any]:
    """The SELECT behind ``standings`` (to use as a CTE)."""
    people = population(programme).subquery("people")
    record = LearningRecord
    credited, certified = is_credited(now), is_certified(now)
    per_learner = (
        programme_records(programme, people)
        .add_columns(
            record.learner_id,
            func.min(record.started_at).label("enrolled_at"),
            func.min(case((record.status != Status.ENROLLED, record.started_at))).label("started_at"),
            func.count(case((credited, 1))).label("credited_courses"),
            func.count(case((certified, 1))).label("certified_courses"),
            func.sum(case((credited, record.credits), else_=0.0)).label("credits"),
            func.min(case((credited, record.completed_at))).label("first_credited_at"),
            func.max(case((credited, record.completed_at))).label("last_credited_at"),
            func.min(case((certified, record.completed_at))).label("first_certified_at"),
            func.max(case((certified, record.completed_at))).label("last_certified_at"),
            func.max(record.last_activity_at).label("last_activity_at"),
        )
        .group_by(record.learner_id)
        .subquery("per_learner")
    )
    query = select(
        people.c.learner_id, people.c.name, people.c.institution, people.c.cohort,
        per_learner.c.enrolled_at, per_learner.c.started_at, per_learner.c.last_activity_at,
        func.coalesce(per_learner.c.credits, 0.0).label("credits"),
        func.coalesce(per_learner.c.credited_courses, 0).label("courses_done"),
    ).select_from(people).outerjoin(per_learner, per_learner.c.learner_id == people.c.learner_id)
    completed_at, certified_at, query = _completion(programme, people, per_learner, query, credited, certified)
    return query.add_columns(completed_at.label("completed_at"), certified_at.label("certified_at"))


def _completion(
    programme: Programme, people: Subquery, per_learner: Subquery, query: Select[Any],
    credited: ColumnElement[bool], certified: ColumnElement[bool],
) -> tuple[ColumnElement[Any], ColumnElement[Any], Select[Any]]:
    """When the requirement was met by credited and by certified records, per the programme's rule."""
    if programme.requirement == "all_of":
        needed = len(programme.course_ids)
        return (
            case((per_learner.c.credited_courses >= needed, per_learner.c.last_credited_at)),
            case((per_learner.c.certified_courses >= needed, per_learner.c.last_certified_at)),
            query,
        )
    if programme.requirement == "any_of":
        return per_learner.c.first_credited_at, per_learner.c.first_certified_at, query
    crossings = []
    for name, condition in (("credited_crossing", credited), ("certified_crossing", certified)):
        crossing = _credit_crossing(programme, people, condition, float(programme.min_credits or 0)).subquery(name)
        query = query.outerjoin(crossing, crossing.c.learner_id == people.c.learner_id)
        crossings.append(crossing.c.reached_at)
    return crossings[0], crossings[1], query


def _credit_crossing(programme: Programme, people: Subquery, condition: ColumnElement[bool], minimum: float) -> Select[Any]:
    """Per learner, when the running total of credits (by completion date) first reached ``minimum``."""
    record = LearningRecord
    running = (
        programme_records(programme, people)
        .add_columns(
            record.learner_id,
            record.completed_at,
            func.sum(record.credits).over(
                partition_by=record.learner_id, order_by=(record.completed_at, record.course_id)
            ).label("running"),
        )
        .where(condition)
        .subquery("running")
    )
    return (
        select(running.c.learner_id, func.min(running.c.completed_at).label("reached_at"))
        .where(running.c.running >= minimum - _EPSILON if minimum > 0 else true())
        .group_by(running.c.learner_id)
    )


@dataclass(frozen=True)
class Standing:
    """One learner's standing, as the reports and the overdue list show it."""

    learner_id: int
    name: str
    institution: str
    cohort: str | None
    enrolled_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    certified_at: datetime | None
    last_activity_at: datetime | None
    credits: float
    courses_done: int

    @property
    def stage(self) -> str:
        """The furthest stage reached."""
        for stage, moment in (
            ("certified", self.certified_at), ("completed", self.completed_at),
            ("in_progress", self.started_at), ("enrolled", self.enrolled_at),
        ):
            if moment is not None:
                return stage
        return NOT_STARTED

    @property
    def is_compliant(self) -> bool:
        return self.completed_at is not None


def standing_rows(
    session: Session, programme: Programme, now: datetime, *, learner_ids: list[int] | None = None,
    institution: str | None = None, compliant: bool | None = None, limit: int | None = None,
) -> list[Standing]:
    """Standings of (some of) the population, by name."""
    standing = standings(programme, now)
    query = select(standing)
    if learner_ids is not None:
        query = query.where(standing.c.learner_id.in_(learner_ids))
    if institution is not None:
        query = query.where(standing.c.institution == institution)
    if compliant is not None:
        query = query.where(standing.c.completed_at.is_not(None) if compliant else standing.c.completed_at.is_(None))
    query = query.order_by(standing.c.name, standing.c.learner_id).limit(limit)
    return [_standing(row) for row in session.execute(query)]


def _standing(row: Any) -> Standing:
    return Standing(
        learner_id=row.learner_id, name=row.name, institution=row.institution, cohort=row.cohort,
        enrolled_at=_moment(row.enrolled_at), started_at=_moment(row.started_at),
        completed_at=_moment(row.completed_at), certified_at=_moment(row.certified_at),
        last_activity_at=_moment(row.last_activity_at), credits=float(row.credits or 0), courses_done=int(row.courses_done or 0),
    )


def _moment(value: Any) -> datetime | None:
    """A UTC datetime, also from a column whose type an aggregate lost (SQLite then returns text)."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def day(value: Any) -> date | None:
    """A calendar day from what the database grouped by (a date, or its ISO text on SQLite)."""
    if value is None or isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])
