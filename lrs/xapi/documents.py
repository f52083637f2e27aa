"""State, activity profile and agent profile documents, with xAPI's ETag concurrency rules."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from lrs.db import utcnow
from lrs.errors import BadRequest, Conflict, PreconditionFailed
from lrs.xapi.models import Document

STATE, ACTIVITY_PROFILE, AGENT_PROFILE = "state", "activity_profile", "agent_profile"
JSON_TYPE = "application/json"


@dataclass(frozen=True)
class DocumentScope:
    """Which documents a request is about; a key of a single document adds its ``doc_id``."""

    kind: str
    activity_iri: str = ""
    agent_ifi: str = ""
    registration: str = ""
    centre_id: int | None = None

    def filters(self) -> list[Any]:
        conditions = [
            Document.kind == self.kind,
            Document.activity_iri == self.activity_iri,
            Document.agent_ifi == self.agent_ifi,
        ]
        if self.kind == STATE and self.registration:
            conditions.append(Document.registration == self.registration)
        elif self.kind == STATE:
            conditions.append(Document.registration == "")
        # Each centre has its own documents; credentials of no centre share the rest.
        if self.centre_id is None:
            conditions.append(Document.centre_id.is_(None))
        else:
            conditions.append(Document.centre_id == self.centre_id)
        return conditions


@dataclass(frozen=True)
class Preconditions:
    """The If-Match / If-None-Match headers of a write."""

    if_match: list[str] | None = None  # ["*"] or etags, unquoted
    if_none_match: list[str] | None = None

    @property
    def given(self) -> bool:
        return self.if_match is not None or self.if_none_match is not None


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content, usedforsecurity=False).hexdigest()


def get_document(session: Session, scope: DocumentScope, doc_id: str) -> Document | None:
    return session.scalar(select(Document).where(*scope.filters(), Document.doc_id == doc_id))


def list_document_ids(session: Session, scope: DocumentScope, since: datetime | None) -> list[str]:
    statement = select(Document.doc_id).where(*scope.filters()).order_by(Document.doc_id)
    if since is not None:
        statement = statement.where(Document.updated > since)
    return list(session.scalars(statement))


def put_document(
    session: Session,
    scope: DocumentScope,
    doc_id: str,
    content: bytes,
    content_type: str,
    preconditions: Preconditions,
    *,
    require_preconditions: bool,
    client_id: int,
) -> Document:
    """Create or replace a document.

    Raises:
        Conflict: the document exists and the writer sent no precondition where one is required.
        PreconditionFailed: the preconditions do not hold.
    """
    existing = get_document(session, scope, doc_id)
    _check(existing, preconditions)
    if require_preconditions and not preconditions.given:
        if existing is not None:
            raise Conflict("this document already exists: send If-Match with its ETag to overwrite it")
        if scope.kind != STATE:
            raise BadRequest("a profile PUT needs If-Match (to replace) or If-None-Match: * (to create)")
    return _write(session, existing, scope, doc_id, content, content_type, client_id)


def post_document(
    session: Session,
    scope: DocumentScope,
    doc_id: str,
    content: bytes,
    content_type: str,
    preconditions: Preconditions,
    *,
    client_id: int,
) -> Document:
    """Create a document, or merge a JSON object into an existing JSON document.

    Raises:
        BadRequest: either document is not a JSON object.
        PreconditionFailed: the preconditions do not hold.
    """
    existing = get_document(session, scope, doc_id)
    _check(existing, preconditions)
    if existing is None:
        if _is_json(content_type):
            _json_object(content, "the posted document")
        return _write(session, None, scope, doc_id, content, content_type, client_id)
    if not (_is_json(content_type) and _is_json(existing.content_type)):
        raise BadRequest("POST merges JSON documents only; both documents must be application/json")
    merged = {**_json_object(existing.content, "the stored document"), **_json_object(content, "the posted document")}
    return _write(session, existing, scope, doc_id, orjson.dumps(merged), JSON_TYPE, client_id)


def delete_document(session: Session, scope: DocumentScope, doc_id: str, preconditions: Preconditions) -> None:
    existing = get_document(session, scope, doc_id)
    _check(existing, preconditions)
    if existing is not None:
        session.delete(existing)


def delete_documents(session: Session, scope: DocumentScope) -> None:
    """Remove every document in the scope (the state resource's delete-all)."""
    session.execute(delete(Document).where(*scope.filters()))


def _write(
    session: Session,
    existing: Document | None,
    scope: DocumentScope,
    doc_id: str,
    content: bytes,
    content_type: str,
    client_id: int,
) -> Document:
    document = existing or Document(
        kind=scope.kind,
        activity_iri=scope.activity_iri,
        agent_ifi=scope.agent_ifi,
        registration=scope.registration,
        doc_id=doc_id,
        centre_id=scope.centre_id,
    )
    document.content = content
    document.content_type = content_type
    document.etag = etag_of(content)
    document.updated = utcnow()
    document.client_id = client_id
    session.add(document)
    session.flush()
    return document


def _check(existing: Document | None, preconditions: Preconditions) -> None:
    if preconditions.if_match is not None:
        if existing is None or not ("*" in preconditions.if_match or existing.etag in preconditions.if_match):
            raise PreconditionFailed("If-Match does not match the document's current ETag")
    if preconditions.if_none_match is not None and existing is not None:
        if "*" in preconditions.if_none_match or existing.etag in preconditions.if_none_match:
            raise PreconditionFailed("If-None-Match: the document already exists")


def _is_json(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() == JSON_TYPE


def _json_object(content: bytes, what: str) -> dict[str, Any]:
    try:
        value = orjson.loads(content)
    except orjson.JSONDecodeError:
        raise BadRequest(f"{what} is not valid JSON") from None
    if not isinstance(value, dict):
        raise BadRequest(f"{what} is not a JSON object")
    return value
