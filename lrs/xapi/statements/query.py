"""Reading statements: one by id, or a page of a filtered query in stored order."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from lrs.auth.service import Principal
from lrs.xapi.models import Statement, StatementActivity, StatementAgent
from lrs.xapi.statements.params import SingleStatementQuery, StatementQuery

# Core tables, not ORM entities: these reads run on every GET and the ORM's per-query work (entity
# adaptation, result loading) cost more than PostgreSQL takes to answer them.
STATEMENTS: Table = Statement.__table__  # type: ignore[assignment]
AGENTS: Table = StatementAgent.__table__  # type: ignore[assignment]
ACTIVITIES: Table = StatementActivity.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class StatementPage:
    statements: list[dict[str, Any]]
    next_query: StatementQuery | None


def get_statement(session: Session, query: SingleStatementQuery, principal: Principal) -> dict[str, Any] | None:
    """The statement with this id, if the principal may see it and it is (or is not) voided as asked."""
    statement = (
        select(STATEMENTS.c.body)
        .where(STATEMENTS.c.id == query.statement_id, STATEMENTS.c.is_voided.is_(query.voided))
        .where(*_visibility(STATEMENTS, principal))
    )
    return session.connection().execute(statement).scalar()


def find_statements(session: Session, query: StatementQuery, principal: Principal) -> StatementPage:
    """A page of statements matching ``query``, newest first unless ``ascending``.

    A statement that targets another (StatementRef) matches when its target does; those are found by a
    second query over the few statements that target anything, so each query stays an index scan.
    """
    connection = session.connection()
    statements = STATEMENTS.c
    ceiling = query.ceiling_seq
    if ceiling is None:
        ceiling = connection.execute(select(func.max(statements.seq))).scalar() or 0
    bounds = [statements.is_voided.is_(False), statements.seq <= ceiling, *_visibility(STATEMENTS, principal)]
    if query.after_seq is not None:
        bounds.append(statements.seq > query.after_seq if query.ascending else statements.seq < query.after_seq)
    if query.since is not None:
        bounds.append(statements.stored > query.since)
    if query.until is not None:
        bounds.append(statements.stored <= query.until)
    order = statements.seq.asc() if query.ascending else statements.seq.desc()
    wanted = query.limit + 1

    own = _filters(STATEMENTS, query)
    page = select(statements.seq, statements.body).where(*bounds, *own).order_by(order).limit(wanted)
    rows = list(connection.execute(page))
    if own:
        target = STATEMENTS.alias("target")
        via_target = (
            select(statements.seq, statements.body)
            .where(*bounds, statements.object_statement_id.is_not(None))
            .where(statements.object_statement_id.in_(select(target.c.id).where(*_filters(target, query))))
            .order_by(order)
            .limit(wanted)
        )
        by_seq = {row.seq: row for row in rows}
        by_seq.update((row.seq, row) for row in connection.execute(via_target))
        rows = sorted(by_seq.values(), key=lambda row: row.seq, reverse=not query.ascending)[:wanted]

    has_more = len(rows) > query.limit
    rows = rows[: query.limit]
    next_query = query.resumed(rows[-1].seq, ceiling) if has_more and rows else None
    return StatementPage([row.body for row in rows], next_query)


def _filters(table: Any, query: StatementQuery) -> list[Any]:
    conditions = []
    if query.verb is not None:
        conditions.append(table.c.verb_iri == query.verb)
    if query.registration is not None:
        conditions.append(table.c.registration == query.registration)
    if query.agent is not None:
        agents = select(AGENTS.c.statement_seq).where(AGENTS.c.ifi == query.agent)
        if not query.related_agents:
            agents = agents.where(AGENTS.c.is_direct.is_(True))
        conditions.append(table.c.seq.in_(agents))
    if query.activity is not None:
        activities = select(ACTIVITIES.c.statement_seq).where(ACTIVITIES.c.iri == query.activity)
        if not query.related_activities:
            activities = activities.where(ACTIVITIES.c.is_direct.is_(True))
        conditions.append(table.c.seq.in_(activities))
    return conditions


def _visibility(table: Any, principal: Principal) -> list[Any]:
    if principal.centre is not None and principal.role not in ("admin", "registrar"):
        return [table.c.centre_id == principal.centre.id]
    if principal.reads_only_own:
        return [table.c.client_id == principal.client_id]
    return []


def statement_ids(bodies: list[dict[str, Any]]) -> list[uuid.UUID]:
    return [uuid.UUID(body["id"]) for body in bodies]
