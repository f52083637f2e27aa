"""Benchmark of transcript credentials: how many are issued and verified per second.

Run: ``python -m bench.credentials [--lines 10] [--seconds 15] [--clients 2]``

Two measurements of the same work, a transcript of ``--lines`` lines (each line an AchievementCredential,
all inside one ClrCredential: ``lines + 1`` eddsa-rdfc-2022 signatures):
  1. in-process, one core: build and sign (``service``'s path without the database), and verify (every
     proof, the issuer key, both status lists, validity, schema);
  2. over HTTP against a real ``elimu serve`` on a scratch PostgreSQL database, N concurrent clients:
     ``POST /api/v1/learners/{id}/credentials`` (transcript read, signed, stored) and
     ``POST /api/v1/credentials/verify`` of an issued credential.
Figures are printed; paste them into bench/RESULTS.md with the date.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import socket
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from bench.ingest import recreate_database, run_cli, start_server
from reports.credentials import clr, proof, status
from reports.credentials.keys import Keyring, SigningKey
from reports.credentials.multikey import public_multikey
from reports.credentials.verify import Trust, verify_credential

BASE = "http://127.0.0.1:8000"
DID = "did:web:127.0.0.1%3A8000"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=10, help="transcript lines per credential")
    parser.add_argument("--seconds", type=float, default=15, help="how long each measurement runs")
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--database", default="elimu_bench_credentials")
    parser.add_argument("--port", type=int, default=0, help="port for elimu serve (default: a free one)")
    args = parser.parse_args()

    print(f"machine: {os.cpu_count()} cores; transcript of {args.lines} lines ({args.lines + 1} signatures per credential)")
    issued, verified, size = in_process(args.lines, args.seconds)
    print(f"in-process, 1 core: issue {issued:.1f}/s, verify {verified:.1f}/s, credential {size / 1024:.1f} KiB")
    http_issue, http_verify = over_http(args)
    print(f"HTTP, {args.clients} clients: issue {http_issue:.1f}/s, verify {http_verify:.1f}/s")


def synthetic_transcript(lines: int) -> dict[str, Any]:
    """A transcript shaped like ``reports.transcripts.service.transcript_for``'s."""
    return {
        "learner": {"id": 1, "name": "Wanjiru Kamau", "institution": "Ministry of ICT", "cohort": None,
                    "identifiers": [{"scheme": "ke-upn", "value": "2019123456"}, {"scheme": "ke-national-id", "value": "12345678"}]},
        "lines": [
            {"course": {"code": f"KSG-{n:03d}", "title": f"Digital skills module {n}", "level": 5, "framework": "KNQF",
                        "hours": 40.0, "credits": 4.0, "achievement_type": "course", "track": "Digital leadership"},
             "centre": {"id": 1, "slug": "ksg", "name": "Kenya School of Government"}, "outcome": "passed",
             "score_percent": 70.0 + n % 30, "completed_at": "2026-05-01T12:00:00.000Z",
             "evidence": [str(uuid.uuid4()), str(uuid.uuid4())]}
            for n in range(lines)
        ],
        "totals": {},
    }


def in_process(lines: int, seconds: float) -> tuple[float, float, int]:
    """Credentials issued and verified per second in this process (one core), and the credential's size."""
    private = Ed25519PrivateKey.generate()
    key = SigningKey(private.public_key(), private, None, None)
    method = f"{DID}#{public_multikey(private.public_key())}"
    transcript = synthetic_transcript(lines)
    lists = {
        status.list_url(BASE, purpose, 0): proof.sign(
            status.status_list_credential(DID, status.list_url(BASE, purpose, 0), purpose, status.encode_bits([]), datetime.now(UTC)),
            private, method)
        for purpose in status.PURPOSES
    }

    def issue() -> dict[str, Any]:
        issuance = clr.Issuance(BASE, clr.issuer_profile(DID, "Elimu", BASE), uuid.uuid4(), datetime.now(UTC),
                                status.status_entries(BASE, 1), secrets.token_hex(16))
        members = [proof.sign(m, private, method) for m in clr.achievement_credentials(transcript, issuance)]
        return proof.sign(clr.clr_credential(transcript, members, issuance), private, method)

    credential = issue()
    trust = Trust(DID, Keyring((key,), "file"), lists.get, datetime.now(UTC) + timedelta(minutes=1))
    if not verify_credential(credential, trust).verified:
        raise SystemExit("the benchmark's own credential does not verify")
    return rate(issue, seconds), rate(lambda: verify_credential(credential, trust), seconds), len(json.dumps(credential))


