"""Centre activity: what each authorised centre delivered — learners, completions, pass rate, average
score and notional hours — across the catalogue or within one programme.

A record counts for the centre whose statement earned it (``source_centre_id``), else its course's provider.
Pass rate is passes (passed or certified) over assessed outcomes (those plus failures); completions
without an assessment count as completions only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from lrs.centres.models import Centre
from reports.catalogue.models import Course
from reports.normalise.models import LearningRecord
from reports.normalise.policy import CREDITED, Status
from reports.programmes.models import Programme
from reports.programmes.standing import population, programme_records


@dataclass(frozen=True)
class CentreActivity:
    centre_id: int
    slug: str
    name: str
    learners: int
    enrolments: int
    completions: int
    passes: int
    failures: int
    average_score: float | None
    hours: float

    @property
    def pass_rate(self) -> float | None:
        assessed = self.passes + self.failures
        return round(100.0 * self.passes / assessed, 1) if assessed else None


def centre_activity(session: Session, *, programme: Programme | None = None, since: datetime | None = None) -> list[CentreActivity]:
    """Per centre, over every record (or the programme's), active since ``since`` when given; busiest first."""
    record = LearningRecord
    centre = func.coalesce(record.source_centre_id, Course.centre_id)
    columns = (
        centre.label("centre_id"),
        func.count(record.learner_id.distinct()),
        func.count(),
        func.count(case((record.status.in_(CREDITED), 1))),
        func.count(case((record.status.in_((Status.PASSED, Status.CERTIFIED)), 1))),
        func.count(case((record.status == Status.FAILED, 1))),
        func.avg(record.score_percent),
        func.coalesce(func.sum(record.hours), 0.0),
    )
    query = programme_records(programme, population(programme).subquery("people")).add_columns(*columns)
    query = query.join(Course, Course.id == record.course_id).group_by(centre)
    if since is not None:
        query = query.where(record.last_activity_at >= since)
    rows = session.execute(query).all()
    centres = {row.id: row for row in session.scalars(select(Centre).where(Centre.id.in_([r[0] for r in rows])))}
    result = [
        CentreActivity(
            centre_id=centre_id, slug=centres[centre_id].slug, name=centres[centre_id].name,
            learners=learners, enrolments=enrolments, completions=completions, passes=passes, failures=failures,
            average_score=round(float(score), 1) if score is not None else None, hours=round(float(hours), 1),
        )
        for centre_id, learners, enrolments, completions, passes, failures, score, hours in rows
        if centre_id in centres
    ]
    return sorted(result, key=lambda item: (-item.hours, item.name.lower()))
