"""The registrar's feed: every change to a learner's transcript gets the next change number.

Numbers come from ``FeedClock``: advancing it locks its row until the transaction commits, so no
other transaction can take a number in between. Change numbers therefore become visible in the order
they were handed out, and a reader that has seen number N has seen every change numbered below N:
paging by "numbers above the last one I saw" never skips a change and never repeats one, however
many writers commit concurrently. Transactions take their numbers last, just before committing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, delete, select
from sqlalchemy.orm import Session

from lrs.bulk import bulk_insert
from lrs.db import dialect_insert, utcnow
from lrs.errors import BadRequest
from lrs.sets import is_member
from reports.transcripts.models import FeedClock, TranscriptChange

CLOCK = "transcripts"


def mark_changed(session: Session, learner_ids: Iterable[int]) -> None:
    """Give each learner's transcript a new change number (call last in the transaction)."""
    ids = sorted(set(learner_ids))
    if not ids:
        return
    last = _advance_clock(session, len(ids))
    now = utcnow()
    rows = [
        {"learner_id": learner_id, "change_seq": last - len(ids) + 1 + position, "changed_at": now}
        for position, learner_id in enumerate(ids)
    ]
    # The clock's row lock is held, so no one else touches these rows: replace them in bulk.
    session.execute(delete(TranscriptChange).where(is_member(session, TranscriptChange.learner_id, ids, "int")))
    bulk_insert(session, cast(Table, TranscriptChange.__table__), rows)


def _advance_clock(session: Session, count: int) -> int:
    upsert = dialect_insert(session, FeedClock).values(name=CLOCK, last_seq=count)
    upsert = upsert.on_conflict_do_update(
        index_elements=[FeedClock.name], set_={"last_seq": FeedClock.last_seq + count}
    ).returning(FeedClock.last_seq)
    return int(session.execute(upsert).scalar_one())


@dataclass(frozen=True)
class Change:
    learner_id: int
    change_seq: int
    changed_at: datetime


def changes_after(session: Session, after: int, *, since: datetime | None, limit: int) -> list[Change]:
    """Up to ``limit`` changes numbered above ``after`` (and made at or after ``since``), oldest first."""
    query = select(TranscriptChange).where(TranscriptChange.change_seq > after)
    if since is not None:
        query = query.where(TranscriptChange.changed_at >= since)
    rows = session.scalars(query.order_by(TranscriptChange.change_seq).limit(limit))
    return [Change(row.learner_id, row.change_seq, row.changed_at) for row in rows]


def encode_cursor(change_seq: int, secret_key: str) -> str:
    """An opaque, tamper-evident cursor for 'after change ``change_seq``'."""
    payload = f"v1.{change_seq}"
    mac = hmac.new(secret_key.encode(), payload.encode(), hashlib.sha256).hexdigest()[:16]
    return base64.urlsafe_b64encode(f"{payload}.{mac}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str, secret_key: str) -> int:
    """The change number a cursor stands for.

    Raises:
        BadRequest: a cursor this deployment did not hand out.
    """
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, number, mac = text.split(".")
        payload = f"{version}.{number}"
        expected = hmac.new(secret_key.encode(), payload.encode(), hashlib.sha256).hexdigest()[:16]
        if version != "v1" or not hmac.compare_digest(mac, expected):
            raise ValueError(cursor)
        return int(number)
    except (ValueError, UnicodeDecodeError):
        raise BadRequest("cursor: not a cursor this feed handed out") from None
