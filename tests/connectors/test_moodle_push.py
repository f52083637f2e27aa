"""Moodle's push: the xAPI log store plugin's batches, in each vocabulary generation, POSTed to /xapi/statements with
the centre's credential exactly as the plugin sends them; replays add nothing; pull and push give one record."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import requests
from flask import Flask

from tests.conftest import Credential, LiveServer
from tests.connectors.fake_moodle import running_moodle
from tests.connectors.helpers import (
    Academy,
    admin,
    api,
    approved_centre,
    create_course,
    create_learner,
    run_worker,
    wait_normalised,
)
from tests.connectors.plugin_batches import GENERATIONS, batch

SITE = "https://elearning.ksg.ac.ke"
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def plugin_post(live_server: LiveServer, credential: Credential, statements: list[dict]) -> requests.Response:
    """What the plugin's loader does: one POST of the JSON array, Basic auth, xAPI 1.0.3; it needs a 200."""
    return requests.post(f"{live_server.xapi}/statements", json=statements, auth=credential.auth, timeout=30,
                         headers={"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"})


@pytest.fixture
def academy(app: Flask) -> Academy:
    return approved_centre(app, "ksg-elearning", SITE)


def link(live_server: LiveServer, ministry: Credential, learner: int, site: str, user_id: int) -> None:
    response = api(live_server, "POST", f"/learners/{learner}/identities", ministry,
                   json={"agent": {"objectType": "Agent", "account": {"homePage": site, "name": str(user_id)}}})
    assert response.status_code == 201, response.text


def test_every_generations_batch_is_accepted_and_a_replay_counts_once(
    app: Flask, live_server: LiveServer, environment: dict[str, str], academy: Academy,
) -> None:
    ministry = admin(app)
    create_course(live_server, ministry, "KSG-DL", academy.id, iri=f"{SITE}/course/view.php?id=2")
    create_course(live_server, ministry, "KSG-DL-QUIZ", academy.id, iri=f"{SITE}/mod/quiz/view.php?id=31")
    first_ids: dict[str, list[str]] = {}
    learners: dict[str, int] = {}
    for user_id, generation in enumerate(GENERATIONS, start=21):
        learners[generation] = create_learner(live_server, ministry, f"Learner {generation}", f"20191000{user_id}")
        link(live_server, ministry, learners[generation], SITE, user_id)
        statements = batch(generation, SITE, user_id, f"Learner {generation}", course_id=2, quiz_cmid=31, start=START)

        sent = plugin_post(live_server, academy.credential, statements)
        replayed = plugin_post(live_server, academy.credential, statements)  # the plugin resends a batch it thinks failed

        assert sent.status_code == 200, (generation, sent.text)
        assert replayed.status_code == 200, (generation, replayed.text)
        assert len(sent.json()) == len(replayed.json()) == 3 and not set(sent.json()) & set(replayed.json())
        first_ids[generation] = sent.json()
    wait_normalised(app, environment)

    for generation, learner in learners.items():
        lines = {line["course"]["code"]: line for line in api(live_server, "GET", f"/learners/{learner}/transcript", ministry).json()["lines"]}
        assert lines["KSG-DL"]["outcome"] == "completed", generation
        assert lines["KSG-DL"]["completed_at"] == "2026-03-02T10:00:00.000Z", generation
        assert lines["KSG-DL-QUIZ"]["outcome"] == "passed", generation
        assert lines["KSG-DL-QUIZ"]["score_percent"] == 50.0, generation  # from raw/min/max, never from scaled
        evidence = set(lines["KSG-DL"]["evidence"]) | set(lines["KSG-DL-QUIZ"]["evidence"])
        assert evidence <= set(first_ids[generation]), generation  # the replay added no evidence


def test_a_credential_of_another_centre_cannot_push_this_sites_records(
    app: Flask, live_server: LiveServer, academy: Academy,
) -> None:
    other = approved_centre(app, "other-lms", "https://lms.other.example")
    response = plugin_post(live_server, other.credential, batch("v5", SITE, 21, "Learner", course_id=2, quiz_cmid=31, start=START))
    assert response.status_code == 403
    assert "is not under an IRI prefix of centre other-lms" in response.json()["error"]["message"]


def test_pulled_and_pushed_records_make_one_learning_record(
    app: Flask, live_server: LiveServer, environment: dict[str, str],
) -> None:
    with running_moodle() as moodle:
        completed_at = 1_772_445_600  # 2026-03-02T10:00:00Z
        moodle.add_user(21, "2019100021", "Learner v5")
        moodle.add_course(2, "Digital Literacy")
        moodle.enrol(21, 2)
        moodle.complete_course(21, 2, at=completed_at)
        moodle.complete_activity(21, 2, cmid=31, modname="quiz", state=2, at=completed_at - 1800)
        academy = approved_centre(app, "ksg-elearning", moodle.url)
        ministry = admin(app)
        learner = create_learner(live_server, ministry, "Learner v5", "2019100021")
        create_course(live_server, ministry, "KSG-DL", academy.id, iri=f"{moodle.url}/course/view.php?id=2")
        create_course(live_server, ministry, "KSG-DL-QUIZ", academy.id, iri=f"{moodle.url}/mod/quiz/view.php?id=31")
        pushed = batch("v5", moodle.url, 21, "Learner v5", course_id=2, quiz_cmid=31, start=START)
        module_completion = {  # core\event\course_module_completion_updated, v5: completionstate 2 (pass)
            "actor": pushed[0]["actor"], "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "Completed"}},
            "object": {"id": f"{moodle.url}/mod/quiz/view.php?id=31", "objectType": "Activity",
                       "definition": {"name": {"en": "Final quiz"}, "type": "http://adlnet.gov/expapi/activities/assessment"}},
            "result": {"completion": True, "success": True}, "context": pushed[2]["context"], "timestamp": "2026-03-02T09:30:00.000Z",
        }
        push_ids = plugin_post(live_server, academy.credential, [pushed[2], module_completion]).json()

        connector = api(live_server, "POST", f"/centres/{academy.id}/connectors", ministry,
                        json={"type": "moodle", "base_url": moodle.url, "token": moodle.token}).json()["id"]
        assert api(live_server, "POST", f"/connectors/{connector}/runs", ministry).status_code == 202
        run_worker(environment)
        run = api(live_server, "GET", f"/connectors/{connector}/runs", ministry).json()["items"][0]
        assert (run["status"], run["stored"]) == ("succeeded", 3)  # enrolment, course and quiz completions
    wait_normalised(app, environment)

    lines = {line["course"]["code"]: line for line in api(live_server, "GET", f"/learners/{learner}/transcript", ministry).json()["lines"]}
    assert lines["KSG-DL"]["outcome"] == "completed" and lines["KSG-DL"]["completed_at"] == "2026-03-02T10:00:00.000Z"
    assert lines["KSG-DL-QUIZ"]["outcome"] == "passed"
    # The pulled completions are the pushed ones read again: the records cite the pushed statements, once.
    assert push_ids[0] in lines["KSG-DL"]["evidence"] and len(lines["KSG-DL"]["evidence"]) == 2  # + the pulled enrolment
    assert lines["KSG-DL-QUIZ"]["evidence"] == [push_ids[1]]
