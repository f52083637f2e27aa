"""Certificate claims end to end: submitted with a PDF, verified or rejected by an administrator; only verified ones count."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
import requests
from flask import Flask

from tests.conftest import Credential, LiveServer
from tests.connectors.helpers import (
    Academy,
    admin,
    api,
    approved_centre,
    create_course,
    create_learner,
    registrar,
    statements_of,
    wait_normalised,
)

SITE = "https://talent.huawei-academy.ke"
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def academy(app: Flask) -> Academy:
    return approved_centre(app, "huawei-ict-academy-ke", SITE, kind="vendor_academy")


@pytest.fixture
def people(app: Flask, live_server: LiveServer) -> tuple[Credential, Credential, int]:
    ministry = admin(app)
    wanjiru = create_learner(live_server, ministry, "Wanjiru Kamau", "2019123456", ke_national_id="23456789")
    return ministry, registrar(app), wanjiru


def claim(live_server: LiveServer, academy: Academy, credential: Credential, number: str, *, pdf: bytes = PDF, **fields: str) -> requests.Response:
    form = {"identifier": "ke-upn:2019123456", "certificate_number": number, "certificate_name": "HCIA-AI V3.5",
            "certificate_level": "HCIA", "track": "AI", "course_code": "HCIA-AI", "course_title": "HCIA-AI V3.5 Training",
            "issue_date": "2026-06-15", "huawei_account": "wkamau_ke", **fields}
    return api(live_server, "POST", f"/centres/{academy.id}/claims", credential, data=form,
               files={"file": ("hcia-ai.pdf", pdf, "application/pdf")})


def submitted(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return response.json()


def test_a_verified_claim_counts_and_keeps_its_evidence(
    app: Flask, live_server: LiveServer, environment: dict[str, str], academy: Academy, people: tuple[Credential, Credential, int],
) -> None:
    ministry, institution, wanjiru = people
    create_course(live_server, ministry, "HCIA-AI", academy.id, iri=f"{SITE}/huawei-talent/certifications/HCIA-AI")
    pending = submitted(claim(live_server, academy, institution, "HWENGHCIAAI3509999"))

    assert pending["status"] == "claimed"
    assert pending["file_sha256"] == hashlib.sha256(PDF).hexdigest() and pending["file_size"] == len(PDF)
    assert pending["submitted_by"] == f"client:{institution.key}" and pending["learner_id"] == wanjiru
    assert api(live_server, "GET", f"/claims/{pending['id']}/file", academy.credential).content == PDF
    assert statements_of(live_server, ministry) == []  # a claim alone counts for nothing

    verified = api(live_server, "POST", f"/claims/{pending['id']}/verify", ministry,
                   json={"reason": "matches Huawei's certificate verification page"})

    assert verified.status_code == 200, verified.text
    body = verified.json()
    assert body["status"] == "verified" and body["decided_by"] == f"client:{ministry.key}" and body["decided_at"]
    assert body["decision_reason"] == "matches Huawei's certificate verification page"
    [statement] = statements_of(live_server, ministry)
    assert statement["verb"]["id"] == "https://w3id.org/xapi/tla/verbs/achieved"
    assert statement["result"]["extensions"]["https://elimu.dev/xapi/extensions/certificate-number"] == "HWENGHCIAAI3509999"
    assert statement["authority"]["account"]["homePage"].endswith(f"/centres/{academy.slug}")
    [certificate] = api(live_server, "GET", f"/centres/{academy.id}/certificates", ministry).json()["items"]
    assert (certificate["source"], certificate["expiry_date"], certificate["status"]) == ("claim", "2029-06-15", "current")
    assert body["certificate_id"] == certificate["id"]

    wait_normalised(app, environment)
    [line] = api(live_server, "GET", f"/learners/{wanjiru}/transcript", ministry).json()["lines"]
    assert (line["outcome"], line["certificate_number"]) == ("certified", "HWENGHCIAAI3509999")


def test_a_rejected_claim_never_counts(
    live_server: LiveServer, academy: Academy, people: tuple[Credential, Credential, int],
) -> None:
    ministry, institution, _ = people
    pending = submitted(claim(live_server, academy, institution, "HWENGHCIAAI3508888"))

    unexplained = api(live_server, "POST", f"/claims/{pending['id']}/reject", ministry, json={"reason": ""})
    rejected = api(live_server, "POST", f"/claims/{pending['id']}/reject", ministry,
                   json={"reason": "no such certificate on Huawei's verification page"})

    assert unexplained.status_code == 400
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert rejected.json()["decision_reason"] == "no such certificate on Huawei's verification page"
    assert api(live_server, "POST", f"/claims/{pending['id']}/verify", ministry, json={}).status_code == 409
    assert statements_of(live_server, ministry) == []
    assert api(live_server, "GET", f"/centres/{academy.id}/certificates", ministry).json()["items"] == []
    listed = api(live_server, "GET", f"/centres/{academy.id}/claims", ministry, params={"status": "rejected"}).json()["items"]
    assert [item["id"] for item in listed] == [pending["id"]]


def test_claims_that_cannot_be_right_are_refused(
    live_server: LiveServer, academy: Academy, people: tuple[Credential, Credential, int],
) -> None:
    ministry, institution, _ = people
    first = submitted(claim(live_server, academy, institution, "HWENGHCIAAI3507777"))

    cases = {
        "again": claim(live_server, academy, institution, "HWENGHCIAAI3507777"),
        "not a pdf": claim(live_server, academy, institution, "HWENGHCIAAI3506666", pdf=b"<html>certificate</html>"),
        "no learner": claim(live_server, academy, institution, "HWENGHCIAAI3505555", identifier="ke-upn:2000000000"),
        "bad level": claim(live_server, academy, institution, "HWENGHCIAAI3504444", certificate_level="GOLD"),
        "future": claim(live_server, academy, institution, "HWENGHCIAAI3503333", issue_date="2999-01-01"),
    }

    assert {name: response.status_code for name, response in cases.items()} == {
        "again": 409, "not a pdf": 400, "no learner": 404, "bad level": 400, "future": 400,
    }
    assert "already claimed" in cases["again"].json()["error"]["message"]
    assert cases["not a pdf"].json()["error"]["message"] == "file: the certificate must be a PDF file"
    assert cases["bad level"].json()["error"]["message"].startswith("certificate_level: must be one of HCIA, HCIP, HCIE")
    assert api(live_server, "POST", f"/claims/{first['id']}/verify", institution, json={}).status_code == 403


def test_a_claim_for_a_certificate_on_record_is_a_conflict(
    live_server: LiveServer, academy: Academy, people: tuple[Credential, Credential, int],
) -> None:
    ministry, institution, _ = people
    pending = submitted(claim(live_server, academy, institution, "HWENGHCIAAI3502222"))
    assert api(live_server, "POST", f"/claims/{pending['id']}/verify", ministry, json={}).status_code == 200

    response = claim(live_server, academy, institution, "HWENGHCIAAI3502222")

    assert response.status_code == 409
    assert response.json()["error"]["message"] == "certificate HWENGHCIAAI3502222 is already on record"


def test_other_centres_cannot_read_an_academys_claims(
    app: Flask, live_server: LiveServer, academy: Academy, people: tuple[Credential, Credential, int],
) -> None:
    _, institution, _ = people
    pending = submitted(claim(live_server, academy, institution, "HWENGHCIAAI3501111"))
    other = approved_centre(app, "another-academy", "https://academy.example.org")
    assert api(live_server, "GET", f"/claims/{pending['id']}", other.credential).status_code == 403
    assert api(live_server, "GET", f"/claims/{pending['id']}/file", other.credential).status_code == 403
    assert api(live_server, "GET", f"/claims/{pending['id']}", institution).status_code == 200
