"""The tables of the store: statements with their index tables, attachments, activities, documents."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, BigId, JSONDoc, JSONDocType, UTCDateTime

IRI = String(2048)
# A Moodle statement row is ~2 KB, just over the size at which PostgreSQL by default tries to compress
# a row's largest value: every insert ran pglz over the body and, for rows like these, gave up (JSON this
# short rarely shrinks by the 25% it requires), keeping the row inline and uncompressed anyway. Rows
# up to this size are now stored that way without the attempt; larger statements are compressed as before.
# Set on the table by migration 0003 (toast_tuple_target; PostgreSQL only).
STATEMENT_ROW_INLINE_BYTES = 4080


class Statement(Base):
    """An accepted statement: the JSON as the LRS returns it, plus the columns queries filter on.

    ``seq`` is the store's own order of arrival; ``more`` cursors and consistent-through use it.
    """

    __tablename__ = "statements"
    __table_args__ = (
        # (filter, seq) pairs let a newest-first page of one verb or registration stop after `limit` rows.
        Index("ix_statements_verb_seq", "verb_iri", "seq"),
        Index("ix_statements_registration_seq", "registration", "seq"),
        # Few statements target another; this index lists just those, newest first.
        Index(
            "ix_statements_refs_seq", "seq",
            postgresql_where=text("object_statement_id IS NOT NULL"),
            sqlite_where=text("object_statement_id IS NOT NULL"),
        ),
    )

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    id: Mapped[uuid.UUID] = mapped_column(unique=True)
    stored: Mapped[UTCDateTime] = mapped_column(index=True)
    verb_iri: Mapped[str] = mapped_column(IRI)
    registration: Mapped[uuid.UUID | None]
    object_statement_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    is_voided: Mapped[bool] = mapped_column(default=False)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)
    body: Mapped[JSONDoc]


class StatementAgent(Base):
    """An agent a statement is about: ``is_direct`` for actor/object, otherwise a related agent."""

    __tablename__ = "statement_agents"
    __table_args__ = (Index("ix_statement_agents_ifi_seq", "ifi", "statement_seq"),)

    statement_seq: Mapped[int] = mapped_column(
        BigId, ForeignKey("statements.seq", ondelete="CASCADE"), primary_key=True
    )
    ifi: Mapped[str] = mapped_column(IRI, primary_key=True)
    is_direct: Mapped[bool] = mapped_column(primary_key=True)


class StatementActivity(Base):
    """An activity a statement is about: ``is_direct`` for its object, otherwise a related one."""

    __tablename__ = "statement_activities"
    __table_args__ = (Index("ix_statement_activities_iri_seq", "iri", "statement_seq"),)

    statement_seq: Mapped[int] = mapped_column(
        BigId, ForeignKey("statements.seq", ondelete="CASCADE"), primary_key=True
    )
    iri: Mapped[str] = mapped_column(IRI, primary_key=True)
    is_direct: Mapped[bool] = mapped_column(primary_key=True)


class AttachmentContent(Base):
    """The bytes of an attachment, shared by every statement that names the same SHA-256."""

    __tablename__ = "attachment_contents"

    sha2: Mapped[str] = mapped_column(String(128), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Activity(Base):
    """The LRS's canonical definition of an activity, merged from the statements that used it."""

    __tablename__ = "activities"

    iri: Mapped[str] = mapped_column(IRI, primary_key=True)
    definition: Mapped[dict[str, Any] | None] = mapped_column(JSONDocType)
    updated: Mapped[UTCDateTime]


class Document(Base):
    """A state, activity profile or agent profile document.

    Absent keys are stored as "" so that one unique constraint covers all three kinds. Each centre has its
    own documents (``centre_id``); those of centre-less credentials (``centre_id`` NULL) get a partial index,
    since NULLs never collide in a unique constraint.
    """

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint(
            "kind", "activity_iri", "agent_ifi", "registration", "doc_id", "centre_id", name="uq_documents_key"
        ),
        Index(
            "uq_documents_key_unowned", "kind", "activity_iri", "agent_ifi", "registration", "doc_id",
            unique=True, sqlite_where=text("centre_id IS NULL"), postgresql_where=text("centre_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    activity_iri: Mapped[str] = mapped_column(IRI, default="")
    agent_ifi: Mapped[str] = mapped_column(IRI, default="")
    registration: Mapped[str] = mapped_column(String(36), default="")
    doc_id: Mapped[str] = mapped_column(IRI)
    content_type: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    etag: Mapped[str] = mapped_column(String(64))
    updated: Mapped[UTCDateTime] = mapped_column(index=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)

