"""Protocol corners through a real server: alternate request syntax, HEAD, CORS, signed statements, formats."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
import requests
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tests.conftest import Credential, LiveServer
from tests.lrs.xapi.test_hostile_input import GOOD, multipart

V1 = {"X-Experience-API-Version": "1.0.3"}


def test_alternate_request_syntax_is_unwrapped_in_1_0_3_and_refused_in_2_0(
    live_server: LiveServer, credential: Credential
) -> None:
    token = base64.b64encode(f"{credential.key}:{credential.secret}".encode()).decode()
    form = {
        "Authorization": f"Basic {token}",
        "X-Experience-API-Version": "1.0.3",
        "Content-Type": "application/json",
        "statementId": "3f0c9c2e-0d71-4a51-9f0e-8b8f3f0e1a11",
        "content": json.dumps(GOOD),
    }
    put = requests.post(f"{live_server.xapi}/statements", params={"method": "PUT"}, data=form)
    assert put.status_code == 204, put.text

    fetched = requests.get(f"{live_server.xapi}/statements", params={"statementId": form["statementId"]},
                           auth=credential.auth, headers=V1)
    assert fetched.json()["verb"] == GOOD["verb"]

    # 2.0 dropped the syntax: the form is not unwrapped, so `method` is an unknown parameter.
    refused = requests.post(f"{live_server.xapi}/statements", params={"method": "PUT"}, auth=credential.auth,
                            data={**form, "X-Experience-API-Version": "2.0.0"}, headers={"X-Experience-API-Version": "2.0.0"})
    assert refused.status_code == 400
    assert "method" in refused.json()["error"]["message"]
    extra = requests.post(f"{live_server.xapi}/statements", params={"method": "PUT", "statementId": "x"}, data=form)
    assert extra.status_code == 400


def test_head_answers_like_get_without_a_body(live_server: LiveServer, credential: Credential) -> None:
    requests.post(f"{live_server.xapi}/statements", json=GOOD, auth=credential.auth, headers=V1).raise_for_status()
    get = requests.get(f"{live_server.xapi}/statements", auth=credential.auth, headers=V1)
    head = requests.head(f"{live_server.xapi}/statements", auth=credential.auth, headers=V1)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert "X-Experience-API-Consistent-Through" in head.headers


def test_cors_preflight_needs_no_credentials(live_server: LiveServer) -> None:
    response = requests.options(f"{live_server.xapi}/statements", headers={
        "Origin": "https://content.example.go.ke",
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "Authorization, X-Experience-API-Version, Content-Type",
    })
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "PUT" in response.headers["Access-Control-Allow-Methods"]
    assert "X-Experience-API-Version" in response.headers["Access-Control-Allow-Headers"]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed_request(statement: dict, key: rsa.RSAPrivateKey, payload: dict | None = None) -> tuple[bytes, str]:
    header = _b64url(json.dumps({"alg": "RS256"}).encode())
    body = _b64url(json.dumps(payload or statement).encode())
    signature = key.sign(f"{header}.{body}".encode(), padding.PKCS1v15(), hashes.SHA256())
    jws = f"{header}.{body}.{_b64url(signature)}".encode()
    signed = {**statement, "attachments": [{
        "usageType": "http://adlnet.gov/expapi/attachments/signature",
        "display": {"en": "signature"},
        "contentType": "application/octet-stream",
        "length": len(jws),
        "sha2": hashlib.sha256(jws).hexdigest(),
    }]}
    parts = [({"Content-Type": "application/json"}, json.dumps(signed).encode()),
             ({"Content-Type": "application/octet-stream", "Content-Transfer-Encoding": "binary",
               "X-Experience-API-Hash": signed["attachments"][0]["sha2"]}, jws)]
    return multipart(parts), "multipart/mixed; boundary=elimu-test-boundary"


@pytest.mark.parametrize("tampered", [False, True], ids=["matching", "tampered"])
def test_signed_statements_are_checked_against_their_payload(
    live_server: LiveServer, credential: Credential, tampered: bool
) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    statement = {**GOOD, "id": "6c2f1f5e-2b1e-4f7f-9a59-2a0e5c3d9b10"}
    payload = {**statement, "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}} if tampered else None
    body, content_type = signed_request(statement, key, payload)

    response = requests.post(f"{live_server.xapi}/statements", data=body, auth=credential.auth,
                             headers={**V1, "Content-Type": content_type})

    assert response.status_code == (400 if tampered else 200), response.text


def test_ids_and_canonical_formats(live_server: LiveServer, credential: Credential) -> None:
    statement = {
        **GOOD,
        "actor": {"objectType": "Agent", "name": "Officer One", "mbox": "mailto:officer1@example.go.ke"},
        "verb": {"id": GOOD["verb"]["id"], "display": {"en-US": "completed", "sw": "alikamilisha"}},
        "object": {"id": GOOD["object"]["id"], "definition": {"name": {"en-US": "ICT basics", "sw": "Misingi"}}},
    }
    statement_id = requests.post(f"{live_server.xapi}/statements", json=statement, auth=credential.auth,
                                 headers=V1).json()[0]

    def read(fmt: str) -> dict:
        return requests.get(f"{live_server.xapi}/statements", params={"statementId": statement_id, "format": fmt},
                            auth=credential.auth, headers={**V1, "Accept-Language": "sw"}).json()

    ids, canonical, exact = read("ids"), read("canonical"), read("exact")
    assert ids["actor"] == {"objectType": "Agent", "mbox": "mailto:officer1@example.go.ke"}
    assert ids["object"] == {"id": GOOD["object"]["id"]}
    assert canonical["verb"]["display"] == {"sw": "alikamilisha"}
    assert canonical["object"]["definition"]["name"] == {"sw": "Misingi"}
    assert exact["verb"]["display"] == statement["verb"]["display"]
