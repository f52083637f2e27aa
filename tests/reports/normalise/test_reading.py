"""Reading statements: verb semantics across vocabularies, scores from raw/min/max, what a statement speaks for."""

from __future__ import annotations

import pytest

from reports.normalise.reading import duration_seconds, read_statement, score_percent
from reports.normalise.vocabulary import Effect, effect_of
from tests.reports import moodle

SITE = "https://elearning.ksg.ac.ke"


@pytest.mark.parametrize(
    ("verb", "success", "effect"),
    [
        ("http://adlnet.gov/expapi/verbs/completed", None, Effect.COMPLETED),
        ("http://adlnet.gov/expapi/verbs/completed", True, Effect.PASSED),  # quiz attempt with success
        ("http://adlnet.gov/expapi/verbs/completed", False, Effect.FAILED),
        ("https://w3id.org/xapi/adl/verbs/completed", None, Effect.COMPLETED),
        ("http://id.tincanapi.com/verb/completed", None, Effect.COMPLETED),
        ("https://w3id.org/xapi/adl/verbs/satisfied", None, Effect.COMPLETED),  # cmi5
        ("http://adlnet.gov/expapi/verbs/passed", None, Effect.PASSED),
        ("http://adlnet.gov/expapi/verbs/passed", False, Effect.PASSED),  # the verb says it
        ("https://w3id.org/xapi/adl/verbs/failed", None, Effect.FAILED),
        ("https://w3id.org/xapi/tla/verbs/scored", None, Effect.SCORED),  # EDLM-era assignment graded
        ("https://w3id.org/xapi/tla/verbs/scored", True, Effect.PASSED),
        ("http://adlnet.gov/expapi/verbs/scored", False, Effect.FAILED),  # v4.7 assignment graded
        ("https://w3id.org/xapi/tla/verbs/achieved", None, Effect.CERTIFIED),  # badge / certificate issued
        ("https://w3id.org/xapi/tla/verbs/forfeited", None, Effect.REVOKED),  # badge / certificate revoked
        ("https://xapi.edlm/profiles/edlm-lms/concepts/verbs/enrolled", None, Effect.ENROLLED),  # v4.8+
        ("http://adlnet.gov/expapi/verbs/registered", None, Effect.ENROLLED),  # up to v4.7
        ("http://id.tincanapi.com/verb/viewed", None, Effect.PROGRESSED),
        ("http://adlnet.gov/expapi/verbs/launched", None, Effect.PROGRESSED),
    ],
)
def test_verb_semantics_across_vocabularies(verb: str, success: bool | None, effect: Effect) -> None:
    assert effect_of(verb, success) is effect


@pytest.mark.parametrize(
    ("score", "percent"),
    [
        ({"raw": 50, "min": 0, "max": 100, "scaled": 0.0}, 50.0),  # Moodle's -1..1 scaled: 50/100 is 0.0
        ({"raw": 1.0, "min": 0.0, "max": 2.0, "scaled": 0.0}, 50.0),  # assignment out of 2
        ({"raw": 870, "max": 1000}, 87.0),  # no min: 0
        ({"raw": 15, "min": 10, "max": 20}, 50.0),
        ({"raw": 7, "min": 0, "max": 9}, 77.78),
        ({"raw": 120, "min": 0, "max": 100}, 100.0),  # clamped
        ({"scaled": 0.8}, None),  # scaled alone is never trusted
        ({"raw": 80}, None),  # out of what?
        ({"raw": 5, "min": 10, "max": 10}, None),
        ({"raw": True, "min": 0, "max": 1}, None),
        (None, None),
    ],
)
def test_score_percent_comes_from_raw_min_max(score: object, percent: float | None) -> None:
    assert score_percent(score) == percent


@pytest.mark.parametrize(("text", "seconds"), [("PT41M5S", 2465.0), ("P1DT2H", 93600.0), ("PT1.5S", 1.5), ("P", None), ("1h", None)])
def test_durations(text: str, seconds: float | None) -> None:
    assert duration_seconds(text) == seconds


def test_a_quiz_attempt_speaks_for_its_quiz_and_sits_in_its_course() -> None:
    reading = read_statement(moodle.quiz_attempt_submitted(SITE, "42", "O", 12, 301, 1, 40, "2026-02-20T10:00:00Z", passed=False))
    assert reading is not None
    assert reading.activity_iri == f"{SITE}/mod/quiz/view.php?id=301"
    assert reading.context_iris == (f"{SITE}/course/section.php?id=1", f"{SITE}/course/view.php?id=12")
    assert (reading.effect, reading.score_percent, reading.duration_seconds) == (Effect.FAILED, 40.0, 2465.0)
    assert reading.actor_ifi == f"account:{SITE}|42"


def test_legacy_quiz_names_its_course_in_grouping() -> None:
    reading = read_statement(moodle.legacy_quiz_completed(SITE, "7", "O", 3, 88, 78, "2026-03-10T11:30:00Z", passed=True))
    assert reading is not None
    assert reading.activity_iri == f"{SITE}/mod/quiz/view.php?id=88"
    assert f"{SITE}/course/view.php?id=3" in reading.context_iris
    assert reading.effect is Effect.PASSED


def test_replays_share_a_fingerprint_whatever_their_registration() -> None:
    statement = moodle.course_completed(SITE, "42", "O", 12, "C", "2026-02-21T10:00:00+03:00")
    replay = {**statement, "context": {**statement["context"], "registration": "6fbd5f63-0e27-4e2f-9b5e-1c7f1a3d6d2a"}}
    same_moment = {**statement, "timestamp": "2026-02-21T07:00:00Z"}
    later = {**statement, "timestamp": "2026-02-21T07:00:01Z"}
    fingerprints = [read_statement(s).fingerprint for s in (statement, replay, same_moment, later)]  # type: ignore[union-attr]
    assert fingerprints[0] == fingerprints[1] == fingerprints[2] != fingerprints[3]


def test_moodle_certificate_code_is_its_number() -> None:
    statement = moodle.course_completed(SITE, "2", "O", 1, "C", "2026-02-21T10:00:00Z")
    statement["verb"] = {"id": "https://w3id.org/xapi/tla/verbs/achieved"}
    statement["object"] = {"id": f"{SITE}/admin/tool/certificate/index.php?code=4303209428AU"}
    reading = read_statement(statement)
    assert reading is not None and reading.certificate_number == "4303209428AU" and reading.effect is Effect.CERTIFIED


def test_groups_and_statement_refs_are_not_read() -> None:
    group = moodle.course_completed(SITE, "2", "O", 1, "C", "2026-02-21T10:00:00Z")
    group["actor"] = {"objectType": "Group", "member": [{"mbox": "mailto:a@example.go.ke"}]}
    assert read_statement(group) is None
    ref = moodle.voiding("6fbd5f63-0e27-4e2f-9b5e-1c7f1a3d6d2a", SITE)
    assert read_statement({**ref, "timestamp": "2026-02-21T10:00:00Z"}) is None
