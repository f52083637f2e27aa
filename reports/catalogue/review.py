"""The review queue of unmapped activities: achievements and enrolments no catalogue course counts yet."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lrs.centres.models import Centre
from lrs.xapi.models import Activity
from reports.normalise.models import StatementFact
from reports.normalise.vocabulary import Effect


def unmapped_activities(session: Session, *, limit: int, offset: int) -> list[dict[str, Any]]:
    """Activities whose outcome-bearing statements map to no course, most statements first."""
    count = func.count().label("statement_count")
    rows = session.execute(
        select(
            StatementFact.centre_id,
            StatementFact.activity_iri,
            count,
            func.count(StatementFact.actor_ifi.distinct()).label("actor_count"),
            func.min(StatementFact.occurred_at).label("first_seen"),
            func.max(StatementFact.occurred_at).label("last_seen"),
        )
        .where(
            StatementFact.is_outcome.is_(False),
            StatementFact.is_voided.is_(False),
            StatementFact.effect != Effect.PROGRESSED.value,
        )
        .group_by(StatementFact.centre_id, StatementFact.activity_iri)
        .order_by(count.desc(), StatementFact.activity_iri)
        .limit(limit)
        .offset(offset)
    ).all()
    iris = [row.activity_iri for row in rows]
    definitions: dict[str, dict[str, Any] | None] = dict(session.execute(select(Activity.iri, Activity.definition).where(Activity.iri.in_(iris))).all())
    centres = {centre.id: centre for centre in session.scalars(select(Centre).where(Centre.id.in_({row.centre_id for row in rows})))}
    return [
        {
            "centre": centres[row.centre_id].summary() if row.centre_id in centres else None,
            "activity_iri": row.activity_iri,
            "name": _name(definitions.get(row.activity_iri)),
            "type": (definitions.get(row.activity_iri) or {}).get("type"),
            "statement_count": row.statement_count,
            "actor_count": row.actor_count,
            "first_seen": row.first_seen,
            "last_seen": row.last_seen,
        }
        for row in rows
    ]


def _name(definition: dict[str, Any] | None) -> str | None:
    names = (definition or {}).get("name") or {}
    return next(iter(names.values()), None) if isinstance(names, dict) else None
