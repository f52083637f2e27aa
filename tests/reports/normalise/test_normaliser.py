"""The normaliser against the real database: idempotency, voiding, late links and mappings, rebuilds,
and a Redis outage that must neither fail the xAPI request nor lose a statement."""

from __future__ import annotations

import base64
import random
from typing import Any

from flask import Flask
from rq.job import Job
from sqlalchemy import select

from lrs import create_app
from lrs.auth.service import authenticate
from lrs.db import session_scope
from lrs.outbox import pending_count
from lrs.queue import job_queue
from lrs.settings import Settings
from lrs.xapi.statements.store import store_statements
from reports.catalogue.service import NewCourse, add_mapping, create_course, get_course
from reports.learners.service import NewLearner, create_learner, get_learner, link_identity
from reports.normalise.jobs import SWEEP_KEY, drain, drain_outbox, rebuild_all, sweep_outbox
from reports.normalise.models import LearningRecord, StatementFact
from tests.conftest import Credential
from tests.reports import moodle
from tests.reports.helpers import make_centre

SITE = "https://elearning.ksg.ac.ke"


def store(app: Flask, credential: Credential, statements: list[dict[str, Any]]) -> list[str]:
    with app.app_context(), session_scope(app) as session:
        principal = authenticate(session, credential.key, credential.secret, base_url="http://test")
        return store_statements(session, statements, principal=principal, version="1.0.3").ids


def catalogue(app: Flask, *, link: bool = True, courses: int = 1) -> int:
    """A learner (Moodle user 42 linked unless told otherwise) and courses KSG-C0.. mapped to course ids 0.."""
    with app.app_context(), session_scope(app) as session:
        learner = create_learner(session, NewLearner("Officer", "Ministry of ICT", None, [("ke-upn", "2019123456")]))
        for n in range(courses):
            course = create_course(session, NewCourse(f"KSG-C{n}", f"Course {n}", "ksg", "Course", "AI", "KNQF", 5, 40))
            add_mapping(session, course, "ksg", f"{SITE}/course/view.php?id={n}", is_prefix=False)
        if link:
            link_identity(session, learner, {"account": {"homePage": SITE, "name": "42"}}, source="admin")
        return learner.id


def records(app: Flask) -> list[dict[str, Any]]:
    with app.app_context(), session_scope(app) as session:
        rows = session.scalars(select(LearningRecord).order_by(LearningRecord.learner_id, LearningRecord.course_id))
        return [record.content() for record in rows]


def states(app: Flask) -> list[Any]:
    """Each record's fold state, which incremental refolds extend instead of reading the facts."""
    with app.app_context(), session_scope(app) as session:
        return list(session.scalars(select(LearningRecord.fold_state).order_by(LearningRecord.learner_id, LearningRecord.course_id)))


def test_replayed_batch_adds_no_second_record_and_draining_twice_changes_nothing(app: Flask) -> None:
    centre = make_centre(app, "ksg", SITE)
    catalogue(app)
    batch = [moodle.enrolled(SITE, "42", "O", 0, "C", "2026-02-01T08:00:00Z"),
             moodle.course_completed(SITE, "42", "O", 0, "C", "2026-02-09T08:00:00Z")]
    first = store(app, centre.credential, batch)
    assert drain(app)["records_changed"] == 1
    store(app, centre.credential, batch)
    again = drain(app)
    assert (again["statements"], again["records_changed"]) == (2, 0)
    assert drain(app)["statements"] == 0
    [record] = records(app)
    assert record["status"] == "completed" and record["evidence"] == first


def test_a_voided_statement_withdraws_what_it_justified_even_when_the_voiding_comes_first(app: Flask) -> None:
    centre = make_centre(app, "ksg", SITE)
    catalogue(app)
    [passed] = store(app, centre.credential, [moodle.course_completed(SITE, "42", "O", 0, "C", "2026-02-09T08:00:00Z")])
    drain(app)
    assert records(app)[0]["status"] == "completed"
    store(app, centre.credential, [moodle.voiding(passed, SITE)])
    assert drain(app)["voided"] == 1
    assert records(app) == []  # nothing else justified the record
    early = "0f6d1c9e-6a4f-4f39-9a51-3d2a8b7c6e10"
    store(app, centre.credential, [moodle.voiding(early, SITE)])
    store(app, centre.credential, [{**moodle.course_completed(SITE, "42", "O", 0, "C", "2026-02-10T08:00:00Z"), "id": early}])
    drain(app)
    assert records(app) == []


