"""Transcript renderings over HTTP (JSON, CSV, PDF by ?format= and Accept) and the payroll export."""

from __future__ import annotations

import requests
from flask import Flask

from tests.conftest import LiveServer, make_credential
from tests.reports import moodle
from tests.reports.helpers import make_centre, post_statements, wait_normalised

SITE = "https://elearning.ksg.ac.ke"


def test_transcript_renderings_and_payroll_export(app: Flask, live_server: LiveServer, environment: dict[str, str]) -> None:
    centre = make_centre(app, "ksg", SITE, name="Kenya School of Government")
    admin = make_credential(app, "ministry", role="admin")
    registrar = make_credential(app, "registrar", role="registrar")
    api = f"{live_server.url}/api/v1"
    learner = requests.post(f"{api}/learners", auth=admin.auth, timeout=10, json={
        "name": "Ngũgĩ wa Mwangi", "institution": "=Ministry", "identifiers": [{"scheme": "ke-upn", "value": "2019123456"}]}).json()
    requests.post(f"{api}/courses", auth=admin.auth, timeout=10, json={
        "code": "KSG-DL101", "title": "Digital Literacy", "centre": "ksg", "achievement_type": "Course",
        "track": "Digital leadership", "framework": "KNQF", "level": 5, "hours": 40}).raise_for_status()
    requests.post(f"{api}/courses/KSG-DL101/mappings", auth=admin.auth, timeout=10,
                  json={"centre": "ksg", "activity_iri": f"{SITE}/course/view.php?id=1"}).raise_for_status()
    requests.post(f"{api}/learners/{learner['id']}/identities", auth=admin.auth, timeout=10,
                  json={"agent": {"account": {"homePage": SITE, "name": "42"}}}).raise_for_status()
    post_statements(live_server, centre.credential, [moodle.course_completed(SITE, "42", "N", 1, "DL", "2026-02-09T08:00:00Z")])
    wait_normalised(app, environment)
    url = f"{api}/learners/{learner['id']}/transcript"

    as_json = requests.get(url, auth=registrar.auth, timeout=10)
    assert as_json.headers["Content-Type"].startswith("application/json")
    assert set(as_json.json()) == {"learner", "lines", "totals"}
    [line] = as_json.json()["lines"]
    assert set(line) == {"course", "centre", "outcome", "score_percent", "completed_at", "evidence"}
    by_accept = requests.get(url, auth=registrar.auth, headers={"Accept": "text/csv"}, timeout=10)
    by_format = requests.get(url, params={"format": "csv"}, auth=registrar.auth, timeout=10)
    assert by_accept.headers["Content-Type"].startswith("text/csv") and by_accept.text == by_format.text
    header, row = by_format.text.strip().splitlines()
    assert header.startswith("learner_id,learner_name,identifiers,course_code") and "KSG-DL101" in row and "Ngũgĩ" in row
    pdf = requests.get(url, headers={"Accept": "application/pdf"}, auth=registrar.auth, timeout=10)
    assert pdf.headers["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert pdf.content.count(b"/Type /Page\n") + pdf.content.count(b"/Type /Page>") >= 1
    assert requests.get(url, params={"format": "xml"}, auth=registrar.auth, timeout=10).status_code == 400
    assert requests.get(f"{api}/learners/999999/transcript", auth=registrar.auth, timeout=10).status_code == 404
    assert requests.get(url, auth=centre.credential.auth, timeout=10).status_code == 403
    assert requests.get(url, timeout=10).status_code == 401

    export = requests.get(f"{api}/transcripts/export", params={"scheme": "ke-upn"}, auth=registrar.auth, timeout=10)
    assert export.status_code == 200 and export.headers["Content-Type"].startswith("text/csv")
    header, row = export.text.strip().splitlines()
    assert header.split(",")[:4] == ["identifier_scheme", "identifier", "name", "institution"]
    assert row.startswith("ke-upn,2019123456,Ngũgĩ wa Mwangi,'=Ministry,KSG-DL101")  # no formula reaches a spreadsheet
    assert requests.get(f"{api}/transcripts/export", params={"scheme": "xx"}, auth=registrar.auth, timeout=10).status_code == 400
