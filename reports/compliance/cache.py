"""The reports' cache, per app process: a programme's summary is computed once and reused until the data
behind it changes, and while records keep arriving it is recomputed at most every ``MAX_STALE``.

A key holds what must show at once when it changes: the programme (its ``updated_at``), the institutions
(their number and latest change) and today's date. The version is the registrar feed's change counter,
which the normaliser advances whenever a learning record (or a learner) changes: an unchanged counter
means unchanged figures; a changed one is honoured after at most ``MAX_STALE``, so a dashboard under
steady ingest shows figures a few seconds old instead of recomputing on every request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from cachetools import LRUCache
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from reports.compliance.institutions import Officer, outstanding_officers
from reports.compliance.progress import BreakdownRow, Summary, breakdown, programme_summary
from reports.programmes.models import Institution, Programme
from reports.transcripts.feed import CLOCK
from reports.transcripts.models import FeedClock

T = TypeVar("T")
MAX_STALE_SECONDS = 30.0
EXTENSION = "elimu.report_cache"


@dataclass(frozen=True)
class _Entry:
    version: int
    computed_at: float
    value: Any


class ReportCache:
    """A bounded, thread-safe map from report keys to results and the data version they were computed at."""

    def __init__(self, maxsize: int = 256, clock: Callable[[], float] = time.monotonic) -> None:
        self._entries: LRUCache[Hashable, _Entry] = LRUCache(maxsize)
        self._lock = threading.Lock()
        self._clock = clock

    def get(self, key: Hashable, version: int, compute: Callable[[], T]) -> T:
        """The cached result for ``key`` if computed at ``version`` (or recently enough), else ``compute()``."""
        with self._lock:
            entry = self._entries.get(key)
        now = self._clock()
        if entry is not None and (entry.version == version or now - entry.computed_at < MAX_STALE_SECONDS):
            return entry.value  # type: ignore[no-any-return]
        value = compute()
        with self._lock:
            self._entries[key] = _Entry(version, now, value)
        return value


def data_version(session: Session) -> int:
    """The feed's change counter: it moves whenever any learning record or learner changes."""
    return session.scalar(select(FeedClock.last_seq).where(FeedClock.name == CLOCK)) or 0


def report_key(session: Session, kind: str, programme: Programme | None, now: datetime) -> tuple[Hashable, ...]:
    """What a cached report depends on, besides the records: the programme, the institutions, the day."""
    institutions = session.execute(select(func.count(), func.max(Institution.updated_at))).one()
    about = (programme.id, programme.updated_at) if programme is not None else (None, None)
    return (kind, *about, tuple(institutions), now.date())


def cached(session: Session, kind: str, programme: Programme | None, now: datetime, compute: Callable[[], T]) -> T:
    """``compute()``'s result for this programme (or for all records), from this process's cache when the data allows."""
    cache: ReportCache = current_app.extensions.setdefault(EXTENSION, ReportCache())
    return cache.get(report_key(session, kind, programme, now), data_version(session), compute)


def summary_of(session: Session, item: Programme, now: datetime) -> Summary:
    """The programme's summary, from the cache when its data has not changed."""
    return cached(session, "summary", item, now, lambda: programme_summary(session, item, now))


def breakdown_of(session: Session, item: Programme, now: datetime, by: str, summary: Summary) -> list[BreakdownRow]:
    """A breakdown: institutions and cohorts from the summary, tracks and centres from the cache."""
    if by in ("institution", "cohort"):
        return breakdown(session, item, now, by, summary)
    return cached(session, f"breakdown:{by}", item, now, lambda: breakdown(session, item, now, by))


def officers_of(session: Session, item: Programme, now: datetime, *, institution: str | None = None,
                overdue_only: bool = False, limit: int | None = None) -> list[Officer]:
    """The officers still to complete (see ``outstanding_officers``), from the cache when the data allows."""
    return cached(session, f"officers:{institution}:{overdue_only}:{limit}", item, now, lambda: outstanding_officers(
        session, item, now, institution=institution, overdue_only=overdue_only, limit=limit))
