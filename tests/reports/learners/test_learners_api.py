"""The learners API over HTTP: registration, lookup, identities, HR roster import, and its refusals."""

from __future__ import annotations

import requests
from flask import Flask

from tests.conftest import Credential, LiveServer, make_credential
from tests.reports.helpers import make_centre

SITE = "https://elearning.ksg.ac.ke"


def new_learner(upn: str = "2019123456", **extra: object) -> dict[str, object]:
    return {"name": "Achieng Otieno", "institution": "State Department for ICT",
            "identifiers": [{"scheme": "ke-upn", "value": upn}], **extra}


def test_register_find_and_link(app: Flask, live_server: LiveServer) -> None:
    admin = make_credential(app, "ministry", role="admin")
    registrar = make_credential(app, "registrar", role="registrar")
    api = f"{live_server.url}/api/v1/learners"
    created = requests.post(api, json=new_learner(" 2019-123 456 ", cohort="2026-non-technical",
                                                   identifiers=[{"scheme": "ke-upn", "value": " 2019-123 456 "},
                                                                {"scheme": "rw-national-id", "value": "1199080012345678"}]),
                            auth=admin.auth, timeout=10)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["identifiers"] == [{"scheme": "ke-upn", "value": "2019123456"},
                                   {"scheme": "rw-national-id", "value": "1199080012345678"}]
    found = requests.get(api, params={"identifier": "rw-national-id:1199080012345678"}, auth=registrar.auth, timeout=10)
    assert [item["id"] for item in found.json()["items"]] == [body["id"]]
    assert requests.get(api, params={"identifier": "ke-upn:9999999"}, auth=registrar.auth, timeout=10).json() == {"items": []}
    agent = {"account": {"homePage": SITE, "name": "42"}}
    link = requests.post(f"{api}/{body['id']}/identities", json={"agent": agent}, auth=admin.auth, timeout=10)
    assert link.status_code == 201 and link.json()["ifi"] == f"account:{SITE}|42"
    assert requests.post(f"{api}/{body['id']}/identities", json={"agent": agent}, auth=admin.auth, timeout=10).status_code == 200
    detail = requests.get(f"{api}/{body['id']}", auth=registrar.auth, timeout=10).json()
    assert [i["ifi"] for i in detail["identities"]] == [f"account:{SITE}|42"]

    other = requests.post(api, json=new_learner("2020000001"), auth=admin.auth, timeout=10).json()
    taken = requests.post(f"{api}/{other['id']}/identities", json={"agent": agent}, auth=admin.auth, timeout=10)
    assert taken.status_code == 409 and taken.json()["error"]["code"] == "conflict"
    duplicate = requests.post(api, json=new_learner("2019123456"), auth=admin.auth, timeout=10)
    assert duplicate.status_code == 409


def test_refusals(app: Flask, live_server: LiveServer, credential: Credential) -> None:
    admin = make_credential(app, "ministry", role="admin")
    registrar = make_credential(app, "registrar", role="registrar")
    centre = make_centre(app, "ksg", SITE)
    api = f"{live_server.url}/api/v1/learners"
    assert requests.post(api, json=new_learner(), timeout=10).status_code == 401
    assert requests.post(api, json=new_learner(), auth=("nobody", "wrong"), timeout=10).status_code == 401
    for who in (registrar, centre.credential, credential):
        assert requests.post(api, json=new_learner(), auth=who.auth, timeout=10).status_code == 403
    assert requests.get(api, auth=centre.credential.auth, timeout=10).status_code == 403
    cases = [
        {"name": "x", "institution": "y", "identifiers": []},
        {"name": "x", "institution": "y", "identifiers": [{"scheme": "us-ssn", "value": "1"}]},
        {"name": "x", "institution": "y", "identifiers": [{"scheme": "rw-national-id", "value": "12"}]},
        {"name": "x", "institution": "y", "identifiers": [{"scheme": "ke-upn", "value": "1234"}, {"scheme": "ke-upn", "value": "5678"}]},
        {"institution": "y", "identifiers": [{"scheme": "ke-upn", "value": "1234"}]},
        ["not", "an", "object"],
    ]
    for case in cases:
        response = requests.post(api, json=case, auth=admin.auth, timeout=10)
        assert response.status_code == 400, (case, response.text)
        assert "error" in response.json()
    assert requests.get(api, params={"identifier": "no-colon"}, auth=admin.auth, timeout=10).status_code == 400
    assert requests.get(f"{api}/999999", auth=admin.auth, timeout=10).status_code == 404
    learner = requests.post(api, json=new_learner(), auth=admin.auth, timeout=10).json()
    for agent in ({"name": "no ifi"}, {"mbox": "not-an-email"}, {"objectType": "Group", "member": []}, "text"):
        response = requests.post(f"{api}/{learner['id']}/identities", json={"agent": agent}, auth=admin.auth, timeout=10)
        assert response.status_code == 400, (agent, response.text)


