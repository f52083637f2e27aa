"""What registrars pull: pages of the change feed, and the payroll-shaped export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.errors import BadRequest
from lrs.xapi.timestamps import format_timestamp
from reports.learners.identifiers import SCHEMES
from reports.learners.models import Learner, LearnerIdentifier
from reports.transcripts.feed import changes_after, decode_cursor, encode_cursor
from reports.transcripts.models import TranscriptChange
from reports.transcripts.service import transcripts_for


@dataclass(frozen=True)
class FeedPage:
    items: list[dict[str, Any]]
    next_cursor: str | None


def feed_page(session: Session, *, cursor: str | None, since: datetime | None, limit: int, secret_key: str) -> FeedPage:
    """The transcripts changed after ``cursor`` (or since ``since``), oldest change first.

    ``next_cursor`` resumes after the last item; it is ``None`` when the page is empty (nothing newer
    yet: poll again later with the last cursor you got).
    """
    after = decode_cursor(cursor, secret_key) if cursor else 0
    changes = changes_after(session, after, since=since, limit=limit)
    if not changes:
        return FeedPage([], None)
    learners = {learner.id: learner for learner in session.scalars(select(Learner).where(Learner.id.in_([c.learner_id for c in changes])))}
    transcripts = transcripts_for(session, list(learners.values()))
    items = [
        {**transcripts[change.learner_id], "change": change.change_seq, "updated_at": format_timestamp(change.changed_at)}
        for change in changes
        if change.learner_id in transcripts
    ]
    return FeedPage(items, encode_cursor(changes[-1].change_seq, secret_key))


def payroll_rows(session: Session, scheme: str, *, since: datetime | None) -> list[tuple[str, dict[str, Any]]]:
    """(identifier, transcript) for every learner holding an identifier of ``scheme``, by identifier.

    Raises:
        BadRequest: an unknown scheme.
    """
    if scheme not in SCHEMES:
        raise BadRequest(f"scheme: expected one of {', '.join(SCHEMES)}")
    query = select(LearnerIdentifier.value, Learner).join(Learner).where(LearnerIdentifier.scheme == scheme)
    if since is not None:
        query = query.join(TranscriptChange, TranscriptChange.learner_id == Learner.id).where(TranscriptChange.changed_at >= since)
    rows = session.execute(query.order_by(LearnerIdentifier.value)).all()
    result: list[tuple[str, dict[str, Any]]] = []
    for start in range(0, len(rows), 500):
        chunk = rows[start:start + 500]
        transcripts = transcripts_for(session, [learner for _, learner in chunk])
        result.extend((value, transcripts[learner.id]) for value, learner in chunk)
    return result
