"""Programme progress: where the population stands now, how it got there over time, against the target,
and the same broken down by institution, cohort, track and centre.

Figures reflect today's learning records: a certificate that has expired no longer counts, also in
the past points of the series.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import BigInteger, Date, String, case, cast, func, literal_column, null, select, union_all
from sqlalchemy.orm import Session

from lrs.centres.models import Centre
from lrs.errors import BadRequest
from reports.catalogue.models import Course
from reports.compliance.dialect import day_of
from reports.learners.models import Learner
from reports.normalise.models import LearningRecord
from reports.normalise.policy import Status
from reports.programmes.models import Programme
from reports.programmes.standing import (
    NOT_STARTED,
    STAGES,
    institution_names,
    is_certified,
    is_credited,
    population,
    programme_records,
    standing_query,
)
from reports.programmes.standing import day as as_day

BREAKDOWNS = ("institution", "cohort", "track", "centre")
_STAGE_COLUMNS = {"enrolled": "enrolled_at", "in_progress": "started_at", "completed": "completed_at", "certified": "certified_at"}


@dataclass(frozen=True)
class Point:
    """Learners who had reached each stage by ``day`` (cumulative), and the target trajectory then."""

    day: date
    enrolled: int
    in_progress: int
    completed: int
    certified: int
    target: float | None


@dataclass
class Progress:
    programme_id: int
    as_of: date
    population: int
    target: int
    reached: dict[str, int]  # cumulative: in_progress counts everyone who got at least that far
    current: dict[str, int]  # exclusive: each learner in the furthest stage reached; sums to population
    expected_by_now: int | None
    status: str  # met | on_track | behind | overdue | no_target
    series: list[Point] = field(default_factory=list)

    @property
    def percent_of_target(self) -> float:
        return round(100.0 * self.reached["completed"] / self.target, 1) if self.target else 0.0


@dataclass(frozen=True)
class GroupCounts:
    """Learners of one institution or cohort, and how many reached each stage."""

    total: int
    enrolled: int
    in_progress: int
    completed: int
    certified: int


@dataclass
class Summary:
    """Everything the per-learner standing gives, from one query: progress, and counts per institution and cohort."""

    progress: Progress
    institutions: dict[str, GroupCounts]
    cohorts: dict[str | None, GroupCounts]


def programme_summary(session: Session, programme: Programme, now: datetime) -> Summary:
    """The programme's progress, series and per-institution and per-cohort counts as of ``now``, in one query
    (the standing is computed once, as a common table expression every part reads)."""
    standing = standing_query(programme, now).cte("standing")
    stage_counts = [func.count(standing.c[column]) for column in _STAGE_COLUMNS.values()]
    # Typed NULLs: PostgreSQL settles a UNION's column types from its first branches.
    nothing = [cast(null(), BigInteger)] * len(stage_counts)
    no_key, no_day = cast(null(), String), cast(null(), Date)
    parts = [select(_constant("population"), no_key, no_day, func.count(), *nothing).select_from(standing)]
    for stage, column in _STAGE_COLUMNS.items():
        moment = day_of(session, standing.c[column])
        parts.append(
            select(_constant("day"), _constant(stage), moment, func.count(), *nothing)
            .where(standing.c[column].is_not(None)).group_by(moment)
        )
    for kind in ("institution", "cohort"):
        group = standing.c[kind]
        parts.append(select(_constant(kind), group, no_day, func.count(), *stage_counts).group_by(group))
    by_day: dict[str, dict[date, int]] = defaultdict(dict)
    groups: dict[str, dict[Any, GroupCounts]] = {"institution": {}, "cohort": {}}
    size = 0
    for kind, key, moment, count, *stages in session.execute(union_all(*parts)):
        if kind == "population":
            size = int(count)
        elif kind == "day":
            by_day[key][as_day(moment)] = int(count)  # type: ignore[index]
        else:
            groups[kind][key] = GroupCounts(int(count), *(int(n) for n in stages))
    progress = _progress(programme, now.date(), size, by_day, default_target(session, programme, size))
    return Summary(progress, groups["institution"], groups["cohort"])


def programme_progress(session: Session, programme: Programme, now: datetime) -> Progress:
    """The programme's progress as of ``now``."""
    return programme_summary(session, programme, now).progress


def default_target(session: Session, programme: Programme, population_size: int) -> int:
    """The programme's target: as set, or else everyone, counting the HR head counts of whole institutions
    (officers on the roster but not yet registered must complete too)."""
    if programme.target_count:
        return programme.target_count
    if not programme.institutions or programme.cohorts:
        return population_size
    registered = {
        name: count for name, count in session.execute(
            select(Learner.institution, func.count()).where(Learner.institution.in_(institution_names(programme)))
            .group_by(Learner.institution)
        )
    }
    return sum(max(link.institution.head_count or 0, registered.get(link.institution.name, 0)) for link in programme.institutions)


def _constant(name: str) -> Any:
    """One of our own names as SQL text (a bound parameter would leave PostgreSQL guessing its type in a UNION)."""
    return literal_column(f"'{name}'")  # never input


