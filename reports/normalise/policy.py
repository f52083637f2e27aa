"""The best-outcome policy: many facts about one learner in one course become one learning record.

Passed beats completed beats failed (a certificate beats them all); the highest score wins; the
earliest date of the best outcome is kept; replays count once; voided events count not at all; every
contributing statement is evidence. A certificate forfeited after it was last achieved is revoked.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

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


class FactView(NamedTuple):
    """The parts of a stored fact the policy reads (a tuple: a refold builds hundreds of thousands)."""

    statement_seq: int
    statement_id: str
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


class FoldState(NamedTuple):
    """What extending a record with newer facts needs beyond the record itself; stored with the record.

    ``last_seq`` is the newest fact of the pair (kept or not); ``deciding`` the (time, seq) of the fact
    that set the status; ``latest`` the (time, seq) of the last piece of evidence.
    """

    last_seq: int
    deciding: tuple[datetime, int]
    latest: tuple[datetime, int]

    def as_json(self) -> list[Any]:
        return [self.last_seq, _utc_text(self.deciding[0]), self.deciding[1], _utc_text(self.latest[0]), self.latest[1]]

    @classmethod
    def from_json(cls, value: list[Any]) -> FoldState:
        last_seq, deciding_at, deciding_seq, latest_at, latest_seq = value
        return cls(last_seq, (datetime.fromisoformat(deciding_at), deciding_seq), (datetime.fromisoformat(latest_at), latest_seq))


Folded = tuple[dict[str, Any], FoldState]


def fold(facts: list[FactView], course: CourseTerms) -> Folded | None:
    """The learning record (its content fields, less learner and course) these facts justify, if any."""
    kept = _distinct(facts)
    if not kept:
        return None
    status = max((fact.status for fact in kept), key=_RANK.__getitem__)
    firsts = [fact for fact in kept if fact.status == status]
    primary = min(firsts, key=_key)
    certificate = _certificate(firsts, course) if status == Status.CERTIFIED else None
    if certificate is not None and _is_revoked(kept, firsts):
        status = Status.REVOKED
    scores = [fact.score_percent for fact in kept if fact.is_outcome and fact.score_percent is not None]
    durations = [fact.duration_seconds for fact in kept if fact.is_outcome and fact.duration_seconds is not None]
    proctoring = [fact.is_proctored for fact in kept if fact.is_proctored is not None]
    evidence = sorted(kept, key=_key)
    content = {
        "status": status,
        "score_percent": max(scores) if scores else None,
        "started_at": min(fact.occurred_at for fact in kept),
        "completed_at": primary.occurred_at if _RANK.get(status, 6) >= _RANK[Status.FAILED] else None,
        "last_activity_at": max(fact.occurred_at for fact in kept),
        **_worth(status, course),
        "source_centre_id": primary.centre_id,
        "evidence": [fact.statement_id for fact in evidence],
        "attempts": sum(1 for fact in kept if _is_attempt(fact)),
        "duration_seconds": sum(durations) if durations else None,
        "is_proctored": any(proctoring) if proctoring else None,
        "certificate_number": certificate[0] if certificate else None,
        "expires_at": certificate[1] if certificate else None,
    }
    return content, FoldState(max(fact.statement_seq for fact in facts), _key(primary), _key(evidence[-1]))


def extend(content: dict[str, Any], state: FoldState, facts: list[FactView], course: CourseTerms,
           seen: Collection[str] = ()) -> Folded | None:
    """``fold`` of the record's facts plus ``facts``, from the record alone; ``None`` when only a refold can tell.

    ``seen`` are the fingerprints among ``facts`` that the pair already has from earlier statements:
    those arrivals are replays and never count. Extending is exact only when the other new facts come
    after every fact the pair has, in seq and in time, and neither void nor certify anything, so
    anything else is left to a full refold.
    """
    if content["status"] in (Status.CERTIFIED, Status.REVOKED):
        return None
    fresh: dict[str, FactView] = {}
    for fact in sorted(facts, key=lambda fact: fact.statement_seq):
        if fact.is_voided:
            return None
        if fact.fingerprint in seen or fact.fingerprint in fresh:
            continue
        if fact.effect in _REFOLD_EFFECTS or fact.statement_seq <= state.last_seq or _key(fact) <= state.latest:
            return None
        fresh[fact.fingerprint] = fact
    last_seq = max(state.last_seq, *(fact.statement_seq for fact in facts))
    if not fresh:
        return content, state._replace(last_seq=last_seq)
    kept = sorted(fresh.values(), key=_key)
    status, deciding, centre = content["status"], state.deciding, content["source_centre_id"]
    score, duration, proctored = content["score_percent"], content["duration_seconds"], content["is_proctored"]
    attempts = content["attempts"]
    for fact in fresh.values():  # in seq order, so sums add up as in fold
        if _RANK[fact.status] > _RANK[status] or (fact.status == status and _key(fact) < deciding):
            status, deciding, centre = fact.status, _key(fact), fact.centre_id
        if fact.is_outcome and fact.score_percent is not None:
            score = fact.score_percent if score is None else max(score, fact.score_percent)
        if fact.is_outcome and fact.duration_seconds is not None:
            duration = (0 if duration is None else duration) + fact.duration_seconds
        if fact.is_proctored is not None:
            proctored = bool(proctored) or fact.is_proctored
        attempts += _is_attempt(fact)
    extended = {
        **content,
        "status": status,
        "score_percent": score,
        "completed_at": deciding[0] if _RANK[status] >= _RANK[Status.FAILED] else None,
        "last_activity_at": kept[-1].occurred_at,  # every new fact is later than all before it
        **_worth(status, course),
        "source_centre_id": centre,
        "evidence": [*content["evidence"], *(fact.statement_id for fact in kept)],
        "attempts": attempts,
        "duration_seconds": duration,
        "is_proctored": proctored,
    }
    return extended, FoldState(last_seq, deciding, _key(kept[-1]))


_REFOLD_EFFECTS = frozenset({Effect.CERTIFIED, Effect.REVOKED})


def _key(fact: FactView) -> tuple[datetime, int]:
    return fact.occurred_at, fact.statement_seq


def _is_attempt(fact: FactView) -> bool:
    return fact.is_outcome and (fact.effect in ASSESSMENTS or fact.score_percent is not None)


def _worth(status: str, course: CourseTerms) -> dict[str, float]:
    is_credited = status in CREDITED
    return {"hours": course.hours if is_credited else 0.0, "credits": course.credits if is_credited else 0.0}


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


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