ROSTER = (
    "ke-upn,ke_national_id,name,institution,cohort,email\r\n"
    "2019123456,23456789,Wanjiru Kamau,Ministry of ICT,2026-technical,wkamau@ict.go.ke\r\n"
    "2019123457,,Otieno Ochieng,Ministry of Health,,\r\n"
    ",,No Identifier,Treasury,,\r\n"
    "2019123458,12,Bad National Id,Treasury,,\r\n"
    "2019123459,,=HYPERLINK(\"x\"),Treasury,,\r\n"
    "2019123460,,Ngũgĩ Wa Mwangi,Kenya School of Government,2026-technical,not-an-email\r\n"
    "2019123461,,Jane Doe,,,\r\n"
)


def test_hr_roster_imports_valid_rows_reports_bad_ones_and_is_idempotent(app: Flask, live_server: LiveServer) -> None:
    admin = make_credential(app, "ministry", role="admin")
    url = f"{live_server.url}/api/v1/learners/roster"
    upload = requests.post(url, files={"file": ("roster.csv", ROSTER.encode())}, auth=admin.auth, timeout=30)
    assert upload.status_code == 200, upload.text
    report = upload.json()
    assert (report["rows_ok"], report["rows_failed"], report["created"]) == (2, 5, 2)
    assert [(e["line"], e["column"]) for e in report["errors"]] == [
        (4, "identifiers"), (5, "ke-national-id"), (6, "name"), (7, "email"), (8, "institution")]
    again = requests.post(url, files={"file": ("roster.csv", ROSTER.encode())}, auth=admin.auth, timeout=30).json()
    assert (again["rows_ok"], again["created"], again["updated"], again["unchanged"]) == (2, 0, 0, 2)
    found = requests.get(f"{live_server.url}/api/v1/learners", params={"identifier": "ke-national-id:23456789"},
                         auth=admin.auth, timeout=10).json()["items"]
    assert [(f["name"], f["cohort"]) for f in found] == [("Wanjiru Kamau", "2026-technical")]
    detail = requests.get(f"{live_server.url}/api/v1/learners/{found[0]['id']}", auth=admin.auth, timeout=10).json()
    assert [i["ifi"] for i in detail["identities"]] == ["mbox:mailto:wkamau@ict.go.ke"]  # the employer vouches for it
    corrected = "ke-upn,name,institution\r\n2019123457,Otieno Ochieng,Ministry of Health and Sanitation\r\n"
    fixed = requests.post(url, files={"file": ("r.csv", corrected.encode())}, auth=admin.auth, timeout=30).json()
    assert (fixed["rows_ok"], fixed["updated"]) == (1, 1)
    bad_files = [b"\xff\xfe\x00garbage", b"", b"upn,name\r\n1,2\r\n", b"ke-upn,name\r\n2019123456,x\r\n"]
    for data in bad_files:
        response = requests.post(url, files={"file": ("bad.csv", data)}, auth=admin.auth, timeout=30)
        assert response.status_code == 400, (data, response.text)
    assert requests.post(url, auth=admin.auth, timeout=30).status_code == 400
