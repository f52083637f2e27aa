"""Reading statements: one by id, or a page of a filtered query in stored order."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from lrs.auth.service import Principal
from lrs.xapi.models import Statement, StatementActivity, StatementAgent
from lrs.xapi.statements.params import SingleStatementQuery, StatementQuery


@dataclass(frozen=True)
class StatementPage:
    statements: list[dict[str, Any]]
    next_query: StatementQuery | None


def get_statement(session: Session, query: SingleStatementQuery, principal: Principal) -> dict[str, Any] | None:
    """The statement with this id, if the principal may see it and it is (or is not) voided as asked."""
    statement = (
        select(Statement.body)
        .where(Statement.id == query.statement_id, Statement.is_voided.is_(query.voided))
        .where(*_visibility(Statement, principal))
    )
    return session.scalar(statement)


def find_statements(session: Session, query: StatementQuery, principal: Principal) -> StatementPage:
    """A page of statements matching ``query``, newest first unless ``ascending``.

    A statement that targets another (StatementRef) matches when its target does; those are found by a
    second query over the few statements that target anything, so each query stays an index scan.
    """
    ceiling = query.ceiling_seq
    if ceiling is None:
        ceiling = session.scalar(select(func.max(Statement.seq))) or 0
    bounds = [Statement.is_voided.is_(False), Statement.seq <= ceiling, *_visibility(Statement, principal)]
    if query.after_seq is not None:
        bounds.append(Statement.seq > query.after_seq if query.ascending else Statement.seq < query.after_seq)
    if query.since is not None:
        bounds.append(Statement.stored > query.since)
    if query.until is not None:
        bounds.append(Statement.stored <= query.until)
    order = Statement.seq.asc() if query.ascending else Statement.seq.desc()
    wanted = query.limit + 1

    own = _filters(Statement, query)
    page = select(Statement.seq, Statement.body).where(*bounds, *own).order_by(order).limit(wanted)
    rows = list(session.execute(page))
    if own:
        target = aliased(Statement)
        via_target = (
            select(Statement.seq, Statement.body)
            .where(*bounds, Statement.object_statement_id.is_not(None))
            .where(Statement.object_statement_id.in_(select(target.id).where(*_filters(target, query))))
            .order_by(order)
            .limit(wanted)
        )
        by_seq = {row.seq: row for row in rows}
        by_seq.update((row.seq, row) for row in session.execute(via_target))
        rows = sorted(by_seq.values(), key=lambda row: row.seq, reverse=not query.ascending)[:wanted]

    has_more = len(rows) > query.limit
    rows = rows[: query.limit]
    next_query = query.resumed(rows[-1].seq, ceiling) if has_more and rows else None
    return StatementPage([row.body for row in rows], next_query)


def _filters(table: Any, query: StatementQuery) -> list[Any]:
    conditions = []
    if query.verb is not None:
        conditions.append(table.verb_iri == query.verb)
    if query.registration is not None:
        conditions.append(table.registration == query.registration)
    if query.agent is not None:
        agents = select(StatementAgent.statement_seq).where(StatementAgent.ifi == query.agent)
        if not query.related_agents:
            agents = agents.where(StatementAgent.is_direct.is_(True))
        conditions.append(table.seq.in_(agents))
    if query.activity is not None:
        activities = select(StatementActivity.statement_seq).where(StatementActivity.iri == query.activity)
        if not query.related_activities:
            activities = activities.where(StatementActivity.is_direct.is_(True))
        conditions.append(table.seq.in_(activities))
    return conditions


def _visibility(table: Any, principal: Principal) -> list[Any]:
    if principal.centre is not None and principal.role not in ("admin", "registrar"):
        return [table.centre_id == principal.centre.id]
    if principal.reads_only_own:
        return [table.client_id == principal.client_id]
    return []


def statement_ids(bodies: list[dict[str, Any]]) -> list[uuid.UUID]:
    return [uuid.UUID(body["id"]) for body in bodies]