def test_linking_an_identity_and_mapping_an_activity_later_renormalise_history(app: Flask) -> None:
    centre = make_centre(app, "ksg", SITE)
    learner_id = catalogue(app, link=False)
    store(app, centre.credential, [moodle.course_completed(SITE, "42", "O", 0, "C", "2026-02-09T08:00:00Z"),
                                   moodle.course_completed(SITE, "42", "O", 5, "Unmapped", "2026-02-10T08:00:00Z")])
    drain(app)
    assert records(app) == []
    with app.app_context(), session_scope(app) as session:
        _, is_new = link_identity(session, get_learner(session, learner_id), {"account": {"homePage": SITE, "name": "42"}}, source="admin")
        assert is_new
    assert [r["course_id"] for r in records(app)] == [1]
    with app.app_context(), session_scope(app) as session:
        course = create_course(session, NewCourse("KSG-C5", "Course 5", "ksg", "Course", "AI", "KNQF", 5, 20))
        add_mapping(session, course, centre.id, f"{SITE}/course/view.php?id=5", is_prefix=False)
    assert [(r["course_id"], r["credits"]) for r in records(app)] == [(1, 4.0), (2, 2.0)]
    with app.app_context(), session_scope(app) as session:  # the same mapping again changes nothing
        _, is_new = add_mapping(session, get_course(session, "KSG-C5"), "ksg", f"{SITE}/course/view.php?id=5", is_prefix=False)
        assert not is_new


def test_rebuild_reproduces_records_built_incrementally_in_any_order(app: Flask) -> None:
    centre = make_centre(app, "ksg", SITE)
    catalogue(app, courses=3)
    rng = random.Random(20261201)
    statements = []
    for n in range(120):
        course = rng.randrange(3)
        at = f"2026-0{rng.randrange(1, 9)}-{rng.randrange(10, 28)}T10:00:00Z"
        maker = rng.choice(["enrolled", "completed", "quiz", "viewed"])
        if maker == "enrolled":
            statements.append(moodle.enrolled(SITE, "42", "O", course, "C", at))
        elif maker == "completed":
            statements.append(moodle.course_completed(SITE, "42", "O", course, "C", at))
        elif maker == "quiz":
            statements.append(moodle.legacy_quiz_completed(SITE, "42", "O", course, 300 + course, rng.randrange(101), at,
                                                           passed=rng.random() < 0.5))
        else:
            statements.append(moodle.module_viewed(SITE, "42", "O", course, 500 + n, at))
    with app.app_context(), session_scope(app) as session:  # the quizzes count towards their courses
        for course in range(3):
            add_mapping(session, get_course(session, f"KSG-C{course}"), "ksg", f"{SITE}/mod/quiz/view.php?id={300 + course}", is_prefix=False)
    ids: list[str] = []
    while statements:
        take = rng.randrange(1, 15)
        batch, statements = statements[:take], statements[take:]
        ids += store(app, centre.credential, batch + (batch[:2] if rng.random() < 0.3 else []))  # some replays
        if rng.random() < 0.5:
            drain(app)
    drain(app)
    assert_rebuild_reproduces(app)
    store(app, centre.credential, [moodle.voiding(statement_id, SITE) for statement_id in rng.sample(ids, 10)])
    drain(app)
    incremental = assert_rebuild_reproduces(app)
    with app.app_context(), session_scope(app) as session:
        session.execute(StatementFact.__table__.delete())
        session.execute(LearningRecord.__table__.delete())
    rebuild_all(app)
    assert records(app) == incremental


def assert_rebuild_reproduces(app: Flask) -> list[dict[str, Any]]:
    incremental, kept = records(app), states(app)
    assert len(incremental) == 3
    assert all(state is not None for state in kept)
    assert rebuild_all(app).records_changed == 0
    assert records(app) == incremental
    assert states(app) == kept  # what incremental folds extended is what a refold from all the facts gives
    return incremental


def test_a_redis_outage_never_fails_the_xapi_request_and_loses_nothing(app: Flask, settings: Settings) -> None:
    centre = make_centre(app, "ksg", SITE)
    catalogue(app)
    down = create_app(Settings.from_env({"ELIMU_DATA_DIR": str(settings.data_dir), "ELIMU_DATABASE_URL": settings.database_url,
                                         "ELIMU_REDIS_URL": "redis://127.0.0.1:9/0", "ELIMU_SECRET_KEY": "test-secret-key"}))
    token = base64.b64encode(f"{centre.credential.key}:{centre.credential.secret}".encode()).decode()
    response = down.test_client().post(
        "/xapi/statements", json=[moodle.course_completed(SITE, "42", "O", 0, "C", "2026-02-09T08:00:00Z")],
        headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    with app.app_context(), session_scope(app) as session:
        assert pending_count(session) == 1
    assert drain(app)["records_changed"] == 1  # the sweep (or the next drain) picks it up
    assert records(app)[0]["status"] == "completed"


def test_each_drain_keeps_a_sweep_scheduled_that_drains_what_redis_missed(app: Flask) -> None:
    centre = make_centre(app, "ksg", SITE)
    catalogue(app)
    with app.app_context():
        job_queue(app).connection.delete(SWEEP_KEY)
        drain_outbox()
        queue = job_queue(app).queue
        scheduled = [Job.fetch(job_id, connection=queue.connection).func_name for job_id in queue.scheduled_job_registry.get_job_ids()]
        assert "reports.normalise.jobs.sweep_outbox" in scheduled
        store(app, centre.credential, [moodle.course_completed(SITE, "42", "O", 0, "C", "2026-02-09T08:00:00Z")])  # no notification
        assert sweep_outbox()["records_changed"] == 1
    assert records(app)[0]["status"] == "completed"
