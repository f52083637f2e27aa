"""Issuing, reading, revoking and verifying transcript credentials through a real ``elimu serve``."""

from __future__ import annotations

import copy
import io
import json
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from lrs.db import session_scope
from reports.credentials import proof
from reports.credentials.models import StatusList
from reports.credentials.multikey import public_multikey
from reports.credentials.status import decode_bits, is_set
from tests.conftest import make_credential
from tests.reports.credentials.conftest import World, elimu

CHECKS = {"proof", "issuer", "status", "validity", "schema"}


def issued(world: World) -> dict[str, Any]:
    response = world.issue()
    assert response.status_code == 201, response.text
    return response.json()


def test_an_issued_transcript_verifies(world: World) -> None:
    body = issued(world)
    credential = body["credential"]
    assert set(body) >= {"id", "credential", "verification_url", "status"}
    assert body["status"] == "active"
    assert credential["type"] == ["VerifiableCredential", "ClrCredential"]
    assert credential["id"] == f"urn:uuid:{body['id']}"
    members = credential["credentialSubject"]["verifiableCredential"]
    assert [m["credentialSubject"]["achievement"]["humanCode"] for m in members] == ["KSG-DL1", "KSG-AI2", "HCIA-AI"]
    certificate = members[2]
    assert certificate["credentialSubject"]["licenseNumber"] == "HW-2026-000123"
    assert certificate["validUntil"] == "2029-07-01T00:00:00Z"
    assert certificate["credentialSubject"]["achievement"]["achievementType"] == "Certification"
    assert members[1]["credentialSubject"]["result"][0]["value"] == "87"
    assert members[0]["credentialSubject"]["achievement"]["alignment"][0]["targetName"] == "KNQF level 6"
    assert all(m["evidence"] and m["proof"]["cryptosuite"] == "eddsa-rdfc-2022" for m in members)

    verdict = world.verify(credential)
    assert verdict["verified"] is True, verdict
    assert verdict["checks"] == dict.fromkeys(CHECKS, True)
    assert verdict["credential_status"] == "active"
    # The W3C VC API's wrapped form is accepted too.
    assert world.verify({"verifiableCredential": credential})["verified"] is True

    read = requests.get(f"{world.live_server.url}/api/v1/credentials/{body['id']}", auth=world.registrar.auth, timeout=30)
    assert read.status_code == 200
    assert read.json()["credential"] == credential
    assert read.json()["learner_id"] == world.learner_id


def test_the_did_document_names_the_key_that_signed(world: World) -> None:
    credential = issued(world)["credential"]
    document = requests.get(f"{world.live_server.url}/.well-known/did.json", timeout=30)
    assert document.status_code == 200
    did = document.json()
    assert did["id"] == credential["issuer"]["id"] == "did:web:127.0.0.1%3A8000"
    method = credential["proof"]["verificationMethod"]
    assert method in did["assertionMethod"]
    assert requests.get(f"{world.live_server.url}/did.json", timeout=30).json() == did


def test_each_embedded_achievement_verifies_on_its_own(world: World) -> None:
    credential = issued(world)["credential"]
    for member in credential["credentialSubject"]["verifiableCredential"]:
        verdict = world.verify(member)
        assert verdict["verified"] is True, verdict


def test_a_changed_character_fails_the_proof(world: World) -> None:
    credential = issued(world)["credential"]
    changes = {
        "learner name": ("credentialSubject", "identifier", 0, "identityHash"),
        "a score": ("credentialSubject", "verifiableCredential", 1, "credentialSubject", "result", 0, "value"),
        "issue date": ("validFrom",),
        "signature": ("proof", "proofValue"),
        "embedded signature": ("credentialSubject", "verifiableCredential", 0, "proof", "proofValue"),
    }
    for name, path in changes.items():
        tampered = copy.deepcopy(credential)
        holder = tampered
        for step in path[:-1]:
            holder = holder[step]
        value = holder[path[-1]]
        holder[path[-1]] = value[:-2] + ("1" if value[-2] != "1" else "2") + value[-1]
        verdict = world.verify(tampered)
        assert verdict["verified"] is False, name
        assert verdict["checks"]["proof"] is False, (name, verdict)


