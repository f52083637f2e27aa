"""The normalisation outbox: statements committed but not yet folded into learning records.

``store_statements`` records the sequence numbers of new statements here in the same transaction
that stores them, so a statement is never stored without its outbox row. After the commit the view
calls ``notify_normaliser``, which enqueues the drain job; when Redis is down that fails quietly
and the rows wait for the next notification or the periodic sweep (``reports.normalise.jobs``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, cast

from flask import Flask
from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from lrs.db import Base, BigId
from lrs.queue import job_queue
from lrs.sets import is_member

logger = logging.getLogger(__name__)

DRAIN_JOB = "reports.normalise.jobs.drain_outbox"
# Set while a drain job is queued but not yet started: one job serves every commit made meanwhile.
PENDING_KEY = "elimu:normalise:pending"
PENDING_TTL_SECONDS = 120


class OutboxEntry(Base):
    """A stored statement the normaliser has not seen yet."""

    __tablename__ = "normalise_outbox"

    statement_seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)


def outbox_rows(statements: Sequence[dict[str, Any]]) -> tuple[Table, str, Sequence[dict[str, Any]]]:
    """The outbox rows for new statements, as children of their statement rows (``bulk_insert_family``)."""
    return cast(Table, OutboxEntry.__table__), "statement_seq", statements


def pending_seqs(session: Session, limit: int) -> list[int]:
    """The oldest ``limit`` seqs waiting in the outbox."""
    query = select(OutboxEntry.statement_seq).order_by(OutboxEntry.statement_seq).limit(limit)
    return list(session.scalars(query))


def forget(session: Session, seqs: Sequence[int]) -> None:
    """Remove seqs the normaliser has folded in."""
    if seqs:
        session.execute(delete(OutboxEntry).where(is_member(session, OutboxEntry.statement_seq, seqs, "bigint")))


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OutboxEntry)) or 0


def notify_normaliser(app: Flask | None = None) -> None:
    """Make sure a drain job is queued; never raises (a Redis outage only delays normalisation)."""
    try:
        queue = job_queue(app)
        if queue.connection.set(PENDING_KEY, 1, nx=True, ex=PENDING_TTL_SECONDS):
            queue.enqueue(DRAIN_JOB, job_timeout=3600)
    except Exception:  # noqa: BLE001 - the statements are committed; the sweep picks them up
        logger.warning("could not enqueue the normaliser; the outbox keeps the statements", exc_info=True)


def claim_notification(app: Flask | None = None) -> None:
    """Called by a starting drain job: commits from now on must queue another job."""
    try:
        job_queue(app).connection.delete(PENDING_KEY)
    except Exception:  # noqa: BLE001 - worst case the next notification waits for the key to expire
        logger.warning("could not clear the normaliser's pending flag", exc_info=True)