def rate(work: Callable[[], Any], seconds: float) -> float:
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        work()
        done += 1
    return done / (time.perf_counter() - start)


def over_http(args: argparse.Namespace) -> tuple[float, float]:
    """Issues and verifications per second through ``elimu serve`` on PostgreSQL, ``args.clients`` at a time."""
    database_url = f"postgresql://postgres@127.0.0.1:5432/{args.database}"
    recreate_database(args.database)
    data_dir = Path(os.environ.get("TMPDIR", "/tmp")) / f"elimu-bench-credentials-{os.getpid()}"
    env = {**os.environ, "ELIMU_DATABASE_URL": database_url, "ELIMU_DATA_DIR": str(data_dir),
           "ELIMU_REDIS_URL": os.environ.get("ELIMU_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13"),
           "ELIMU_LOG_LEVEL": "WARNING"}
    run_cli(env, "init")
    run_cli(env, "keys", "generate")
    registrar = json.loads(run_cli(env, "clients", "create", "--name", "bench", "--role", "registrar", "--json"))
    learner_id = seed_learner(env, args.lines)
    port = args.port or free_port()
    server = start_server(env, port, None, None)
    url = f"http://127.0.0.1:{port}/api/v1"
    auth = (registrar["key"], registrar["secret"])
    try:
        first = requests.post(f"{url}/learners/{learner_id}/credentials", auth=auth, timeout=60)
        first.raise_for_status()
        credential = first.json()["credential"]

        def issue(session: requests.Session) -> None:
            session.post(f"{url}/learners/{learner_id}/credentials", auth=auth, timeout=60).raise_for_status()

        def verify(session: requests.Session) -> None:
            answer = session.post(f"{url}/credentials/verify", json=credential, timeout=60)
            answer.raise_for_status()
            if not answer.json()["verified"]:
                raise SystemExit(f"verification failed: {answer.text}")

        return concurrent_rate(issue, args.clients, args.seconds), concurrent_rate(verify, args.clients, args.seconds)
    finally:
        server.terminate()
        server.wait(timeout=20)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def concurrent_rate(call: Callable[[requests.Session], None], clients: int, seconds: float) -> float:
    counts = [0] * clients
    deadline = time.perf_counter() + seconds

    def client(index: int) -> None:
        with requests.Session() as session:
            while time.perf_counter() < deadline:
                call(session)
                counts[index] += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.perf_counter() - start)


def seed_learner(env: dict[str, str], lines: int) -> int:
    """A learner with ``lines`` passed courses, written straight into the scratch database."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("ELIMU_")})
    from lrs import create_app
    from lrs.centres.models import Centre, CentreStatus
    from lrs.db import session_scope
    from reports.catalogue.models import Course
    from reports.learners.models import Learner, LearnerIdentifier
    from reports.normalise.models import LearningRecord

    app = create_app()
    now = datetime.now(UTC)
    with app.app_context(), session_scope(app) as session:
        centre = Centre(slug="ksg", name="Kenya School of Government", kind="school_of_government", country="KE",
                        home_pages=["https://elearning.ksg.example"], activity_prefixes=["https://elearning.ksg.example"],
                        status=CentreStatus.APPROVED)
        learner = Learner(name="Wanjiru Kamau", institution="Ministry of ICT",
                          identifiers=[LearnerIdentifier(scheme="ke-upn", value="2019123456")])
        session.add_all([centre, learner])
        session.flush()
        for n in range(lines):
            course = Course(code=f"KSG-{n:03d}", title=f"Digital skills module {n}", centre_id=centre.id,
                            achievement_type="course", track="Digital leadership", framework="KNQF", level=5,
                            hours=40.0, credits=4.0)
            session.add(course)
            session.flush()
            session.add(LearningRecord(
                learner_id=learner.id, course_id=course.id, status="passed", score_percent=70.0 + n % 30,
                started_at=now, completed_at=now, last_activity_at=now, hours=40.0, credits=4.0,
                source_centre_id=centre.id, evidence=[str(uuid.uuid4()), str(uuid.uuid4())], attempts=1,
            ))
        return learner.id


if __name__ == "__main__":
    main()
