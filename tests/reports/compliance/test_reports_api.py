"""The reports through a real ``elimu serve``: JSON figures, CSV exports (formula injection defused), SVG charts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
import requests
from flask import Flask

from lrs.db import session_scope
from reports.learners.service import NewLearner, create_learner
from tests.conftest import Credential, LiveServer, make_credential

from .scenario import TREASURY, World, build_world


@pytest.fixture
def registrar(app: Flask) -> Credential:
    return make_credential(app, "registrar", scopes=["all/read"], role="registrar")


@pytest.fixture
def world(app: Flask) -> World:
    world = build_world(app)
    with app.app_context(), session_scope(app) as session:  # a hostile name, as a spreadsheet would run it
        create_learner(session, NewLearner('=HYPERLINK("http://evil.example","click")', TREASURY, "technical", [("ke-upn", "2999")]))
    return world


def report(live_server: LiveServer, credential: Credential, path: str, **params: str) -> requests.Response:
    answer = requests.get(f"{live_server.url}/api/v1/reports/{path}", params=params, auth=credential.auth, timeout=20)
    assert answer.status_code == 200, answer.text
    return answer


def rows(answer: requests.Response) -> list[dict[str, str]]:
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in answer.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))


def test_progress_json_csv_and_svg(live_server: LiveServer, world: World, registrar: Credential) -> None:
    path = f"programmes/{world.programmes['any_of']}/progress"
    progress = report(live_server, registrar, path).json()
    assert progress["population"] == 4 and progress["target"] == 8
    assert progress["reached"] == {"enrolled": 3, "in_progress": 2, "completed": 1, "certified": 1}
    assert progress["series"][0]["date"] == "2026-01-01"
    table = rows(report(live_server, registrar, path, format="csv"))
    assert table[0].keys() == {"date", "enrolled", "in_progress", "completed", "certified", "target"}
    assert table[-1]["completed"] == "1"
    chart = report(live_server, registrar, path, format="svg")
    assert chart.headers["Content-Type"].startswith("image/svg+xml")
    assert b'role="img"' in chart.content and b"<desc" in chart.content and b"Target 8" in chart.content


def test_overdue_csv_is_a_list_an_institution_can_act_on(live_server: LiveServer, world: World, registrar: Credential) -> None:
    path = f"programmes/{world.programmes['all_of']}/overdue"
    table = rows(report(live_server, registrar, path, institution=TREASURY, format="csv"))
    late = str((datetime.now(UTC).date() - date(2026, 11, 30)).days)  # the deadline was 30 November 2026
    assert [(row["name"], row["identifiers"], row["still_to_do"], row["days_overdue"]) for row in table] == [
        ("'=HYPERLINK(\"http://evil.example\",\"click\")", "ke-upn:2999", "KSG-CY; KSG-DL", late),
        ("Officer T1", "ke-upn:2001", "KSG-DL", late),
        ("Officer T3", "ke-upn:2003", "KSG-CY; KSG-DL", late),
    ]
    items = report(live_server, registrar, path).json()["items"]
    assert len(items) == 7 and items[0]["name"].startswith("=HYPERLINK")  # JSON keeps the data as it is


def test_compliance_and_breakdowns(live_server: LiveServer, world: World, registrar: Credential) -> None:
    pid = world.programmes["all_of"]
    compliance = {row["name"]: row for row in report(live_server, registrar, f"programmes/{pid}/compliance").json()["items"]}
    assert (compliance[TREASURY]["compliant"], compliance[TREASURY]["head_count"], compliance[TREASURY]["status"]) == (1, 4, "overdue")
    table = rows(report(live_server, registrar, f"programmes/{pid}/compliance", format="csv"))
    assert {row["institution"]: row["percent_compliant"] for row in table}[TREASURY] == "25.0"
    by_track = report(live_server, registrar, f"programmes/{pid}/breakdown", by="track").json()
    assert by_track["by"] == "track" and {item["label"] for item in by_track["items"]} == {"Digital leadership", "Security"}
    assert requests.get(f"{live_server.url}/api/v1/reports/programmes/{pid}/breakdown", params={"by": "colour"},
                        auth=registrar.auth, timeout=10).status_code == 400


def test_activity_performers_and_integrity(live_server: LiveServer, world: World, registrar: Credential) -> None:
    centres = {row["slug"]: row for row in report(live_server, registrar, "centres").json()["items"]}
    assert centres["kenya-school-of-government"]["pass_rate"] == 80.0
    assert b"Hours delivered" in report(live_server, registrar, "centres", format="svg").content
    performers = report(live_server, registrar, "performers", per_cohort="1").json()["items"]
    assert [(p["cohort"], p["name"]) for p in performers] == [("non-technical", "Officer T2"), ("technical", "Officer T1")]
    flags = rows(report(live_server, registrar, "integrity", format="csv"))
    assert [row["course"] for row in flags] == ["KSG-CY", "KSG-CY"]
    assert requests.get(f"{live_server.url}/api/v1/reports/integrity", params={"programme": "999"},
                        auth=registrar.auth, timeout=10).status_code == 404


def test_reports_need_admin_or_registrar(live_server: LiveServer, world: World, app: Flask) -> None:
    centre_less = make_credential(app, "lms", scopes=["statements/write"])
    url = f"{live_server.url}/api/v1/reports/programmes/{world.programmes['all_of']}/progress"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, auth=centre_less.auth, timeout=10).status_code == 403
