"""``elimu demo`` as a person runs it: a deployment worth looking at, an administrator who can sign in, and
a second run that adds nothing."""

from __future__ import annotations

import re

import requests
from flask import Flask
from sqlalchemy import func, select

from lrs.db import session_scope
from lrs.xapi.models import Statement
from reports.normalise.models import LearningRecord
from tests.conftest import LiveServer
from tests.lrs.test_cli import elimu


def printed(stdout: str) -> dict[str, str]:
    return {key.strip(): value.strip() for key, value in (line.split(":", 1) for line in stdout.splitlines() if ":" in line)}


def counts(app: Flask) -> tuple[int, int]:
    with app.app_context(), session_scope(app) as session:
        return (session.scalar(select(func.count()).select_from(Statement)) or 0,
                session.scalar(select(func.count()).select_from(LearningRecord)) or 0)


def test_demo_seeds_programmes_an_administrator_can_read(app: Flask, environment: dict[str, str], live_server: LiveServer) -> None:
    first = elimu(environment, "demo")
    assert first.returncode == 0, first.stderr
    shown = printed(first.stdout)
    statements, records = counts(app)
    assert statements > 5000 and records > 2000

    web = requests.Session()
    login = web.get(f"{live_server.url}/login", timeout=10)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
    signed_in = web.post(f"{live_server.url}/login", timeout=30,
                         data={"email": shown["email"], "password": shown["password"], "csrf_token": token})
    assert signed_in.url.endswith("/dashboard"), signed_in.text[:500]
    for name in ("Kenya public-service ICT skills programme: year 1", "Rwanda mandatory AI training", "Overdue", "Due soon"):
        assert name in signed_in.text

    auth = (shown["key"], shown["secret"])
    programmes = {p["slug"]: p for p in requests.get(f"{live_server.url}/api/v1/programmes", auth=auth, timeout=10).json()["items"]}
    rwanda = programmes["rwanda-mandatory-ai-training"]
    compliance = requests.get(f"{live_server.url}/api/v1/reports/programmes/{rwanda['id']}/compliance", auth=auth, timeout=10).json()
    statuses = {row["status"] for row in compliance["items"]}
    assert {"overdue", "due_soon", "met"} <= statuses  # institutions behind, near and past their deadlines
    kenya = programmes["kenya-public-service-ict-skills-programme-year-1"]
    cohorts = requests.get(f"{live_server.url}/api/v1/reports/programmes/{kenya['id']}/breakdown", params={"by": "cohort"},
                           auth=auth, timeout=10).json()["items"]
    assert {row["key"] for row in cohorts} == {"Technical", "Non-technical"}
    tracks = requests.get(f"{live_server.url}/api/v1/reports/programmes/{kenya['id']}/breakdown", params={"by": "track"},
                          auth=auth, timeout=10).json()["items"]
    assert len(tracks) >= 6
    assert requests.get(f"{live_server.url}/api/v1/reports/integrity", auth=auth, timeout=10).json()["items"]

    again = elimu(environment, "demo")
    assert again.returncode == 0, again.stderr
    assert counts(app) == (statements, records)
    assert printed(again.stdout)["key"] != shown["key"]  # a fresh credential each time; the same sign-in
    assert printed(again.stdout)["password"] == shown["password"]
