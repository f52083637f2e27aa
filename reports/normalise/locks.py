"""Serialising the transactions that change facts and learning records (normaliser, linking, mapping).

Updating one named row takes a row lock on PostgreSQL and the write lock on SQLite, held until the
transaction ends; call ``hold_normaliser_lock`` before reading anything the transaction will rewrite.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from lrs.db import dialect_insert, utcnow
from reports.normalise.models import NormaliserLock

NORMALISER = "normaliser"


def hold_normaliser_lock(session: Session) -> None:
    """Wait for and hold the normaliser's lock until the session's transaction ends."""
    now = utcnow()
    ensure = dialect_insert(session, NormaliserLock).values(name=NORMALISER, acquired_at=now)
    session.execute(ensure.on_conflict_do_nothing(index_elements=[NormaliserLock.name]))
    session.execute(update(NormaliserLock).where(NormaliserLock.name == NORMALISER).values(acquired_at=now))
