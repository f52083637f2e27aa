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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, case, false, func, or_, select
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


def population(programme: Programme | None, *, institutions: Sequence[str] | None = None) -> Select[int, str, str, str | None]:
    """The programme's learners (in one of its institutions and cohorts, when it names any); no programme:
    everyone. ``institutions`` narrows it to those institutions' learners."""
    query = select(Learner.id.label("learner_id"), Learner.name, Learner.institution, Learner.cohort)
    if institutions is not None:
        query = query.where(Learner.institution.in_(institutions))
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


def standings(programme: Programme, now: datetime, *, institutions: Sequence[str] | None = None) -> Subquery:
    """One row per learner of the population (of those institutions, if given): learner_id, name, institution,
    cohort, enrolled_at, started_at, completed_at, certified_at, last_activity_at, credits, courses_done."""
    return standing_query(programme, now, institutions=institutions).subquery("standing")


def standing_query(programme: Programme, now: datetime, *, institutions: Sequence[str] | None = None) -> Select[Any]:
    """The SELECT behind ``standings`` (to use as a CTE): one pass over the population's records."""
    people = population(programme, institutions=institutions).subquery("people")
    record = LearningRecord
    credited, certified = is_credited(now), is_certified(now)
    columns: list[Any] = [
        record.learner_id, record.status, record.started_at, record.completed_at, record.last_activity_at,
        case((credited, 1), else_=0).label("is_credited"),
        case((certified, 1), else_=0).label("is_certified"),
        case((credited, record.credits), else_=0.0).label("credited_credits"),
    ]
    if programme.requirement == "min_credits":  # running totals by completion date: when the minimum was reached
        order = (record.completed_at, record.course_id)
        columns += [
            func.sum(case((credited, record.credits), else_=0.0)).over(partition_by=record.learner_id, order_by=order).label("running_credited"),
            func.sum(case((certified, record.credits), else_=0.0)).over(partition_by=record.learner_id, order_by=order).label("running_certified"),
        ]
    rows = programme_records(programme, people).add_columns(*columns).subquery("records")
    completed_at, certified_at = _completion(programme, rows)
    per_learner = (
        select(
            rows.c.learner_id,
            func.min(rows.c.started_at).label("enrolled_at"),
            func.min(case((rows.c.status != Status.ENROLLED, rows.c.started_at))).label("started_at"),
            func.sum(rows.c.is_credited).label("credited_courses"),
            func.sum(rows.c.credited_credits).label("credits"),
            func.max(rows.c.last_activity_at).label("last_activity_at"),
            completed_at.label("completed_at"),
            certified_at.label("certified_at"),
        )
        .group_by(rows.c.learner_id)
        .subquery("per_learner")
    )
    return select(
        people.c.learner_id, people.c.name, people.c.institution, people.c.cohort,
        per_learner.c.enrolled_at, per_learner.c.started_at, per_learner.c.last_activity_at,
        func.coalesce(per_learner.c.credits, 0.0).label("credits"),
        func.coalesce(per_learner.c.credited_courses, 0).label("courses_done"),
        per_learner.c.completed_at, per_learner.c.certified_at,
    ).select_from(people).outerjoin(per_learner, per_learner.c.learner_id == people.c.learner_id)


def _completion(programme: Programme, rows: Subquery) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """Aggregates over a learner's records: when the requirement was met by credited, and by certified, records."""
    c = rows.c
    if programme.requirement == "all_of":
        needed = len(programme.course_ids)
        return (
            case((func.sum(c.is_credited) >= needed, func.max(case((c.is_credited == 1, c.completed_at))))),
            case((func.sum(c.is_certified) >= needed, func.max(case((c.is_certified == 1, c.completed_at))))),
        )
    if programme.requirement == "any_of":
        return func.min(case((c.is_credited == 1, c.completed_at))), func.min(case((c.is_certified == 1, c.completed_at)))
    minimum = float(programme.min_credits or 0) - _EPSILON
    return (
        func.min(case((and_(c.is_credited == 1, c.running_credited >= minimum), c.completed_at))),
        func.min(case((and_(c.is_certified == 1, c.running_certified >= minimum), c.completed_at))),
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
    institutions: Sequence[str] | None = None, compliant: bool | None = None, limit: int | None = None,
) -> list[Standing]:
    """Standings of (some of) the population, by name."""
    standing = standings(programme, now, institutions=institutions)
    query = select(standing)
    if learner_ids is not None:
        query = query.where(standing.c.learner_id.in_(learner_ids))
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
