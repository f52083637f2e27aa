"""Benchmark of normalisation on PostgreSQL: incremental throughput and full rebuild time.

Run: ``python -m bench.normalise [--learners 20000] [--statements-per-learner 50] [--courses 10] [--live]``

It recreates a scratch PostgreSQL database, registers the learners (each with a linked Moodle account)
and a catalogue of courses mapped to a Moodle site, then stores ``learners x statements-per-learner``
statements shaped like Moodle's log store plugin's (enrolments, page views, quiz attempts with scores,
course completions, some replays), interleaved across learners the way a busy site sends them, through
the real write path (``store_statements``, which fills the outbox). It then measures:
  1. incremental normalisation: draining the outbox in the normaliser's own batches (statements/s, and as
     a ratio to the in-process store rate of the same run; compare with ``bench.ingest`` for HTTP);
  2. a full rebuild (``elimu normalise --rebuild``'s code path): seconds, and whether it reproduced
     every record exactly.
With ``--live`` it instead starts ``elimu serve`` and ``elimu worker`` (PostgreSQL and the Redis server) and
POSTs the same statements over HTTP, 50 per request from 4 clients, while the worker normalises: the
ingest rate, the outbox backlog (peak, when the last POST returns, and how long it takes to empty) say
whether normalisation keeps up with batched ingest. The rebuild then checks the records it built live.
If the server runs with autovacuum off (this machine's does), the run ANALYZEs every 30 s as autovacuum would.
Figures are printed; record them in bench/RESULTS.md with the date.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import psycopg
import redis
from flask import Flask
from sqlalchemy import Table, select

from bench.http import post_concurrently
from bench.ingest import HEADERS, start_server
from lrs import create_app
from lrs.auth.service import authenticate, issue_credential
from lrs.bulk import bulk_insert
from lrs.centres.models import Centre, CentreStatus
from lrs.db import session_scope, utcnow
from lrs.migrations import upgrade_schema
from lrs.outbox import OutboxEntry
from lrs.settings import Settings
from lrs.xapi.statements.store import store_statements
from reports.catalogue.models import Course, CourseMapping
from reports.learners.models import Identity, Learner, LearnerIdentifier
from reports.normalise.jobs import drain, rebuild_all
from reports.normalise.models import LearningRecord

SITE = "https://elearning.ksg.ac.ke"
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
LIVE_REDIS_URL = "redis://127.0.0.1:6379/14"
LIVE_CLIENTS = 4
ANALYSE_EVERY_SECONDS = 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--statements-per-learner", type=int, default=50)
    parser.add_argument("--courses", type=int, default=10)
    parser.add_argument("--database", default="elimu_bench_normalise")
    parser.add_argument("--batch", type=int, default=500, help="statements per store transaction while loading")
    parser.add_argument("--live", action="store_true",
                        help="POST over HTTP (4 clients, 50 per request) while a real worker normalises")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()

    database_url = f"postgresql://postgres@127.0.0.1:5432/{args.database}"
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
        connection.execute(f'CREATE DATABASE "{args.database}"')
    environment = {"ELIMU_DATABASE_URL": database_url, "ELIMU_DATA_DIR": f"/tmp/{args.database}",
                   "ELIMU_LOG_LEVEL": "WARNING", "ELIMU_REDIS_URL": LIVE_REDIS_URL}
    app = create_app(Settings.from_env(environment))
    upgrade_schema(app)
    key, secret = seed(app, args.learners, args.courses)

    with Autoanalyse(database_url):
        if args.live:
            live(args, {**os.environ, **environment}, (key, secret))
        else:
            total = args.learners * args.statements_per_learner
            started = time.perf_counter()
            load(app, key, secret, args)
            loaded = time.perf_counter() - started
            print(f"stored {total:,} statements in {loaded:.1f} s ({total / loaded:,.0f}/s through store_statements)")

            started = time.perf_counter()
            counts = drain(app)
            elapsed = time.perf_counter() - started
            rate = counts["statements"] / elapsed
            print(f"incremental: {counts['statements']:,} statements normalised in {elapsed:.1f} s = "
                  f"{rate:,.0f} statements/s ({rate / (total / loaded):.2f}x the store rate above); "
                  f"{counts['records_changed']:,} record writes")
    before = snapshot(app)

    started = time.perf_counter()
    summary = rebuild_all(app)
    elapsed = time.perf_counter() - started
    identical = snapshot(app) == before
    print(f"rebuild: {summary.statements:,} statements, {summary.facts:,} facts, {len(before):,} records in "
          f"{elapsed:.1f} s ({summary.statements / elapsed:,.0f} statements/s); records changed: "
          f"{summary.records_changed}; identical: {identical}")


def live(args: argparse.Namespace, env: dict[str, str], auth: tuple[str, str]) -> None:
    """Ingest over HTTP while ``elimu worker`` drains the outbox; report whether normalisation keeps up.

    Keeping up means the outbox backlog stays bounded while statements arrive and empties soon after the
    last one, instead of growing with everything sent.
    """
    redis.Redis.from_url(LIVE_REDIS_URL).flushdb()  # no jobs left over from an earlier run
    batches_by_client: list[list[list[dict[str, Any]]]] = [[] for _ in range(LIVE_CLIENTS)]
    for position, batch in enumerate(batches(args, 50)):
        batches_by_client[position % LIVE_CLIENTS].append(batch)
    sent = sum(len(batch) for client in batches_by_client for batch in client)
    server = start_server(env, args.port, None, None)
    log = open(Path(env["ELIMU_DATA_DIR"]) / "worker.log", "wb")  # noqa: SIM115 - lives as long as the worker
    worker = subprocess.Popen([sys.executable, "-m", "lrs.cli", "worker"], env=env, stdout=log,  # noqa: S603
                              stderr=subprocess.STDOUT, start_new_session=True)
    backlog = BacklogSampler(env["ELIMU_DATABASE_URL"])
    try:
        backlog.start()
        started = time.perf_counter()
        rate = post_concurrently(f"http://127.0.0.1:{args.port}/xapi/statements", auth, HEADERS,
                                 [lambda mine=mine: mine for mine in batches_by_client])
        ingested = time.perf_counter()
        at_end = backlog.latest()
        while backlog.latest() > 0 and time.perf_counter() - ingested < 1800:
            time.sleep(0.2)
        drained = time.perf_counter()
    finally:
        backlog.stop()
        server.terminate()
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and the job it forked; the drain job is idempotent
        worker.wait(timeout=30)
        server.wait(timeout=30)
    print(f"live: {sent:,} statements POSTed (50 per request, {LIVE_CLIENTS} clients) at {rate:,.0f} statements/s "
          f"while the worker normalised")
    print(f"live: outbox backlog peak {backlog.peak:,}, {at_end:,} when the last POST returned, empty "
          f"{drained - ingested:.1f} s later; normalised {sent / (drained - started):,.0f} statements/s end to end")


class BacklogSampler(threading.Thread):
    """Counts the outbox every half second."""

    def __init__(self, database_url: str) -> None:
        super().__init__(daemon=True)
        self._database_url = database_url
        self._stopped = threading.Event()
        self._latest = -1
        self.peak = 0

    def run(self) -> None:
        with psycopg.connect(self._database_url, autocommit=True) as connection:
            while not self._stopped.is_set():
                self._latest = connection.execute(f"SELECT count(*) FROM {OutboxEntry.__tablename__}").fetchone()[0]  # noqa: S608
                self.peak = max(self.peak, self._latest)
                self._stopped.wait(0.5)

    def latest(self) -> int:
        while self._latest < 0:
            time.sleep(0.05)
        return self._latest

    def stop(self) -> None:
        self._stopped.set()
        self.join()


def seed(app: Flask, learners: int, courses: int) -> tuple[str, str]:
    """A centre with a credential, the courses with mappings, learners with linked Moodle accounts."""
    with app.app_context(), session_scope(app) as session:
        centre = Centre(slug="ksg", name="Kenya School of Government", kind="lms", country="KE",
                        home_pages=[SITE], activity_prefixes=[SITE], status=CentreStatus.APPROVED)
        session.add(centre)
        session.flush()
        issued = issue_credential(session, name="ksg-moodle", centre=centre)
        for n in range(courses):
            course = Course(code=f"KSG-{n:03d}", title=f"Course {n}", centre_id=centre.id, achievement_type="Course",
                            track=("AI", "Cloud", "Security", "Digital leadership")[n % 4], framework="KNQF",
                            level=4 + n % 4, hours=40, credits=4)
            session.add(course)
            session.flush()
            session.add_all([CourseMapping(course_id=course.id, centre_id=centre.id, iri=f"{SITE}/course/view.php?id={n}"),
                             CourseMapping(course_id=course.id, centre_id=centre.id, iri=f"{SITE}/mod/quiz/view.php?id={1000 + n}")])
        now = utcnow()
        bulk_insert(session, cast(Table, Learner.__table__), [
            {"id": n + 1, "name": f"Officer {n}", "institution": "Ministry", "cohort": None, "created_at": now, "updated_at": now}
            for n in range(learners)])
        bulk_insert(session, cast(Table, LearnerIdentifier.__table__), [
            {"id": n + 1, "learner_id": n + 1, "scheme": "ke-upn", "value": f"{2019000000 + n}"} for n in range(learners)])
        bulk_insert(session, cast(Table, Identity.__table__), [
            {"id": n + 1, "ifi": f"account:{SITE}|{n + 1}", "learner_id": n + 1, "source": "bench", "linked_at": now}
            for n in range(learners)])
        return issued.client.key, issued.secret


def load(app: Flask, key: str, secret: str, args: argparse.Namespace) -> None:
    stored = 0
    with app.app_context():
        for batch in batches(args, args.batch):
            with session_scope(app) as session:
                principal = authenticate(session, key, secret, base_url="http://bench")
                store_statements(session, batch, principal=principal, version="1.0.3")
            stored += len(batch)
            if stored // 100_000 != (stored - len(batch)) // 100_000:
                print(f"  ... {stored:,} stored", flush=True)


def batches(args: argparse.Namespace, size: int) -> Iterator[list[dict[str, Any]]]:
    """Every learner's plan, interleaved across learners the way a busy site sends them, in batches of
    ``size``; one batch in twenty repeats its last tenth, as the plugin does after a failed send."""
    rng = random.Random(20261201)
    plans = {learner: iter(plan(rng, learner, args.statements_per_learner, args.courses))
             for learner in range(1, args.learners + 1)}
    active = list(plans)
    while active:
        batch: list[dict[str, Any]] = []
        while len(batch) < size and active:
            learner = rng.choice(active)
            statement = next(plans[learner], None)
            if statement is None:
                active.remove(learner)
                continue
            batch.append(statement)
        if rng.random() < 0.05:
            batch += batch[: len(batch) // 10]
        yield batch


def plan(rng: random.Random, learner: int, count: int, courses: int) -> list[dict[str, Any]]:
    """One learner's statements in time order: enrol, browse, attempt quizzes, complete some courses."""
    taken = rng.sample(range(courses), k=min(courses, 4))
    statements: list[dict[str, Any]] = []
    day = 0
    while len(statements) < count:
        course = taken[len(statements) % len(taken)]
        day += 1
        at = f"2026-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}T{8 + len(statements) % 10:02d}:00:00Z"
        step = len(statements) // len(taken)
        if step == 0:
            statements.append(statement(learner, "https://xapi.edlm/profiles/edlm-lms/concepts/verbs/enrolled",
                                        f"{SITE}/course/view.php?id={course}", None, at, []))
        elif step % 5 == 3:
            raw = rng.randrange(101)
            statements.append(statement(
                learner, "http://adlnet.gov/expapi/verbs/completed",
                f"{SITE}/mod/quiz/attempt.php?attempt={learner * 100 + step}&cmid={1000 + course}",
                {"score": {"raw": raw, "min": 0, "max": 100, "scaled": raw / 50 - 1}, "success": raw >= 50,
                 "completion": True, "duration": f"PT{rng.randrange(5, 60)}M"},
                at, [f"{SITE}/mod/quiz/view.php?id={1000 + course}", f"{SITE}/course/view.php?id={course}"],
                kind="http://adlnet.gov/expapi/activities/attempt"))
        elif step % 9 == 8:
            statements.append(statement(learner, "http://adlnet.gov/expapi/verbs/completed",
                                        f"{SITE}/course/view.php?id={course}", None, at, []))
        else:
            statements.append(statement(learner, "http://id.tincanapi.com/verb/viewed",
                                        f"{SITE}/mod/page/view.php?id={course * 100 + step}", None, at,
                                        [f"{SITE}/course/view.php?id={course}"]))
    return statements


