"""The Moodle pull end to end: connector created over the API, runs queued over the API and worked by a real
``elimu worker --burst``, against a fake Moodle on loopback; resume after an interruption; replays add nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from flask import Flask

from tests.conftest import Credential, LiveServer
from tests.connectors.fake_moodle import FakeMoodle, Misbehaviour, running_moodle
from tests.connectors.helpers import (
    Academy,
    admin,
    api,
    approved_centre,
    create_learner,
    run_worker,
    statements_of,
)

T0 = 1_712_000_000  # 2024-04-01T19:33:20Z


@pytest.fixture
def moodle() -> Iterator[FakeMoodle]:
    with running_moodle() as site:
        site.add_course(2, "Digital Literacy for Public Servants")
        site.add_course(3, "Cyber Hygiene", completion=False)
        for user_id, upn, name in ((11, "2019100001", "Wanjiru Kamau"), (12, "2019100002", "Otieno Ouma"),
                                   (13, "2019100003", "Achieng Njeri")):
            site.add_user(user_id, upn, name)
            site.enrol(user_id, 2)
        site.enrol(11, 3)
        site.complete_course(11, 2, at=T0)
        site.complete_activity(11, 2, cmid=31, modname="quiz", state=2, at=T0 - 600)
        site.complete_activity(12, 2, cmid=31, modname="quiz", state=3, at=T0 - 500)
        site.grade(11, 2, item_id=71, cmid=31, module="quiz", raw=82.5, at=T0 - 590)
        site.issue_certificate(501, 11, "KSG4303209428", at=T0 + 60)
        yield site


@pytest.fixture
def setup(app: Flask, live_server: LiveServer, moodle: FakeMoodle) -> tuple[Academy, Credential, list[int]]:
    academy = approved_centre(app, "ksg-elearning", moodle.url)
    ministry = admin(app)
    learners = [create_learner(live_server, ministry, name, upn) for name, upn in
                (("Wanjiru Kamau", "2019100001"), ("Otieno Ouma", "2019100002"), ("Achieng Njeri", "2019100003"))]
    return academy, ministry, learners


def connect(live_server: LiveServer, academy: Academy, moodle: FakeMoodle, credential: Credential) -> int:
    response = api(live_server, "POST", f"/centres/{academy.id}/connectors", credential,
                   json={"type": "moodle", "base_url": moodle.url, "token": moodle.token})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def run_now(live_server: LiveServer, credential: Credential, connector_id: int, environment: dict[str, str]) -> dict:
    started = api(live_server, "POST", f"/connectors/{connector_id}/runs", credential)
    assert started.status_code == 202, started.text
    assert started.json()["status"] == "queued"
    run_worker(environment)
    runs = api(live_server, "GET", f"/connectors/{connector_id}/runs", credential).json()["items"]
    assert runs[0]["id"] == started.json()["id"]
    return runs[0]


def test_a_pull_stores_push_shaped_statements_and_links_accounts_to_learners(
    live_server: LiveServer, environment: dict[str, str], moodle: FakeMoodle, setup: tuple[Academy, Credential, list[int]],
) -> None:
    academy, ministry, learners = setup
    connector_id = connect(live_server, academy, moodle, academy.credential)

    run = run_now(live_server, academy.credential, connector_id, environment)

    # 4 enrolments, 1 course completion, 2 quiz completions, 1 grade, 1 certificate
    assert run["status"] == "succeeded", run
    assert (run["read"], run["stored"], run["skipped"], run["failed"]) == (9, 9, 0, 0)
    assert run["started_at"] and run["finished_at"] and run["error"] is None
    wanjiru = {"objectType": "Agent", "account": {"homePage": moodle.url, "name": "11"}}
    mine = statements_of(live_server, ministry, agent=json.dumps(wanjiru))
    verbs = sorted(statement["verb"]["id"].rsplit("/", 1)[1] for statement in mine)
    assert verbs == ["achieved", "completed", "completed", "enrolled", "enrolled", "scored"]
    completion = next(s for s in mine if s["object"]["id"] == f"{moodle.url}/course/view.php?id=2" and s["verb"]["id"].endswith("completed"))
    assert completion["timestamp"] == "2024-04-01T19:33:20.000Z"
    assert completion["authority"]["account"]["homePage"].endswith(f"/centres/{academy.slug}")
    quiz = next(s for s in mine if s["object"]["id"] == f"{moodle.url}/mod/quiz/view.php?id=31" and "result" in s and "success" in s["result"])
    assert quiz["result"] == {"completion": True, "success": True}
    assert quiz["context"]["contextActivities"]["parent"][0]["id"] == f"{moodle.url}/course/view.php?id=2"
    scored = next(s for s in mine if s["verb"]["id"].endswith("scored"))
    assert scored["result"]["score"] == {"raw": 82.5, "min": 0.0, "max": 100.0, "scaled": 0.65}
    certificate = next(s for s in mine if s["verb"]["id"].endswith("achieved"))
    assert certificate["object"]["id"] == f"{moodle.url}/mod/customcert/verify_certificate.php?contextid=77&code=KSG4303209428"

    detail = api(live_server, "GET", f"/learners/{learners[0]}", ministry).json()
    assert f"account:{moodle.url}|11" in {identity["ifi"] for identity in detail["identities"]}

    connector = api(live_server, "GET", f"/connectors/{connector_id}", academy.credential).json()
    assert "token" not in connector and moodle.token not in str(connector)
    assert connector["checkpoint"] == {"after_idnumber": None, "certificates_from": T0 + 60}


def test_running_again_stores_nothing_twice(
    live_server: LiveServer, environment: dict[str, str], moodle: FakeMoodle, setup: tuple[Academy, Credential, list[int]],
) -> None:
    academy, ministry, _ = setup
    connector_id = connect(live_server, academy, moodle, ministry)
    first = run_now(live_server, ministry, connector_id, environment)
    before = len(statements_of(live_server, ministry))

    second = run_now(live_server, ministry, connector_id, environment)

    assert first["stored"] == 9
    assert (second["status"], second["stored"], second["skipped"]) == ("succeeded", 0, 9)
    assert len(statements_of(live_server, ministry)) == before
    runs = api(live_server, "GET", f"/connectors/{connector_id}/runs", ministry).json()["items"]
    assert [item["id"] for item in runs] == [second["id"], first["id"]]  # newest first


def test_an_interrupted_run_resumes_with_the_next_user(
    live_server: LiveServer, environment: dict[str, str], moodle: FakeMoodle, setup: tuple[Academy, Credential, list[int]],
) -> None:
    academy, ministry, _ = setup
    connector_id = connect(live_server, academy, moodle, ministry)
    moodle.misbehaviour["core_enrol_get_users_courses"] = Misbehaviour("http500", users=frozenset({13}))

    failed = run_now(live_server, ministry, connector_id, environment)

    assert failed["status"] == "failed"
    assert "HTTP 500" in failed["error"] and "after 2 attempt(s)" in failed["error"]
    assert failed["stored"] == 7  # users 11 and 12 whole, user 13 none, no certificates yet
    checkpoint = api(live_server, "GET", f"/connectors/{connector_id}", ministry).json()["checkpoint"]
    assert checkpoint == {"after_idnumber": "2019100002"}

    moodle.misbehaviour.clear()
    moodle.calls.clear()
    resumed = run_now(live_server, ministry, connector_id, environment)

    assert resumed["status"] == "succeeded", resumed
    assert [params["userid"] for params in moodle.called("core_enrol_get_users_courses")] == ["13"]
    assert resumed["stored"] == 2  # user 13's enrolment and the certificate
    assert len(statements_of(live_server, ministry)) == 9


def test_a_hanging_moodle_fails_the_run_at_the_timeout_with_nothing_written(
    live_server: LiveServer, environment: dict[str, str], moodle: FakeMoodle, setup: tuple[Academy, Credential, list[int]],
) -> None:
    academy, ministry, _ = setup
    connector_id = connect(live_server, academy, moodle, ministry)
    moodle.misbehaviour["core_webservice_get_site_info"] = Misbehaviour("slow", seconds=8)

    run = run_now(live_server, ministry, connector_id, environment)

    assert run["status"] == "failed"
    assert "core_webservice_get_site_info: no answer within 3s (after 2 attempt(s))" in run["error"]
    assert (run["read"], run["stored"]) == (0, 0)
    assert statements_of(live_server, ministry) == []


def test_garbage_for_one_user_is_reported_and_the_rest_imports(
    live_server: LiveServer, environment: dict[str, str], moodle: FakeMoodle, setup: tuple[Academy, Credential, list[int]],
) -> None:
    academy, ministry, _ = setup
    connector_id = connect(live_server, academy, moodle, ministry)
    moodle.misbehaviour["gradereport_user_get_grade_items"] = Misbehaviour("wrong-shape", users=frozenset({12}))

    run = run_now(live_server, ministry, connector_id, environment)

    assert run["status"] == "partial"
    assert run["failed"] == 1
    assert "moodle user 12, course 2: gradereport_user_get_grade_items: unexpected answer: usergrades is not a list" in run["error"]
    assert (run["read"], run["stored"]) == (10, 9)  # what Moodle did answer about user 12 is in


def test_a_wrong_token_fails_the_run_saying_so(
    live_server: LiveServer, environment: dict[str, str], moodle: FakeMoodle, setup: tuple[Academy, Credential, list[int]],
) -> None:
    academy, ministry, _ = setup
    response = api(live_server, "POST", f"/centres/{academy.id}/connectors", ministry,
                   json={"type": "moodle", "base_url": moodle.url, "token": "not-the-token"})
    run = run_now(live_server, ministry, response.json()["id"], environment)
    assert run["status"] == "failed"
    assert "Moodle refused the call (invalidtoken)" in run["error"]


def test_a_token_without_the_needed_functions_is_named(
    live_server: LiveServer, environment: dict[str, str], moodle: FakeMoodle, setup: tuple[Academy, Credential, list[int]],
) -> None:
    academy, ministry, _ = setup
    moodle.functions.remove("core_completion_get_course_completion_status")
    run = run_now(live_server, ministry, connect(live_server, academy, moodle, ministry), environment)
    assert run["status"] == "failed"
    assert "lacks the function(s) core_completion_get_course_completion_status" in run["error"]
