"""Integrity signals worth a second look: completions implausibly fast for the course's notional hours,
and assessments attempted many times. A signal is a reason to look, never a verdict.

*Fast*: a credited record whose completion came less than ``fast_fraction`` of the course's notional
hours after the learner's first activity in it (only when there was earlier activity to measure from).
*Many attempts*: ``attempts`` at or above ``many_attempts``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_
from sqlalchemy.orm import Session

from lrs.centres.models import Centre
from reports.catalogue.models import Course
from reports.compliance.dialect import seconds_between
from reports.normalise.models import LearningRecord
from reports.normalise.policy import CREDITED
from reports.programmes.models import Programme
from reports.programmes.standing import population, programme_records


@dataclass(frozen=True)
class IntegrityFlag:
    record_id: int
    learner_id: int
    name: str
    institution: str
    course_code: str
    course_title: str
    centre: str | None
    status: str
    score_percent: float | None
    attempts: int
    notional_hours: float
    elapsed_hours: float | None  # first activity to completion
    is_proctored: bool | None
    signals: list[str]


def integrity_signals(
    session: Session, *, programme: Programme | None = None, fast_fraction: float = 0.05,
    many_attempts: int = 5, limit: int = 200,
) -> list[IntegrityFlag]:
    """Records showing either signal, most suspicious first (fastest relative to the hours, then most attempts)."""
    record = LearningRecord
    elapsed = seconds_between(session, record.completed_at, record.started_at)
    budget = Course.hours * 3600.0 * fast_fraction
    is_fast = and_(record.status.in_(CREDITED), record.completed_at > record.started_at, elapsed < budget)
    ratio = elapsed / (Course.hours * 3600.0)
    people = population(programme).subquery("people")
    query = (
        programme_records(programme, people)
        .add_columns(record, people.c.name, people.c.institution, Course.code, Course.title, Course.hours,
                     Centre.name.label("centre"), elapsed.label("elapsed"), is_fast.label("is_fast"))
        .join(Course, Course.id == record.course_id)
        .outerjoin(Centre, Centre.id == func.coalesce(record.source_centre_id, Course.centre_id))
        .where(or_(is_fast, record.attempts >= many_attempts))
    )
    rows = session.execute(query.order_by(is_fast.desc(), ratio, record.attempts.desc(), record.id).limit(limit)).all()
    flags = []
    for row in rows:
        item: LearningRecord = row[0]
        signals = []
        if row.is_fast:
            signals.append(f"completed {_hours(row.elapsed)} after first activity (course: {row.hours:g} notional hours)")
        if item.attempts >= many_attempts:
            signals.append(f"{item.attempts} attempts")
        flags.append(IntegrityFlag(
            record_id=item.id, learner_id=item.learner_id, name=row.name, institution=row.institution,
            course_code=row.code, course_title=row.title, centre=row.centre, status=item.status,
            score_percent=item.score_percent, attempts=item.attempts, notional_hours=row.hours,
            elapsed_hours=round(row.elapsed / 3600.0, 2) if row.elapsed is not None else None,
            is_proctored=item.is_proctored, signals=signals,
        ))
    return flags


def _hours(seconds: float) -> str:
    minutes = seconds / 60.0
    return f"{minutes:.0f} minutes" if minutes < 120 else f"{minutes / 60.0:.1f} hours"
