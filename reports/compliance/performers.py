"""Outstanding performers: per cohort, the learners with the best average score over the courses they
completed (at least ``min_courses``), ties broken by credits earned — ranked by the database."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reports.normalise.models import LearningRecord
from reports.normalise.policy import CREDITED
from reports.programmes.models import Programme
from reports.programmes.standing import population, programme_records


@dataclass(frozen=True)
class Performer:
    cohort: str | None
    rank: int
    learner_id: int
    name: str
    institution: str
    courses: int
    credits: float
    average_score: float


def outstanding_performers(
    session: Session, *, programme: Programme | None = None, per_cohort: int = 5, min_courses: int = 1
) -> list[Performer]:
    """The top ``per_cohort`` learners of each cohort, cohort by cohort."""
    record = LearningRecord
    people = population(programme).subquery("people")
    totals = (
        programme_records(programme, people).add_columns(
            record.learner_id, people.c.name, people.c.institution, people.c.cohort,
            func.count().label("courses"), func.sum(record.credits).label("credits"),
            func.avg(record.score_percent).label("average_score"),
        )
        .where(record.status.in_(CREDITED), record.score_percent.is_not(None))
        .group_by(record.learner_id, people.c.name, people.c.institution, people.c.cohort)
        .having(func.count() >= min_courses)
        .subquery("totals")
    )
    rank = func.row_number().over(
        partition_by=totals.c.cohort,
        order_by=(totals.c.average_score.desc(), totals.c.credits.desc(), totals.c.learner_id),
    ).label("rank")
    ranked = select(totals, rank).subquery("ranked")
    rows = session.execute(
        select(ranked).where(ranked.c.rank <= per_cohort).order_by(ranked.c.cohort, ranked.c.rank)
    ).all()
    return [
        Performer(row.cohort, int(row.rank), row.learner_id, row.name, row.institution, int(row.courses),
                  round(float(row.credits), 2), round(float(row.average_score), 1))
        for row in rows
    ]