def test_revoked_credentials_verify_as_revoked(app: Flask, world: World, environment: dict[str, str]) -> None:
    body = issued(world)
    url = world.live_server.url
    revoked = requests.post(f"{url}/api/v1/credentials/{body['id']}/revoke", json={"reason": "issued in error"},
                            auth=world.registrar.auth, timeout=30)
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked"

    verdict = world.verify(body["credential"])
    assert verdict["verified"] is False
    assert verdict["checks"]["status"] is False
    assert {name for name, ok in verdict["checks"].items() if not ok} == {"status"}
    assert verdict["credential_status"] == "revoked"
    assert "issued in error" in verdict["details"]["status"]

    # The status list itself says so, to anyone, signed.
    entry = next(e for e in body["credential"]["credentialStatus"] if e["statusPurpose"] == "revocation")
    listed = requests.get(entry["statusListCredential"].replace("http://127.0.0.1:8000", url), timeout=30).json()
    assert is_set(decode_bits(listed["credentialSubject"]["encodedList"]), int(entry["statusListIndex"]))
    assert world.verify(listed)["checks"]["proof"] is True

    # The job re-signs and stores the list; the answer stays the same.
    worker = elimu(environment, "worker", "--burst")
    assert worker.returncode == 0, worker.stderr
    with app.app_context(), session_scope(app) as session:
        row = session.scalars(select(StatusList).where(StatusList.purpose == "revocation")).one()
        assert not row.is_stale
        assert is_set(decode_bits(row.credential["credentialSubject"]["encodedList"]), int(entry["statusListIndex"]))
    assert world.verify(body["credential"])["credential_status"] == "revoked"

    again = requests.post(f"{url}/api/v1/credentials/{body['id']}/revoke", json={"reason": "twice"},
                          auth=world.registrar.auth, timeout=30)
    assert again.status_code == 409


def test_suspension_is_lifted_by_reinstating(world: World) -> None:
    body = issued(world)
    api = f"{world.live_server.url}/api/v1/credentials/{body['id']}"
    assert requests.post(f"{api}/suspend", json={"reason": "under review"}, auth=world.admin.auth, timeout=30).status_code == 200
    verdict = world.verify(body["credential"])
    assert (verdict["verified"], verdict["credential_status"]) == (False, "suspended")
    assert requests.post(f"{api}/reinstate", json={"reason": "cleared"}, auth=world.admin.auth, timeout=30).status_code == 200
    assert world.verify(body["credential"])["verified"] is True
    assert requests.post(f"{api}/reinstate", json={"reason": "again"}, auth=world.admin.auth, timeout=30).status_code == 409
    missing = requests.post(f"{api}/suspend", json={}, auth=world.admin.auth, timeout=30)
    assert missing.status_code == 400 and "reason" in missing.json()["error"]["fields"]


def test_rotated_keys_keep_old_credentials_verifiable(world: World, environment: dict[str, str]) -> None:
    old = issued(world)["credential"]
    rotated = elimu(environment, "keys", "rotate", "--json")
    assert rotated.returncode == 0, rotated.stderr
    keys = json.loads(rotated.stdout)["keys"]
    assert [key["status"] for key in keys][:2] == ["current", "retired"]

    assert world.verify(old)["verified"] is True
    new = issued(world)["credential"]
    assert new["proof"]["verificationMethod"] != old["proof"]["verificationMethod"]
    assert new["proof"]["verificationMethod"].endswith(keys[0]["publicKeyMultibase"])
    assert world.verify(new)["verified"] is True
    did = requests.get(f"{world.live_server.url}/.well-known/did.json", timeout=30).json()
    assert {old["proof"]["verificationMethod"], new["proof"]["verificationMethod"]} <= set(did["assertionMethod"])


