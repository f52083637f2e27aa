"""The catalogue API over HTTP: courses with their recognition, mappings by centre id or slug, refusals."""

from __future__ import annotations

import requests
from flask import Flask

from tests.conftest import LiveServer, make_credential
from tests.reports.helpers import make_centre

SITE = "https://elearning.ksg.ac.ke"


def course(**overrides: object) -> dict[str, object]:
    return {"code": "KSG-DL101", "title": "Digital Literacy", "centre": "ksg", "achievement_type": "Course",
            "track": "Digital leadership", "framework": "KNQF", "level": 5, "hours": 25, **overrides}


def test_courses_and_mappings(app: Flask, live_server: LiveServer) -> None:
    centre = make_centre(app, "ksg", SITE)
    admin = make_credential(app, "ministry", role="admin")
    registrar = make_credential(app, "registrar", role="registrar")
    api = f"{live_server.url}/api/v1/courses"
    created = requests.post(api, json=course(code="ksg-dl101", centre=centre.id, assessment_method="quiz"), auth=admin.auth, timeout=10)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["code"], body["credits"], body["centre_id"], body["achievement_type"]) == ("KSG-DL101", 2.5, centre.id, "Course")
    rqf = requests.post(api, json=course(code="RW-AI1", framework="rqf", level=4, hours=30, credits=3, validity_days=730),
                        auth=admin.auth, timeout=10)
    assert rqf.status_code == 201 and rqf.json()["framework"] == "RQF"
    exact = requests.post(f"{api}/KSG-DL101/mappings", json={"centre": "ksg", "activity_iri": f"{SITE}/course/view.php?id=2"},
                          auth=admin.auth, timeout=10)
    assert exact.status_code == 201 and exact.json()["activity_iri"] == f"{SITE}/course/view.php?id=2"
    prefix = requests.post(f"{api}/KSG-DL101/mappings", json={"centre": str(centre.id), "activity_prefix": f"{SITE}/dl/"},
                           auth=admin.auth, timeout=10)
    assert prefix.status_code == 201 and prefix.json()["activity_prefix"] == f"{SITE}/dl/"
    elsewhere = requests.post(f"{api}/RW-AI1/mappings", json={"centre": "ksg", "activity_iri": f"{SITE}/course/view.php?id=2"},
                              auth=admin.auth, timeout=10)
    assert elsewhere.status_code == 409
    listed = requests.get(api, auth=registrar.auth, timeout=10).json()["items"]
    assert [c["code"] for c in listed] == ["KSG-DL101", "RW-AI1"] and len(listed[0]["mappings"]) == 2


def test_course_refusals(app: Flask, live_server: LiveServer) -> None:
    centre = make_centre(app, "ksg", SITE)
    admin = make_credential(app, "ministry", role="admin")
    registrar = make_credential(app, "registrar", role="registrar")
    api = f"{live_server.url}/api/v1/courses"
    assert requests.post(api, json=course(), timeout=10).status_code == 401
    assert requests.post(api, json=course(), auth=registrar.auth, timeout=10).status_code == 403
    assert requests.post(api, json=course(), auth=centre.credential.auth, timeout=10).status_code == 403
    for bad in (course(credits=4), course(level=11), course(framework="EQF"), course(achievement_type="Trophy"),
                course(hours=0), course(level="5"), course(code="bad code"), {"code": "X1"}):
        response = requests.post(api, json=bad, auth=admin.auth, timeout=10)
        assert response.status_code == 400, (bad, response.text)
    assert requests.post(api, json=course(centre="nowhere"), auth=admin.auth, timeout=10).status_code == 404
    assert requests.post(api, json=course(), auth=admin.auth, timeout=10).status_code == 201
    assert requests.post(api, json=course(), auth=admin.auth, timeout=10).status_code == 409
    mappings = f"{api}/KSG-DL101/mappings"
    for bad in ({"centre": "ksg"}, {"centre": "ksg", "activity_iri": "not an iri"},
                {"centre": "ksg", "activity_iri": f"{SITE}/a", "activity_prefix": f"{SITE}/"}, {"activity_iri": f"{SITE}/a"}):
        response = requests.post(mappings, json=bad, auth=admin.auth, timeout=10)
        assert response.status_code == 400, (bad, response.text)
    assert requests.post(f"{api}/NOPE/mappings", json={"centre": "ksg", "activity_iri": f"{SITE}/a"}, auth=admin.auth, timeout=10).status_code == 404
    assert requests.get(f"{live_server.url}/api/v1/review/activities", auth=registrar.auth, timeout=10).status_code == 403