def _progress(programme: Programme, today: date, size: int, by_day: dict[str, dict[date, int]], target: int) -> Progress:
    reached = {stage: sum(by_day[stage].values()) for stage in STAGES}
    current = {NOT_STARTED: size - reached["enrolled"]}
    for stage, following in zip(STAGES, (*STAGES[1:], None), strict=True):
        current[stage] = reached[stage] - (reached[following] if following else 0)
    expected = _expected(programme, target, today)
    series = [_point(by_day, moment, _expected(programme, target, moment)) for moment in period_ends(programme.starts_on, today)]
    return Progress(
        programme_id=programme.id, as_of=today, population=size, target=target, reached=reached, current=current,
        expected_by_now=round(expected) if expected is not None else None,
        status=_status(programme, today, target, reached["completed"], expected), series=series,
    )


def _point(by_day: dict[str, dict[date, int]], moment: date, target: float | None) -> Point:
    enrolled, in_progress, completed, certified = (_count_by(by_day[stage], moment) for stage in STAGES)
    return Point(moment, enrolled, in_progress, completed, certified, target)


def _count_by(days: dict[date, int], moment: date) -> int:
    return sum(count for day, count in days.items() if day <= moment)


def _expected(programme: Programme, target: int, moment: date) -> float | None:
    """Where a straight line from nothing at the start to the target at the deadline stands on ``moment``."""
    if programme.deadline is None:
        return None
    span = (programme.deadline - programme.starts_on).days
    if span <= 0:
        return float(target) if moment >= programme.deadline else 0.0
    share = min(max((moment - programme.starts_on).days / span, 0.0), 1.0)
    return round(target * share, 1)


def _status(programme: Programme, today: date, target: int, completed: int, expected: float | None) -> str:
    if target and completed >= target:
        return "met"
    if expected is None:
        return "no_target"
    if programme.deadline is not None and today > programme.deadline:
        return "overdue"
    return "on_track" if completed >= expected else "behind"


def period_ends(start: date, end: date) -> list[date]:
    """Points of a series from ``start`` to ``end``: month ends for long spans, week ends for short ones, and ``end``."""
    if end <= start:
        return [end]
    points: list[date] = []
    if (end - start).days > 180:
        moment = _month_end(start)
        while moment < end:
            points.append(moment)
            moment = _month_end(moment + timedelta(days=1))
    else:
        moment = start + timedelta(days=6 - start.weekday())
        while moment < end:
            points.append(moment)
            moment += timedelta(days=7)
    return [start, *[p for p in points if p > start], end]


def _month_end(moment: date) -> date:
    following = (moment.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


@dataclass(frozen=True)
class BreakdownRow:
    """One group's counts; ``population`` is None for track and centre (a learner may be in several)."""

    key: Any
    label: str
    population: int | None
    enrolled: int
    in_progress: int
    completed: int
    certified: int


def breakdown(session: Session, programme: Programme, now: datetime, by: str, summary: Summary | None = None) -> list[BreakdownRow]:
    """Stages reached per institution or cohort (learners), or per track or centre (learners in its courses);
    institutions and cohorts are read from ``summary`` when the caller has one.

    Raises:
        BadRequest: ``by`` is not one of ``BREAKDOWNS``.
    """
    if by in ("institution", "cohort"):
        summary = summary or programme_summary(session, programme, now)
        counts = summary.institutions if by == "institution" else summary.cohorts
        rows = [BreakdownRow(key, key or f"No {by}", c.total, c.enrolled, c.in_progress, c.completed, c.certified)
                for key, c in counts.items()]
        return sorted(rows, key=lambda row: (row.key is None, str(row.key or "")))
    if by in ("track", "centre"):
        return _by_course_group(session, programme, now, by)
    raise BadRequest(f"by: expected one of {', '.join(BREAKDOWNS)}")


def _by_course_group(session: Session, programme: Programme, now: datetime, by: str) -> list[BreakdownRow]:
    people = population(programme).subquery("people")
    record = LearningRecord
    group = Course.track if by == "track" else func.coalesce(record.source_centre_id, Course.centre_id)
    learner = record.learner_id
    rows = session.execute(
        programme_records(programme, people)
        .add_columns(
            group.label("key"),
            func.count(learner.distinct()),
            func.count(case((record.status != Status.ENROLLED, learner)).distinct()),
            func.count(case((is_credited(now), learner)).distinct()),
            func.count(case((is_certified(now), learner)).distinct()),
        )
        .join(Course, Course.id == record.course_id)
        .group_by(group)
    ).all()
    labels = _centre_names(session, [row[0] for row in rows]) if by == "centre" else {}
    result = [BreakdownRow(key, labels.get(key, str(key)), None, *counts) for key, *counts in rows]
    return sorted(result, key=lambda row: row.label.lower())


def _centre_names(session: Session, ids: list[int]) -> dict[int, str]:
    return {key: value for key, value in session.execute(select(Centre.id, Centre.name).where(Centre.id.in_(ids)))}
