"""The review queue of unmatched identities: actors whose statements belong to no known learner yet."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lrs.xapi.models import Statement
from reports.normalise.models import StatementFact


def unmatched_identities(session: Session, *, limit: int, offset: int) -> list[dict[str, Any]]:
    """Unlinked actors with their (unvoided) statement counts, busiest first."""
    count = func.count().label("statement_count")
    rows = session.execute(
        select(
            StatementFact.actor_ifi,
            count,
            func.min(StatementFact.occurred_at).label("first_seen"),
            func.max(StatementFact.occurred_at).label("last_seen"),
            func.max(StatementFact.statement_seq).label("latest_seq"),
        )
        .where(StatementFact.learner_id.is_(None), StatementFact.is_voided.is_(False))
        .group_by(StatementFact.actor_ifi)
        .order_by(count.desc(), StatementFact.actor_ifi)
        .limit(limit)
        .offset(offset)
    ).all()
    latest = {
        seq: body["actor"]
        for seq, body in session.execute(
            select(Statement.seq, Statement.body).where(Statement.seq.in_([row.latest_seq for row in rows]))
        )
    }
    items = []
    for row in rows:
        actor = latest.get(row.latest_seq) or {}
        items.append({
            "ifi": row.actor_ifi,
            "agent": agent_of_ifi(row.actor_ifi, actor.get("name")),
            "statement_count": row.statement_count,
            "first_seen": row.first_seen,
            "last_seen": row.last_seen,
        })
    return items


def agent_of_ifi(ifi: str, name: str | None = None) -> dict[str, Any]:
    """The xAPI Agent an IFI string (as ``lrs.xapi.validation.agent_ifi`` writes it) stands for."""
    kind, _, value = ifi.partition(":")
    agent: dict[str, Any] = {"objectType": "Agent"}
    if kind == "account":
        home_page, _, account_name = value.rpartition("|")
        agent["account"] = {"homePage": home_page, "name": account_name}
    else:
        agent[kind] = value
    if name:
        agent["name"] = name
    return agent
