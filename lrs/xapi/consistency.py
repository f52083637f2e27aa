"""X-Experience-API-Consistent-Through: an instant before which every stored statement is already visible.

A statement's ``stored`` time is taken before its transaction commits, so "now" is not a safe answer while
another write is in flight. On PostgreSQL the oldest open *writing* transaction (one that holds a
transaction id) bounds every uncommitted ``stored``; it is read from ``pg_stat_activity`` and moved onto
the app's clock. On SQLite, where the embedded server is one process, the process tracks its own writes.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from lrs.db import utcnow

_OLDEST_WRITER = text(
    "SELECT clock_timestamp(), min(xact_start) FROM pg_stat_activity "
    "WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
)
_MARGIN = timedelta(milliseconds=1)


class WritesInFlight:
    """The stored times of this process's statement writes that have not committed yet."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: Counter[datetime] = Counter()

    @contextmanager
    def writing(self) -> Iterator[None]:
        started = utcnow()
        with self._lock:
            self._open[started] += 1
        try:
            yield
        finally:
            with self._lock:
                self._open[started] -= 1
                if not self._open[started]:
                    del self._open[started]

    def oldest(self) -> datetime | None:
        with self._lock:
            return min(self._open, default=None)


def consistent_through(session: Session, in_flight: WritesInFlight) -> datetime:
    """The latest instant up to which a reader of this session sees every statement stored."""
    now = utcnow()
    bounds = [now]
    oldest_here = in_flight.oldest()
    if oldest_here is not None:
        bounds.append(oldest_here)
    if session.get_bind().dialect.name == "postgresql":
        database_now, oldest_writer = session.connection().execute(_OLDEST_WRITER).one()
        if oldest_writer is not None:
            bounds.append(oldest_writer + (now - database_now))
    through = min(bounds)
    return through if through == now else through - _MARGIN