def statement(learner: int, verb: str, iri: str, result: dict[str, Any] | None, at: str, parents: list[str],
              kind: str = "http://id.tincanapi.com/activitytype/resource") -> dict[str, Any]:
    body: dict[str, Any] = {
        "actor": {"name": f"Officer {learner}", "account": {"homePage": SITE, "name": str(learner)}},
        "verb": {"id": verb, "display": {"en": verb.rsplit("/", 1)[1]}},
        "object": {"id": iri, "definition": {"type": kind, "name": {"en": "Activity"}}},
        "context": {"platform": "Moodle", "language": "en", "contextActivities": {
            "category": [{"id": SITE, "definition": {"type": "http://id.tincanapi.com/activitytype/lms"}}],
            **({"parent": [{"id": parent} for parent in parents]} if parents else {})}},
        "timestamp": at,
    }
    if result is not None:
        body["result"] = result
    return body


class Autoanalyse(threading.Thread):
    """ANALYZE every ``ANALYSE_EVERY_SECONDS`` while the run grows the tables, if the server's autovacuum is off.

    Without statistics the planner costs a million-row table with default selectivities, and plans that
    production's autovacuum would have replaced by then make the run measure the missing maintenance.
    """

    def __init__(self, database_url: str) -> None:
        super().__init__(daemon=True)
        self._database_url = database_url
        self._stopped = threading.Event()

    def run(self) -> None:
        with psycopg.connect(self._database_url, autocommit=True) as connection:
            if connection.execute("SHOW autovacuum").fetchone()[0] == "on":
                return
            while not self._stopped.wait(ANALYSE_EVERY_SECONDS):
                connection.execute("ANALYZE")

    def __enter__(self) -> Autoanalyse:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stopped.set()
        self.join()


def snapshot(app: Flask) -> list[dict[str, Any]]:
    with app.app_context(), session_scope(app) as session:
        rows = session.scalars(select(LearningRecord).order_by(LearningRecord.learner_id, LearningRecord.course_id))
        return [record.content() for record in rows]


if __name__ == "__main__":
    main()
