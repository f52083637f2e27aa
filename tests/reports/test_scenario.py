"""The acceptance scenario: one officer, two Moodle sites, a replayed batch, a voided statement, a
vendor certificate — one transcript with exactly the right lines, hours, credits and outcomes, which
a full rebuild reproduces.

The Moodle records enter as statements POSTed to the live server's /xapi in the shapes Moodle's log
store plugin sends; the Huawei HCIA certificate arrives as a row of the academy's roster upload, imported
by a real worker, which also links the officer's Huawei account by her UPN.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import requests
from flask import Flask
from sqlalchemy import select

from lrs.db import session_scope
from reports.normalise.models import LearningRecord
from tests.conftest import Credential, LiveServer, make_credential
from tests.connectors.helpers import run_worker, statements_of
from tests.connectors.roster_files import row, to_csv
from tests.reports import moodle
from tests.reports.helpers import make_centre, post_statements, wait_normalised

KSG = "https://elearning.ksg.ac.ke"
ICTA = "https://lms.icta.go.ke"
HUAWEI = "https://e.huawei.com/en/talent"
OFFICER = "Wanjiru Kamau"


def records(app: Flask) -> list[dict[str, Any]]:
    with app.app_context(), session_scope(app) as session:
        return [record.content() for record in session.scalars(select(LearningRecord).order_by(LearningRecord.course_id))]


def test_one_officer_two_moodle_sites_and_a_vendor_certificate(
    app: Flask, live_server: LiveServer, environment: dict[str, str]
) -> None:
    ksg = make_centre(app, "ksg", KSG, name="Kenya School of Government")
    icta = make_centre(app, "icta", ICTA, name="ICT Authority")
    huawei = make_centre(app, "huawei", HUAWEI, name="Huawei ICT Academy", kind="vendor_academy")
    admin = make_credential(app, "ministry", role="admin")
    registrar = make_credential(app, "mps-registrar", role="registrar")
    api = f"{live_server.url}/api/v1"

    def call(method: str, path: str, credential: Credential = admin, **kwargs: Any) -> requests.Response:
        return requests.request(method, f"{api}{path}", auth=credential.auth, timeout=30, **kwargs)

    # The ministry registers the officer and the catalogue.
    learner = call("POST", "/learners", json={"name": OFFICER, "institution": "Ministry of ICT", "cohort": "2026-technical",
                                              "identifiers": [{"scheme": "ke-upn", "value": "2019123456"},
                                                              {"scheme": "ke-national-id", "value": "23456789"}]})
    assert learner.status_code == 201, learner.text
    learner_id = learner.json()["id"]
    courses = [
        {"code": "KSG-DL101", "title": "Digital Literacy for Public Servants", "centre": "ksg", "achievement_type": "Course",
         "track": "Digital leadership", "framework": "KNQF", "level": 5, "hours": 40, "credits": 4},
        {"code": "ICTA-CS201", "title": "Cybersecurity Essentials", "centre": icta.id, "achievement_type": "Course",
         "track": "Security", "framework": "KNQF", "level": 6, "hours": 60},
        {"code": "KSG-AI100", "title": "AI for Public Service", "centre": "ksg", "achievement_type": "Course",
         "track": "AI", "framework": "KNQF", "level": 5, "hours": 30, "credits": 3},
        {"code": "HCIA-AI", "title": "Huawei Certified ICT Associate - AI", "centre": "huawei",
         "achievement_type": "Certification", "track": "AI", "framework": "KNQF", "level": 6, "hours": 60,
         "assessment_method": "proctored exam", "validity_days": 1095},
    ]
    for course in courses:
        response = call("POST", "/courses", json=course)
        assert response.status_code == 201, response.text
    assert call("GET", "/courses/ICTA-CS201").json()["credits"] == 6.0  # derived: 60 h / 10
    mappings = [
        ("KSG-DL101", {"centre": "ksg", "activity_iri": f"{KSG}/course/view.php?id=12"}),
        ("KSG-DL101", {"centre": "ksg", "activity_iri": f"{KSG}/mod/quiz/view.php?id=301"}),
        ("KSG-DL101", {"centre": icta.id, "activity_iri": f"{ICTA}/course/view.php?id=7"}),  # same course, second site
        ("KSG-DL101", {"centre": "icta", "activity_iri": f"{ICTA}/mod/quiz/view.php?id=88"}),
        ("ICTA-CS201", {"centre": "icta", "activity_iri": f"{ICTA}/mod/scorm/view.php?id=55"}),
        ("KSG-AI100", {"centre": "ksg", "activity_iri": f"{KSG}/course/view.php?id=20"}),
        ("HCIA-AI", {"centre": str(huawei.id), "activity_prefix": f"{HUAWEI}/huawei-talent/certifications/HCIA-AI"}),
    ]
    for code, mapping in mappings:
        response = call("POST", f"/courses/{code}/mappings", json=mapping)
        assert response.status_code == 201, response.text
    linked = call("POST", f"/learners/{learner_id}/identities",
                  json={"agent": {"account": {"homePage": KSG, "name": "42"}}})
    assert linked.status_code == 201, linked.text

    # Site A (KSG, plugin v5): enrolled, a failed final quiz, a completion of the AI course, an unmapped induction.
    site_a = [
        moodle.enrolled(KSG, "42", OFFICER, 12, "Digital Literacy", "2026-02-02T08:00:00Z"),
        moodle.module_viewed(KSG, "42", OFFICER, 12, 305, "2026-02-03T09:00:00Z"),
        moodle.quiz_attempt_submitted(KSG, "42", OFFICER, 12, 301, 1, 40, "2026-02-20T10:00:00Z", passed=False),
        moodle.course_completed(KSG, "42", OFFICER, 20, "AI for Public Service", "2026-02-21T10:00:00Z"),
        moodle.course_completed(KSG, "42", OFFICER, 99, "Staff induction", "2026-02-22T10:00:00Z"),
    ]
    first = post_statements(live_server, ksg.credential, site_a)
    replayed = post_statements(live_server, ksg.credential, site_a)  # the plugin replays a failed batch
    assert set(first).isdisjoint(replayed)
    # The AI completion was a mistake: the site voids it.
    post_statements(live_server, ksg.credential, [moodle.voiding(first[3], KSG)])

    # Site B (ICT Authority, plugin v4.7 vocabulary for the quiz, v5 for SCORM): a different user id.
    site_b = [
        moodle.legacy_registered(ICTA, "1187", OFFICER, 7, "Digital Literacy", "2026-03-01T08:00:00Z"),
        moodle.legacy_quiz_completed(ICTA, "1187", OFFICER, 7, 88, 78, "2026-03-10T11:30:00Z", passed=True),
        moodle.course_completed(ICTA, "1187", OFFICER, 7, "Digital Literacy", "2026-03-11T09:00:00Z"),
        moodle.scorm_score(ICTA, "1187", OFFICER, 9, 55, 88, "2026-04-02T14:00:00Z"),
        moodle.scorm_status(ICTA, "1187", OFFICER, 9, 55, "passed", "2026-04-02T14:00:01Z"),
    ]
    site_b_ids = post_statements(live_server, icta.credential, site_b)
    # The Huawei academy uploads its roster: the row names the officer by UPN and her Huawei account.
    roster = to_csv([row("HCIA-AI-2026-004211", huawei_account="wkamau@ict.go.ke", exam_date="2026-05-13",
                         issue_date="2026-05-20", expiry_date="2029-05-20", score="870", pass_mark="600")])
    upload = call("POST", f"/centres/{huawei.id}/rosters", huawei.credential,
                  files={"file": ("roster.csv", roster, "text/csv")})
    assert upload.status_code == 202, upload.text
    run_worker(environment)
    report = call("GET", f"/imports/{upload.json()['id']}", huawei.credential).json()
    assert (report["status"], report["rows_ok"], report["rows_failed"]) == ("succeeded", 1, 0), report
    hcia_ids = {statement["id"] for statement in statements_of(live_server, huawei.credential)}
    wait_normalised(app, environment)

    # Site B's and Huawei's accounts are not linked yet: they wait in the review queue, counted.
    queue = call("GET", "/review/identities").json()["items"]
    waiting = {item["ifi"]: item for item in queue}
    assert waiting[f"account:{ICTA}|1187"]["statement_count"] == 5
    assert waiting[f"account:{ICTA}|1187"]["agent"]["name"] == OFFICER
    assert f"account:{HUAWEI}|wkamau@ict.go.ke" not in waiting  # the roster matched her by UPN
    unmapped = {item["activity_iri"]: item for item in call("GET", "/review/activities").json()["items"]}
    assert unmapped[f"{KSG}/course/view.php?id=99"]["statement_count"] == 2  # the replay is a second statement
    assert unmapped[f"{KSG}/course/view.php?id=99"]["centre"]["slug"] == "ksg"

    before = call("GET", f"/learners/{learner_id}/transcript", registrar).json()
    assert [(line["course"]["code"], line["outcome"]) for line in before["lines"]] == [
        ("KSG-DL101", "failed"), ("HCIA-AI", "certified")]

    # The administrator links the site B account: its history is normalised again.
    agent = {"account": {"homePage": ICTA, "name": "1187"}}
    assert call("POST", f"/learners/{learner_id}/identities", json={"agent": agent}).status_code == 201
    assert call("GET", "/review/identities").json()["items"] == []

    transcript = call("GET", f"/learners/{learner_id}/transcript", registrar).json()
    assert transcript["learner"]["identifiers"] == [{"scheme": "ke-national-id", "value": "23456789"},
                                                    {"scheme": "ke-upn", "value": "2019123456"}]
    lines = {line["course"]["code"]: line for line in transcript["lines"]}
    assert list(lines) == ["KSG-DL101", "ICTA-CS201", "HCIA-AI"]  # by completion date; the voided AI course is gone
    digital = lines["KSG-DL101"]
    assert digital["course"] == {"code": "KSG-DL101", "title": "Digital Literacy for Public Servants", "framework": "KNQF",
                                 "level": 5, "hours": 40.0, "credits": 4.0, "track": "Digital leadership",
                                 "achievement_type": "Course"}
    assert digital["outcome"] == "passed"  # passed on site B beats failed on site A
    assert digital["score_percent"] == 78.0  # the best score, from raw/min/max (not scaled)
    assert digital["completed_at"] == "2026-03-10T11:30:00.000Z"  # earliest date of the best outcome
    assert digital["centre"]["slug"] == "icta"
    # Evidence: every event once (the replay adds nothing), from both sites, the page viewed inside the course too.
    assert set(digital["evidence"]) == {*first[:3], *site_b_ids[:3]}
    assert not set(digital["evidence"]) & set(replayed)
    cyber = lines["ICTA-CS201"]
    assert (cyber["outcome"], cyber["score_percent"], cyber["course"]["credits"]) == ("passed", 88.0, 6.0)
    assert set(cyber["evidence"]) == set(site_b_ids[3:])
    hcia = lines["HCIA-AI"]
    assert hcia["outcome"] == "certified"
    assert hcia["certificate_number"] == "HCIA-AI-2026-004211"
    assert hcia["expires_at"] == "2029-05-21T00:00:00.000Z"  # valid through its expiry date, 2029-05-20
    assert hcia["score_percent"] == 87.0
    assert set(hcia["evidence"]) == hcia_ids and len(hcia_ids) == 2  # the exam passed, the certificate achieved
    assert "certificate_number" not in digital
    assert transcript["totals"] == {
        "hours": 160.0,
        "credits": 16.0,
        "by_track": {"Digital leadership": {"hours": 40.0, "credits": 4.0}, "Security": {"hours": 60.0, "credits": 6.0},
                     "AI": {"hours": 60.0, "credits": 6.0}},
        "by_level": {"KNQF 5": {"hours": 40.0, "credits": 4.0}, "KNQF 6": {"hours": 120.0, "credits": 12.0}},
    }

    # Lookup by identifier finds the officer; the registrar's CSV and PDF carry the same lines.
    found = call("GET", "/learners", registrar, params={"identifier": "ke-upn:2019123456"}).json()["items"]
    assert [item["id"] for item in found] == [learner_id]
    csv_text = call("GET", f"/learners/{learner_id}/transcript", registrar, params={"format": "csv"}).text
    assert [row.split(",")[3] for row in csv_text.strip().splitlines()[1:]] == ["KSG-DL101", "ICTA-CS201", "HCIA-AI"]

    # A full rebuild from the statements gives identical records and the identical transcript.
    snapshot = records(app)
    rebuilt = subprocess.run([sys.executable, "-m", "lrs.cli", "normalise", "--rebuild"],  # noqa: S603
                             env={**os.environ, **environment}, check=True, capture_output=True, text=True)
    summary = json.loads(rebuilt.stdout)
    assert summary["records_changed"] == 0 and summary["statements"] == 18
    assert records(app) == snapshot
    assert call("GET", f"/learners/{learner_id}/transcript", registrar).json() == transcript
