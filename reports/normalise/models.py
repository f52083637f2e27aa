"""What the normaliser keeps: one fact per statement, one learning record per learner x course.

Both are derived data: ``elimu normalise --rebuild`` recomputes them from the statements.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, BigId, UTCDateTime, utcnow

IRI = String(2048)


class StatementFact(Base):
    """What one statement says, in the normaliser's terms, and whom and which course it is resolved to.

    ``activity_iri`` is the activity the statement speaks for (an attempt speaks for its parent);
    ``context_iris`` the enclosing activities (parents, then groupings). ``is_outcome`` tells whether
    the course was matched through ``activity_iri`` itself (the fact can carry an outcome) or only
    through the context (the learner was merely active in the course).
    """

    __tablename__ = "statement_facts"
    __table_args__ = (
        Index("ix_statement_facts_learner_course", "learner_id", "course_id"),
        Index("ix_statement_facts_centre_activity", "centre_id", "activity_iri"),
        # Equality lookups only (is this event already on record?): a hash index stays small.
        Index("ix_statement_facts_fingerprint", "fingerprint", postgresql_using="hash"),
    )

    statement_seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    statement_id: Mapped[uuid.UUID] = mapped_column(index=True)
    fingerprint: Mapped[str] = mapped_column(String(64))
    actor_ifi: Mapped[str] = mapped_column(IRI, index=True)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("learners.id", ondelete="SET NULL"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))
    activity_iri: Mapped[str] = mapped_column(IRI)
    context_iris: Mapped[list[str]] = mapped_column(JSON)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    is_outcome: Mapped[bool] = mapped_column(default=False)
    effect: Mapped[str] = mapped_column(String(20))
    success: Mapped[bool | None]
    score_percent: Mapped[float | None] = mapped_column(Float)
    occurred_at: Mapped[UTCDateTime]
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    certificate_number: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[datetime | None]
    is_proctored: Mapped[bool | None]
    is_voided: Mapped[bool] = mapped_column(default=False)


class LearningRecord(Base):
    """One learner's standing in one catalogue course, with the statements that justify it."""

    __tablename__ = "learning_records"
    __table_args__ = (UniqueConstraint("learner_id", "course_id", name="uq_learning_records_learner_course"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    score_percent: Mapped[float | None] = mapped_column(Float)
    started_at: Mapped[UTCDateTime]
    completed_at: Mapped[datetime | None]
    last_activity_at: Mapped[UTCDateTime]
    hours: Mapped[float] = mapped_column(Float)
    credits: Mapped[float] = mapped_column(Float)
    source_centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))
    evidence: Mapped[list[str]] = mapped_column(JSON)
    attempts: Mapped[int]
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    is_proctored: Mapped[bool | None]
    certificate_number: Mapped[str | None] = mapped_column(String(200))
    expires_at: Mapped[datetime | None]
    updated_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)
    # policy.FoldState as JSON: what extending the record needs; None means "refold from statement_facts".
    fold_state: Mapped[list[Any] | None] = mapped_column(JSON)

    def content(self) -> dict[str, Any]:
        """Everything the record says, without its bookkeeping (id, update time): what a rebuild must reproduce."""
        return {name: getattr(self, name) for name in RECORD_FIELDS}


RECORD_FIELDS = (
    "learner_id", "course_id", "status", "score_percent", "started_at", "completed_at", "last_activity_at",
    "hours", "credits", "source_centre_id", "evidence", "attempts", "duration_seconds", "is_proctored",
    "certificate_number", "expires_at",
)


class NormaliserLock(Base):
    """A named row whose update serialises the transactions that change facts and records."""

    __tablename__ = "normaliser_locks"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    acquired_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)