def resigned(credential: dict[str, Any], key: Ed25519PrivateKey, method: str) -> dict[str, Any]:
    """The credential with every proof replaced by one made with ``key``."""
    document = copy.deepcopy(credential)
    document.pop("proof")
    subject = document["credentialSubject"]
    subject["verifiableCredential"] = [
        proof.sign({k: v for k, v in member.items() if k != "proof"}, key, method) for member in subject["verifiableCredential"]
    ]
    return proof.sign(document, key, method)


def test_a_credential_signed_by_another_key_fails_on_issuer(world: World) -> None:
    credential = issued(world)["credential"]
    stranger = Ed25519PrivateKey.generate()
    multikey = public_multikey(stranger.public_key())

    own_did_key = world.verify(resigned(credential, stranger, f"did:key:{multikey}#{multikey}"))
    assert own_did_key["verified"] is False
    assert own_did_key["checks"]["issuer"] is False
    assert own_did_key["checks"]["proof"] is True  # consistent in itself, but not the issuer's

    claiming_ours = world.verify(resigned(credential, stranger, credential["proof"]["verificationMethod"]))
    assert claiming_ours["verified"] is False
    assert claiming_ours["checks"]["issuer"] is False
    assert claiming_ours["checks"]["proof"] is False


def test_garbage_is_an_answer_not_an_error(world: World) -> None:
    url = f"{world.live_server.url}/api/v1/credentials/verify"
    not_json = requests.post(url, data=b"{not json", headers={"Content-Type": "application/json"}, timeout=30)
    assert not_json.status_code == 400
    assert not_json.json()["error"]["code"] == "bad_request"
    assert requests.post(url, data=b"NaN", timeout=30).status_code == 400
    assert requests.post(url, timeout=30).status_code == 400
    credential = issued(world)["credential"]
    hostile: list[Any] = [
        [], {}, "a string", 42, None, {"@context": "nonsense"},
        {**credential, "@context": ["https://www.w3.org/ns/credentials/v2", "https://evil.example/context"]},
        {**credential, "@context": [{"@vocab": "https://evil.example/#"}]},
        {**credential, "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}},
        {**credential, "proof": [1, 2, 3]},
        {**credential, "https://www.w3.org/2018/credentials#validUntil": "2000-01-01T00:00:00Z"},
        {**credential, "credentialStatus": [{"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                                             "statusListCredential": "https://evil.example/list", "statusListIndex": "1"}]},
        {**credential, "credentialSubject": {"verifiableCredential": [{"proof": {"verificationMethod": 7}}] * 3}},
        {**credential, "validFrom": "yesterday"},
        {"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]},
    ]
    for document in hostile:
        response = requests.post(url, data=json.dumps(document), headers={"Content-Type": "application/json"}, timeout=30)
        assert response.status_code == 200, (document, response.text)
        verdict = response.json()
        assert verdict["verified"] is False
        assert set(verdict["checks"]) == CHECKS


def test_only_registrars_and_administrators_issue(app: Flask, world: World) -> None:
    url = f"{world.live_server.url}/api/v1/learners/{world.learner_id}/credentials"
    assert requests.post(url, timeout=30).status_code == 401
    lms = make_credential(app, "an-lms", scopes=["statements/write"])
    assert requests.post(url, auth=lms.auth, timeout=30).status_code == 403
    assert world.issue(learner_id=world.learner_id + 1000).status_code == 404
    empty = requests.post(f"{world.live_server.url}/api/v1/learners", auth=world.admin.auth, timeout=30, json={
        "name": "Nobody Yet", "institution": "Treasury", "identifiers": [{"scheme": "ke-upn", "value": "2020000001"}]})
    nothing = world.issue(learner_id=empty.json()["id"])
    assert nothing.status_code == 409
    assert nothing.json()["error"]["code"] == "conflict"
    credential_id = issued(world)["id"]
    api = f"{world.live_server.url}/api/v1/credentials/{credential_id}"
    assert requests.get(api, timeout=30).status_code == 401
    assert requests.post(f"{api}/revoke", json={"reason": "x"}, auth=lms.auth, timeout=30).status_code == 403
    unknown = "00000000-0000-4000-8000-000000000000"
    assert requests.get(f"{world.live_server.url}/api/v1/credentials/{unknown}", auth=world.registrar.auth, timeout=30).status_code == 404


def test_the_verification_page_says_it_in_plain_words(world: World) -> None:
    body = issued(world)
    page = requests.get(body["verification_url"].replace("http://127.0.0.1:8000", world.live_server.url), timeout=30)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    html = page.text
    assert "Verified" in html
    assert "The record has not been changed since it was signed." in html
    assert "Wanjiru Kamau" in html and "HCIA-AI V3.5" in html and "HW-2026-000123" in html
    download = requests.get(f"{world.live_server.url}/verify/{body['id']}/credential.json", timeout=30)
    assert download.json() == body["credential"]

    requests.post(f"{world.live_server.url}/api/v1/credentials/{body['id']}/revoke", json={"reason": "superseded"},
                  auth=world.registrar.auth, timeout=30)
    revoked = requests.get(f"{world.live_server.url}/verify/{body['id']}", timeout=30).text
    assert "Not verified" in revoked and "Elimu has revoked it." in revoked and "superseded" in revoked
    missing = requests.get(f"{world.live_server.url}/verify/00000000-0000-4000-8000-000000000000", timeout=30)
    assert missing.status_code == 404 and missing.headers["Content-Type"].startswith("text/html")


def test_status_lists_are_public_and_bounded(world: World) -> None:
    issued(world)
    lists = f"{world.live_server.url}/api/v1/credentials/status-lists"
    listed = requests.get(f"{lists}/suspension/0", timeout=30)
    assert listed.status_code == 200
    assert listed.json()["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert requests.get(f"{lists}/suspension/7", timeout=30).status_code == 404
    assert requests.get(f"{lists}/deletion/0", timeout=30).status_code == 404


def pdf_text_and_images(content: bytes) -> tuple[str, int]:
    """The text of a PDF (lines joined) and how many images its pages hold."""
    reader = PdfReader(io.BytesIO(content))
    text = "".join(page.extract_text() for page in reader.pages).replace("\n", "")
    return text, sum(len(page.images) for page in reader.pages)


def test_the_issued_pdf_carries_the_verification_address_and_qr_code(world: World) -> None:
    body = issued(world)
    pdf = requests.get(f"{world.live_server.url}/api/v1/credentials/{body['id']}/transcript.pdf", auth=world.registrar.auth, timeout=60)
    assert pdf.status_code == 200
    assert pdf.headers["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    text, images = pdf_text_and_images(pdf.content)
    assert body["verification_url"] in text
    assert "HCIA-AI" in text
    assert images == 1  # the QR code
    assert requests.get(f"{world.live_server.url}/api/v1/credentials/{body['id']}/transcript.pdf", timeout=30).status_code == 401


def test_the_registrars_transcript_pdf_carries_the_qr_code_of_its_current_credential(world: World) -> None:
    url = f"{world.live_server.url}/api/v1/learners/{world.learner_id}/transcript"

    def registrar_pdf() -> tuple[str, int]:
        response = requests.get(url, params={"format": "pdf"}, auth=world.registrar.auth, timeout=60)
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        return pdf_text_and_images(response.content)

    before_text, before_images = registrar_pdf()
    body = issued(world)
    after_text, after_images = registrar_pdf()
    revoked = requests.post(f"{world.live_server.url}/api/v1/credentials/{body['id']}/revoke",
                            json={"reason": "issued in error"}, auth=world.registrar.auth, timeout=60)
    assert revoked.status_code == 200, revoked.text
    revoked_text, revoked_images = registrar_pdf()

    assert (before_images, after_images, revoked_images) == (0, 1, 0)
    assert body["verification_url"] not in before_text
    assert body["verification_url"] in after_text
    assert body["verification_url"] not in revoked_text  # a revoked credential vouches for nothing
