"""Scheduled runs (due times in the database, started by the dispatcher) and the ``elimu connectors`` commands."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import update

from connectors.core.models import Connector
from lrs.db import session_scope, utcnow
from lrs.queue import job_queue
from tests.conftest import LiveServer
from tests.connectors.fake_moodle import FakeMoodle, running_moodle
from tests.connectors.helpers import Academy, admin, api, approved_centre, create_learner, elimu, run_worker


@pytest.fixture
def moodle() -> Iterator[FakeMoodle]:
    with running_moodle() as site:
        site.add_user(11, "2019100001", "Wanjiru Kamau")
        site.add_course(2, "Digital Literacy")
        site.enrol(11, 2)
        yield site


@pytest.fixture
def academy(app: Flask, moodle: FakeMoodle) -> Academy:
    return approved_centre(app, "ksg-elearning", moodle.url)


def test_a_scheduled_connector_runs_when_due_and_comes_due_again(
    app: Flask, live_server: LiveServer, environment: dict[str, str], academy: Academy, moodle: FakeMoodle,
) -> None:
    created = api(live_server, "POST", f"/centres/{academy.id}/connectors", academy.credential,
                  json={"type": "moodle", "base_url": moodle.url, "token": moodle.token, "schedule": "hourly"}).json()
    assert created["schedule"] == "PT1H"
    scheduled = job_queue(app).queue.scheduled_job_registry
    assert [job.func_name for job in map(job_queue(app).queue.fetch_job, scheduled.get_job_ids())] == [
        "connectors.core.jobs.dispatch_scheduled"
    ]

    dispatched = elimu(environment, "connectors", "dispatch")
    assert dispatched.returncode == 0 and "queued 1 run(s)" in dispatched.stderr
    run_worker(environment)

    [run] = api(live_server, "GET", f"/connectors/{created['id']}/runs", academy.credential).json()["items"]
    assert (run["trigger"], run["status"]) == ("schedule", "succeeded")
    after = api(live_server, "GET", f"/connectors/{created['id']}", academy.credential).json()
    assert after["next_run_at"] > created["next_run_at"]
    assert "queued 0 run(s)" in elimu(environment, "connectors", "dispatch").stderr  # not due again for an hour


def test_a_due_connector_with_a_run_in_progress_is_not_started_twice(
    app: Flask, live_server: LiveServer, environment: dict[str, str], academy: Academy, moodle: FakeMoodle,
) -> None:
    created = api(live_server, "POST", f"/centres/{academy.id}/connectors", academy.credential,
                  json={"type": "moodle", "base_url": moodle.url, "token": moodle.token, "schedule": "PT5M"}).json()
    assert api(live_server, "POST", f"/connectors/{created['id']}/runs", academy.credential).status_code == 202
    assert "queued 0 run(s)" in elimu(environment, "connectors", "dispatch").stderr
    with app.app_context(), session_scope(app) as session:
        session.execute(update(Connector).values(next_run_at=utcnow() - timedelta(minutes=1)))
    run_worker(environment)
    assert "queued 1 run(s)" in elimu(environment, "connectors", "dispatch").stderr


def test_elimu_connectors_run_wait_runs_here_and_reports(
    app: Flask, live_server: LiveServer, environment: dict[str, str], academy: Academy, moodle: FakeMoodle,
) -> None:
    create_learner(live_server, admin(app), "Wanjiru Kamau", "2019100001")
    created = api(live_server, "POST", f"/centres/{academy.id}/connectors", academy.credential,
                  json={"type": "moodle", "base_url": moodle.url, "token": moodle.token}).json()

    ran = elimu(environment, "connectors", "run", str(created["id"]), "--wait", "--json")
    listed = elimu(environment, "connectors", "list")
    runs = elimu(environment, "connectors", "runs", str(created["id"]))

    assert ran.returncode == 0, ran.stderr
    run = json.loads(ran.stdout)
    assert (run["status"], run["trigger"], run["stored"]) == ("succeeded", "cli", 1)
    assert f"{created['id']}\tcentre {academy.id}\tmoodle\t{moodle.url}\ton demand\tenabled" in listed.stdout
    assert [json.loads(line)["id"] for line in runs.stdout.splitlines()] == [run["id"]]
    missing = elimu(environment, "connectors", "run", "424242")
    assert missing.returncode != 0 and "no connector 424242" in missing.stderr
