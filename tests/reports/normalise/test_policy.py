"""The best-outcome policy, on facts built by hand."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from reports.normalise.policy import CourseTerms, FactView, current_status, extend, fold
from reports.normalise.vocabulary import Effect

COURSE = CourseTerms(hours=40, credits=4, validity_days=None)
CERTIFICATION = CourseTerms(hours=60, credits=6, validity_days=1095)
DAY = datetime(2026, 3, 1, tzinfo=UTC)


def record_of(facts: list[FactView], course: CourseTerms) -> dict[str, Any] | None:
    folded = fold(facts, course)
    return None if folded is None else folded[0]


def fact(seq: int, effect: Effect, *, day: int = 0, score: float | None = None, fingerprint: str | None = None,
         voided: bool = False, outcome: bool = True, centre: int = 1, number: str | None = None) -> FactView:
    return FactView(
        statement_seq=seq, statement_id=str(uuid.UUID(int=seq)), fingerprint=fingerprint or f"f{seq}", centre_id=centre,
        is_outcome=outcome, effect=effect, score_percent=score, occurred_at=DAY + timedelta(days=day),
        duration_seconds=None, certificate_number=number, expires_at=None, is_proctored=None, is_voided=voided,
    )


def test_passed_beats_completed_beats_failed_and_the_earliest_best_date_is_kept() -> None:
    record = record_of([fact(1, Effect.FAILED, day=0, score=40), fact(2, Effect.COMPLETED, day=1),
                   fact(3, Effect.PASSED, day=5, score=78, centre=2), fact(4, Effect.PASSED, day=9, score=91)], COURSE)
    assert record is not None
    assert record["status"] == "passed"
    assert record["score_percent"] == 91  # the highest score wins
    assert record["completed_at"] == DAY + timedelta(days=5)  # earliest date of the best outcome
    assert record["source_centre_id"] == 2
    assert (record["hours"], record["credits"], record["attempts"]) == (40, 4, 3)
    assert record["evidence"] == [str(uuid.UUID(int=n)) for n in (1, 2, 3, 4)]


def test_completed_beats_failed() -> None:
    record = record_of([fact(1, Effect.COMPLETED, day=3), fact(2, Effect.FAILED, day=1)], COURSE)
    assert record is not None and record["status"] == "completed" and record["completed_at"] == DAY + timedelta(days=3)


def test_a_failure_alone_earns_nothing() -> None:
    record = record_of([fact(1, Effect.ENROLLED), fact(2, Effect.FAILED, day=2, score=30)], COURSE)
    assert record is not None and (record["status"], record["hours"], record["credits"]) == ("failed", 0, 0)


def test_replays_count_once() -> None:
    record = record_of([fact(1, Effect.PASSED, score=80, fingerprint="x"), fact(2, Effect.PASSED, score=80, fingerprint="x")], COURSE)
    assert record is not None and record["attempts"] == 1 and record["evidence"] == [str(uuid.UUID(int=1))]


def test_voiding_withdraws_the_event_and_its_replays() -> None:
    assert record_of([fact(1, Effect.COMPLETED, fingerprint="x", voided=True), fact(2, Effect.COMPLETED, fingerprint="x")], COURSE) is None
    record = record_of([fact(1, Effect.PASSED, voided=True), fact(2, Effect.ENROLLED)], COURSE)
    assert record is not None and record["status"] == "enrolled" and record["completed_at"] is None


def test_activity_inside_a_course_is_progress_not_an_outcome() -> None:
    record = record_of([fact(1, Effect.PASSED, outcome=False, score=100)], COURSE)
    assert record is not None and record["status"] == "in_progress" and record["score_percent"] is None


def test_certificates_expire_after_the_validity_period_and_can_be_revoked() -> None:
    record = record_of([fact(1, Effect.PASSED), fact(2, Effect.CERTIFIED, day=1, number="HCIA-1")], CERTIFICATION)
    assert record is not None and record["status"] == "certified" and record["certificate_number"] == "HCIA-1"
    assert record["expires_at"] == DAY + timedelta(days=1 + 1095)
    assert current_status("certified", record["expires_at"], DAY + timedelta(days=1097)) == "expired"
    assert current_status("certified", record["expires_at"], DAY + timedelta(days=30)) == "certified"
    revoked = record_of([fact(2, Effect.CERTIFIED, day=1, number="HCIA-1"), fact(3, Effect.REVOKED, day=40)], CERTIFICATION)
    assert revoked is not None and revoked["status"] == "revoked" and revoked["credits"] == 0
    renewed = record_of([fact(2, Effect.CERTIFIED, day=1, number="A"), fact(3, Effect.REVOKED, day=40),
                    fact(4, Effect.CERTIFIED, day=50, number="B")], CERTIFICATION)
    assert renewed is not None and renewed["status"] == "certified" and renewed["certificate_number"] == "B"


def random_facts(rng: random.Random, count: int) -> list[FactView]:
    """Facts as a learner's history produces them: mostly in time order, some replays, voidings, certificates."""
    facts = []
    day = 0.0
    for seq in range(1, count + 1):
        day += rng.choice([0, 0.5, 1, 3]) if rng.random() < 0.9 else -rng.choice([1, 5])
        effect = rng.choices(list(Effect), weights=[3, 6, 3, 2, 2, 2, 1, 1])[0]
        facts.append(FactView(
            statement_seq=seq, statement_id=str(uuid.UUID(int=seq)), fingerprint=f"f{rng.randrange(count)}",
            centre_id=rng.choice([1, 2]), is_outcome=rng.random() < 0.7, effect=effect,
            score_percent=rng.choice([None, round(rng.uniform(0, 100), 2)]),
            occurred_at=DAY + timedelta(days=day, seconds=rng.choice([0, 0.25])),
            duration_seconds=rng.choice([None, rng.uniform(10, 4000)]),
            certificate_number=f"C{seq}" if effect is Effect.CERTIFIED else None,
            expires_at=DAY + timedelta(days=400) if effect is Effect.CERTIFIED and rng.random() < 0.5 else None,
            is_proctored=rng.choice([None, True, False]), is_voided=rng.random() < 0.05,
        ))
    return facts


def test_extending_a_record_gives_exactly_what_folding_every_fact_gives() -> None:
    rng = random.Random(20261201)
    extended = 0
    for _ in range(3000):
        facts = random_facts(rng, rng.randrange(2, 14))
        cut = rng.randrange(1, len(facts))
        history, arriving = facts[:cut], facts[cut:]
        before = fold(history, CERTIFICATION)
        if before is None:
            continue
        result = extend(*before, arriving, CERTIFICATION, {fact.fingerprint for fact in history})
        if result is not None:
            extended += 1
            assert result == fold(facts, CERTIFICATION)
    assert extended > 500  # the shortcut is taken often enough for this to test it


def test_extending_refuses_what_only_a_refold_can_tell() -> None:
    content, state = fold([fact(1, Effect.COMPLETED, day=5)], COURSE) or ({}, None)
    assert state is not None
    assert extend(content, state, [fact(2, Effect.PASSED, day=1)], COURSE) is None  # earlier in time
    assert extend(content, state, [fact(2, Effect.PASSED, day=6, voided=True)], COURSE) is None
    assert extend(content, state, [fact(2, Effect.CERTIFIED, day=6, number="X")], COURSE) is None
    late = extend(content, state, [fact(2, Effect.PASSED, day=6, score=70)], COURSE)
    assert late is not None and late[0]["status"] == "passed" and late[0]["score_percent"] == 70
