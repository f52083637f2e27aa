"""Reading statements: one by id, or a page of a filtered query in stored order."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
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
    """A page of statements matching ``query``, newest first unless ``ascending``."""
    ceiling = query.ceiling_seq
    if ceiling is None:
        ceiling = session.scalar(select(func.max(Statement.seq))) or 0
    statement = _matching(query).where(Statement.seq <= ceiling).where(*_visibility(Statement, principal))
    if query.after_seq is not None:
        beyond = Statement.seq > query.after_seq if query.ascending else Statement.seq < query.after_seq
        statement = statement.where(beyond)
    order = Statement.seq.asc() if query.ascending else Statement.seq.desc()
    rows = session.execute(statement.order_by(order).limit(query.limit + 1)).all()
    has_more = len(rows) > query.limit
    rows = rows[: query.limit]
    next_query = query.resumed(rows[-1].seq, ceiling) if has_more and rows else None
    return StatementPage([row.body for row in rows], next_query)


def _matching(query: StatementQuery) -> Select[Any]:
    statement = select(Statement.seq, Statement.body).where(Statement.is_voided.is_(False))
    if query.since is not None:
        statement = statement.where(Statement.stored > query.since)
    if query.until is not None:
        statement = statement.where(Statement.stored <= query.until)
    own = _filters(Statement, query)
    if own:
        # A statement that targets another (StatementRef) matches when its target does.
        target = aliased(Statement)
        via_target = Statement.object_statement_id.in_(select(target.id).where(*_filters(target, query)))
        statement = statement.where(or_(and_(*own), via_target))
    return statement


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
