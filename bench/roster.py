"""Benchmark of the Huawei Talent roster import: rows/s for a 100,000-row roster, first import and re-import.

Run: ``python -m bench.roster [--rows 100000] [--backend postgresql|sqlite|both]``

For each backend it creates a scratch database, an approved academy and a 100,000-row CSV roster (every
row a new learner with a UPN, a national ID, an e-mail and a Huawei account, and one certificate), then
times the import job's own code (``connectors.huawei_talent.roster.run_import``, exactly what the rq job
runs) for the first import (learners, identity links, records and two statements per row) and again for a
re-import of the same file (every row checked, nothing changed). Paste the figures into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import tempfile
import time
from datetime import date, timedelta

import psycopg
from flask import Flask
from sqlalchemy import func, select

from connectors.core.service import Caller
from connectors.huawei_talent.models import HuaweiCertificate
from connectors.huawei_talent.roster import run_import, submit_roster
from connectors.huawei_talent.rows import COLUMNS
from lrs import create_app
from lrs.auth.service import authenticate, issue_credential
from lrs.centres.models import Centre, CentreStatus
from lrs.db import session_scope
from lrs.migrations import upgrade_schema
from lrs.settings import Settings
from lrs.xapi.models import Statement

ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
SITE = "https://talent.huawei-academy.ke"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backend", choices=("postgresql", "sqlite", "both"), default="both")
    parser.add_argument("--database", default="elimu_bench_roster")
    args = parser.parse_args()
    data = roster(args.rows)
    print(f"machine: {os.cpu_count()} cores; roster: {args.rows} rows, {len(data) / 1e6:.1f} MB")
    for backend in ("postgresql", "sqlite") if args.backend == "both" else (args.backend,):
        first, again, statements = measure(backend, args.database, data)
        print(f"{backend:<10} first import : {args.rows / first:8.0f} rows/s  ({first:6.1f} s, {statements} statements)")
        print(f"{backend:<10} re-import    : {args.rows / again:8.0f} rows/s  ({again:6.1f} s, nothing changed)")


def roster(rows: int) -> bytes:
    """A roster of ``rows`` distinct learners, one certificate each, across tracks and levels."""
    tracks = [("HCIA-AI", "AI", "HCIA"), ("HCIA-CLOUD", "Cloud Computing", "HCIA"), ("HCIP-DATACOM", "Datacom", "HCIP"),
              ("HCIA-SECURITY", "Security", "HCIA"), ("HCIE-BIGDATA", "Big Data", "HCIE")]
    issued = date.today() - timedelta(days=120)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for n in range(rows):
        code, track, level = tracks[n % len(tracks)]
        day = issued - timedelta(days=n % 700)
        writer.writerow([
            f"{20_000_000 + n}", f"2019{n:06d}", f"Officer {n}", f"officer{n}@public-service.go.ke", f"officer{n}_hw",
            code, f"{code} Training", f"{code} V1.0", level, track, f"HWENG{level}{n:010d}", (day - timedelta(days=5)).isoformat(),
            day.isoformat(), "", "40", str(600 + n % 400), "600",
        ])
    return buffer.getvalue().encode()


def measure(backend: str, database: str, data: bytes) -> tuple[float, float, int]:
    with tempfile.TemporaryDirectory(prefix="elimu-bench-roster-") as scratch:
        env = {"ELIMU_DATA_DIR": scratch, "ELIMU_LOG_LEVEL": "WARNING", "ELIMU_SECRET_KEY": "bench"}
        if backend == "postgresql":
            recreate_database(database)
            env["ELIMU_DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{database}"
        app = create_app(Settings.from_env(env))
        upgrade_schema(app)
        with app.app_context():
            submit = prepare(app)
            first = timed_import(app, submit, data)
            again = timed_import(app, submit, data)
            with session_scope(app) as session:
                statements = session.scalar(select(func.count()).select_from(Statement)) or 0
                certificates = session.scalar(select(func.count()).select_from(HuaweiCertificate)) or 0
            if certificates != data.count(b"\r\n") - 1:
                raise SystemExit(f"only {certificates} certificates on record")
        app.extensions["elimu.engine"].dispose()
        return first, again, statements


def prepare(app: Flask) -> tuple[int, str, str]:
    with session_scope(app) as session:
        centre = Centre(slug="huawei-ict-academy-ke", name="Huawei ICT Academy Kenya", kind="vendor_academy", country="KE",
                        home_pages=[SITE], activity_prefixes=[SITE + "/"], status=CentreStatus.APPROVED)
        session.add(centre)
        session.flush()
        issued = issue_credential(session, name="bench admin", scopes=["all"], role="admin")
        return centre.id, issued.client.key, issued.secret


def timed_import(app: Flask, submit: tuple[int, str, str], data: bytes) -> float:
    centre_id, key, secret = submit
    settings: Settings = app.extensions["elimu.settings"]
    with session_scope(app) as session:
        principal = authenticate(session, key, secret, base_url=settings.base_url)
        upload_id = submit_roster(session, settings, centre_id, data, filename="bench.csv", by=Caller.of_principal(principal)).id
    started = time.perf_counter()
    upload = run_import(app, upload_id)
    elapsed = time.perf_counter() - started
    if upload.status.value != "succeeded" or upload.rows_failed:
        raise SystemExit(f"the import {upload.status.value}: {upload.error or ''} ({upload.rows_failed} rows failed)")
    return elapsed


def recreate_database(name: str) -> None:
    with psycopg.connect(ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


if __name__ == "__main__":
    main()
