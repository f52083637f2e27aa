"""Writing statements: ids, LRS-set properties, conflicts, voiding, index rows, attachments.

One call stores a whole batch or nothing; the caller's transaction makes that so.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import CompoundSelect, Select, String, cast, null, select, union_all, update
from sqlalchemy.orm import Session

from lrs.auth.service import Principal
from lrs.bulk import bulk_insert_family
from lrs.db import dialect_insert, utcnow
from lrs.errors import InvalidStatement, StatementConflict
from lrs.outbox import outbox_rows
from lrs.sets import member_of
from lrs.xapi.activities import definitions_in, known_definitions, record_definitions
from lrs.xapi.models import AttachmentContent, Statement, StatementActivity, StatementAgent
from lrs.xapi.multipart import Part
from lrs.xapi.ownership import check_voiding_ownership, same_centre, same_centre_as_bound
from lrs.xapi.statements.compare import same_statement
from lrs.xapi.statements.index import index_statement
from lrs.xapi.timestamps import format_timestamp

VOIDED = "http://adlnet.gov/expapi/verbs/voided"
STORED_VERSION = {"1.0.3": "1.0.0", "2.0.0": "2.0.0"}


@dataclass(frozen=True)
class StoredBatch:
    ids: list[str]
    new_seqs: list[int]


def is_voiding(statement: Mapping[str, Any]) -> bool:
    return statement["verb"]["id"] == VOIDED


def store_statements(
    session: Session,
    statements: list[dict[str, Any]],
    *,
    principal: Principal,
    version: str,
    attachments: Mapping[str, Part] | None = None,
) -> StoredBatch:
    """Store validated statements; a re-sent identical statement is accepted and stored once.

    Raises:
        StatementConflict: an id the store already holds with different content.
        InvalidStatement: a voiding statement aimed at another voiding statement.
    """
    now = utcnow()
    statements = [with_context_activity_lists(statement) for statement in statements]
    ids = [_id_of(statement) for statement in statements]
    incoming = definitions_in(statements)
    # An id the LRS has just generated can be neither stored nor targeted by a stored voiding statement yet;
    # only ids the client sent (Moodle's plugin never sends any) need looking up.
    sent = [statement_id for statement_id, statement in zip(ids, statements, strict=True) if "id" in statement]
    existing, voided_on_arrival, known = _existing(session, sent, principal, incoming)
    fresh: list[tuple[uuid.UUID, dict[str, Any]]] = []
    for statement_id, statement in zip(ids, statements, strict=True):
        stored = existing.get(statement_id)
        if stored is not None:
            if not same_statement(stored, statement):
                raise StatementConflict(f"statement {statement_id} already exists with different content")
            continue
        fresh.append((statement_id, _with_lrs_properties(statement, statement_id, now, principal, version)))

    _check_voiding_targets(session, [body for _, body in fresh])
    check_voiding_ownership(session, principal, _voiding_targets(body for _, body in fresh))
    seqs = _insert(session, fresh, now, principal, voided_on_arrival)
    _void_targets(session, [body for _, body in fresh], principal)
    if len(fresh) < len(statements):  # re-sent statements must not write their (older) definitions again
        incoming = definitions_in(body for _, body in fresh)
    record_definitions(session, incoming, known)
    if attachments:
        _store_attachment_contents(session, attachments, _declared_content_types(statements))
    return StoredBatch(ids=[str(statement_id) for statement_id in ids], new_seqs=seqs)


def with_context_activity_lists(statement: dict[str, Any]) -> dict[str, Any]:
    """The statement with every contextActivities entry as a list, the form the LRS returns."""
    result = statement
    context = statement.get("context")
    if isinstance(context, dict) and any(isinstance(v, dict) for v in (context.get("contextActivities") or {}).values()):
        groups = {k: [v] if isinstance(v, dict) else v for k, v in context["contextActivities"].items()}
        result = {**statement, "context": {**context, "contextActivities": groups}}
    target = statement["object"]
    if target.get("objectType") == "SubStatement":
        result = {**result, "object": with_context_activity_lists(target)}
    return result


def _id_of(statement: dict[str, Any]) -> uuid.UUID:
    if "id" in statement:
        return uuid.UUID(statement["id"])
    return uuid.uuid4()


def _existing(
    session: Session, ids: list[uuid.UUID], principal: Principal, definitions: dict[str, Any]
) -> tuple[dict[uuid.UUID, dict[str, Any]], set[uuid.UUID], dict[str, Any]]:
    """The statements already stored under these ids, the ids a stored voiding statement already targets,
    and the stored definitions of the activities the batch defines: all from one round trip, or none when
    the batch sent no ids and defines no activities.

    A voiding statement may arrive before its target; the target is then stored voided, provided the
    voiding statement came from the target's own centre.
    """
    existing: dict[uuid.UUID, dict[str, Any]] = {}
    voided: set[uuid.UUID] = set()
    known: dict[str, Any] = {}
    if not ids and not definitions:
        return existing, voided, known
    connection = session.connection()
    query = _lookup_query(connection.dialect.name, bool(ids), bool(definitions))
    for statement_id, body, iri in connection.execute(query, {"ids": ids, "centre_id": principal.centre_id, "iris": list(definitions)}):
        if iri is not None:
            known[iri] = body
        elif body is None:
            voided.add(statement_id)
        else:
            existing[statement_id] = body
    return existing, voided, known


@functools.cache
def _lookup_query(dialect: str, with_ids: bool, with_definitions: bool) -> Select[Any] | CompoundSelect:
    """``_existing``'s query, built once per dialect and shape (every write asks it): the id lookups when
    the batch sent ids, the definitions when it carries any."""
    parts: list[Select[Any]] = []
    if with_ids:
        parts.append(select(Statement.id, Statement.body, cast(null(), String)).where(member_of(Statement.id, "ids", "uuid", dialect)))
        parts.append(select(Statement.object_statement_id, null(), null()).where(
            Statement.verb_iri == VOIDED,
            member_of(Statement.object_statement_id, "ids", "uuid", dialect),
            same_centre_as_bound(Statement),
        ))
    if with_definitions:
        parts.append(known_definitions(dialect))
    return parts[0] if len(parts) == 1 else union_all(*parts)


def _with_lrs_properties(
    statement: dict[str, Any], statement_id: uuid.UUID, now: datetime, principal: Principal, version: str
) -> dict[str, Any]:
    body = dict(statement)
    body["id"] = str(statement_id)
    stored = format_timestamp(now)
    body["stored"] = stored
    body.setdefault("timestamp", stored)
    body["authority"] = principal.authority
    body.setdefault("version", STORED_VERSION[version])
    return body


def _check_voiding_targets(session: Session, bodies: list[dict[str, Any]]) -> None:
    targets = {uuid.UUID(body["object"]["id"]): body for body in bodies if is_voiding(body)}
    if not targets:
        return
    in_batch = {uuid.UUID(body["id"]) for body in bodies if is_voiding(body)}
    voiding_targets = in_batch & targets.keys()
    voiding_targets |= set(
        session.scalars(
            select(Statement.id).where(Statement.id.in_(targets), Statement.verb_iri == VOIDED)
        )
    )
    if voiding_targets:
        raise InvalidStatement(f"object.id: statement {min(voiding_targets)} is itself a voiding statement and cannot be voided")


def _insert(
    session: Session,
    fresh: list[tuple[uuid.UUID, dict[str, Any]]],
    now: datetime,
    principal: Principal,
    voided_on_arrival: set[uuid.UUID],
) -> list[int]:
    if not fresh:
        return []
    rows = [
        {
            "id": statement_id,
            "stored": now,
            "verb_iri": body["verb"]["id"],
            "registration": _registration(body),
            "object_statement_id": _statement_ref(body),
            "is_voided": statement_id in voided_on_arrival and not is_voiding(body),
            "client_id": principal.client_id,
            "centre_id": principal.centre_id,
            "body": body,
        }
        for statement_id, body in fresh
    ]
    agent_rows: list[dict[str, Any]] = []
    activity_rows: list[dict[str, Any]] = []
    for statement_id, body in fresh:
        index = index_statement(body)
        agent_rows.extend({"id": statement_id, "ifi": ifi, "is_direct": d} for ifi, d in index.agents)
        activity_rows.extend({"id": statement_id, "iri": iri, "is_direct": d} for iri, d in index.activities)
    seq_of = bulk_insert_family(
        session, Statement.__table__, rows, key="id", generated="seq",
        children=[(StatementAgent.__table__, "statement_seq", agent_rows),
                  (StatementActivity.__table__, "statement_seq", activity_rows),
                  outbox_rows([{"id": statement_id} for statement_id, _ in fresh])],
    )
    return [seq_of[statement_id] for statement_id, _ in fresh]


def _voiding_targets(bodies: Iterable[dict[str, Any]]) -> set[uuid.UUID]:
    return {uuid.UUID(body["object"]["id"]) for body in bodies if is_voiding(body)}


def _void_targets(session: Session, bodies: list[dict[str, Any]], principal: Principal) -> None:
    targets = _voiding_targets(bodies)
    if targets:
        voidable = [] if principal.role == "admin" else [same_centre(Statement, principal)]
        session.execute(
            update(Statement)
            .where(Statement.id.in_(targets), Statement.verb_iri != VOIDED, *voidable)
            .values(is_voided=True)
        )


def _declared_content_types(statements: list[dict[str, Any]]) -> dict[str, str]:
    declared: dict[str, str] = {}
    for statement in statements:
        for holder in (statement, statement["object"]):
            for attachment in holder.get("attachments") or ():
                declared.setdefault(attachment["sha2"], attachment["contentType"])
    return declared


def _store_attachment_contents(
    session: Session, attachments: Mapping[str, Part], declared: Mapping[str, str]
) -> None:
    # Serve an attachment with the contentType its statement declared, not whatever the part said.
    for sha2, part in attachments.items():
        upsert = dialect_insert(session, AttachmentContent).values(
            sha2=sha2, content_type=declared.get(sha2, part.content_type), content=part.body
        )
        session.execute(upsert.on_conflict_do_nothing(index_elements=[AttachmentContent.sha2]))


def _registration(body: dict[str, Any]) -> uuid.UUID | None:
    context = body.get("context")
    if isinstance(context, dict) and "registration" in context:
        return uuid.UUID(context["registration"])
    return None


def _statement_ref(body: dict[str, Any]) -> uuid.UUID | None:
    target = body["object"]
    if target.get("objectType") == "StatementRef":
        return uuid.UUID(target["id"])
    return None
