"""The best-outcome policy: many facts about one learner in one course become one learning record.

Passed beats completed beats failed (a certificate beats them all); the highest score wins; the
earliest date of the best outcome is kept; replays count once; voided events count not at all; every
contributing statement is evidence. A certificate forfeited after it was last achieved is revoked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from reports.normalise.vocabulary import Effect


class Status:
    ENROLLED = "enrolled"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    PASSED = "passed"
    FAILED = "failed"
    CERTIFIED = "certified"
    EXPIRED = "expired"
    REVOKED = "revoked"


# Rank of the status each effect earns, when the fact matched the course through its own activity.
_RANK = {Status.ENROLLED: 1, Status.IN_PROGRESS: 2, Status.FAILED: 3, Status.COMPLETED: 4, Status.PASSED: 5, Status.CERTIFIED: 6}
_STATUS_OF_EFFECT = {
    Effect.ENROLLED: Status.ENROLLED,
    Effect.PROGRESSED: Status.IN_PROGRESS,
    Effect.FAILED: Status.FAILED,
    Effect.COMPLETED: Status.COMPLETED,
    Effect.SCORED: Status.COMPLETED,
    Effect.PASSED: Status.PASSED,
    Effect.CERTIFIED: Status.CERTIFIED,
}
CREDITED = frozenset({Status.COMPLETED, Status.PASSED, Status.CERTIFIED})
ASSESSMENTS = frozenset({Effect.PASSED, Effect.FAILED, Effect.SCORED})


@dataclass(frozen=True)
class FactView:
    """The parts of a stored fact the policy reads."""

    statement_seq: int
    statement_id: uuid.UUID
    fingerprint: str
    centre_id: int | None
    is_outcome: bool
    effect: Effect
    score_percent: float | None
    occurred_at: datetime
    duration_seconds: float | None
    certificate_number: str | None
    expires_at: datetime | None
    is_proctored: bool | None
    is_voided: bool

    @property
    def status(self) -> str:
        if not self.is_outcome or self.effect is Effect.REVOKED:
            return Status.IN_PROGRESS
        return _STATUS_OF_EFFECT[self.effect]


@dataclass(frozen=True)
class CourseTerms:
    """What the catalogue says about the course: what a completion is worth and how long it lasts."""

    hours: float
    credits: float
    validity_days: int | None


def fold(facts: list[FactView], course: CourseTerms) -> dict[str, Any] | None:
    """The learning record (its content fields, less learner and course) these facts justify, if any."""
    kept = _distinct(facts)
    if not kept:
        return None
    status = max((fact.status for fact in kept), key=_RANK.__getitem__)
    firsts = [fact for fact in kept if fact.status == status]
    primary = min(firsts, key=lambda fact: (fact.occurred_at, fact.statement_seq))
    certificate = _certificate(firsts, course) if status == Status.CERTIFIED else None
    if certificate is not None and _is_revoked(kept, firsts):
        status = Status.REVOKED
    scores = [fact.score_percent for fact in kept if fact.is_outcome and fact.score_percent is not None]
    durations = [fact.duration_seconds for fact in kept if fact.is_outcome and fact.duration_seconds is not None]
    proctoring = [fact.is_proctored for fact in kept if fact.is_proctored is not None]
    is_credited = status in CREDITED
    return {
        "status": status,
        "score_percent": max(scores) if scores else None,
        "started_at": min(fact.occurred_at for fact in kept),
        "completed_at": primary.occurred_at if _RANK.get(status, 6) >= _RANK[Status.FAILED] else None,
        "last_activity_at": max(fact.occurred_at for fact in kept),
        "hours": course.hours if is_credited else 0.0,
        "credits": course.credits if is_credited else 0.0,
        "source_centre_id": primary.centre_id,
        "evidence": [str(fact.statement_id) for fact in sorted(kept, key=lambda f: (f.occurred_at, f.statement_seq))],
        "attempts": sum(1 for fact in kept if fact.is_outcome and (fact.effect in ASSESSMENTS or fact.score_percent is not None)),
        "duration_seconds": sum(durations) if durations else None,
        "is_proctored": any(proctoring) if proctoring else None,
        "certificate_number": certificate[0] if certificate else None,
        "expires_at": certificate[1] if certificate else None,
    }


def _distinct(facts: list[FactView]) -> list[FactView]:
    """One fact per fingerprint (the first stored): replays count once.

    Voiding any copy of an event withdraws the event: its replays are the same event.
    """
    voided = {fact.fingerprint for fact in facts if fact.is_voided}
    first: dict[str, FactView] = {}
    for fact in sorted(facts, key=lambda f: f.statement_seq):
        if fact.fingerprint not in voided:
            first.setdefault(fact.fingerprint, fact)
    return list(first.values())


def _certificate(certifications: list[FactView], course: CourseTerms) -> tuple[str | None, datetime | None]:
    """The number and expiry of the certificate that lasts longest (a renewal supersedes)."""

    def expiry(fact: FactView) -> datetime | None:
        if fact.expires_at is not None:
            return fact.expires_at
        return fact.occurred_at + timedelta(days=course.validity_days) if course.validity_days else None

    latest = max(certifications, key=lambda fact: (expiry(fact) or fact.occurred_at, fact.statement_seq))
    return latest.certificate_number, expiry(latest)


def _is_revoked(kept: list[FactView], certifications: list[FactView]) -> bool:
    forfeits = [fact.occurred_at for fact in kept if fact.is_outcome and fact.effect is Effect.REVOKED]
    return bool(forfeits) and max(forfeits) >= max(fact.occurred_at for fact in certifications)


def current_status(status: str, expires_at: datetime | None, now: datetime) -> str:
    """The status as of ``now``: a certificate past its expiry shows as expired, not as current."""
    if status == Status.CERTIFIED and expires_at is not None and expires_at <= now:
        return Status.EXPIRED
    return status
