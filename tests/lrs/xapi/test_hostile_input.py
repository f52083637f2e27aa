"""Bad input at the xAPI edge: every case is a 4xx with a JSON error body, and nothing is stored."""

from __future__ import annotations

import hashlib
import json

import pytest
import requests
from flask import Flask

from tests.conftest import Credential, LiveServer, make_credential

V1 = {"X-Experience-API-Version": "1.0.3"}
GOOD = {
    "actor": {"mbox": "mailto:officer1@example.go.ke"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
    "object": {"id": "https://lms.example.go.ke/course/ICT101"},
}


def post_raw(server: LiveServer, credential: Credential, body: bytes, content_type: str = "application/json") -> requests.Response:
    return requests.post(
        f"{server.xapi}/statements", data=body, auth=credential.auth, headers={**V1, "Content-Type": content_type}
    )


def stored_count(server: LiveServer, credential: Credential) -> int:
    response = requests.get(f"{server.xapi}/statements", auth=credential.auth, headers=V1)
    return len(response.json()["statements"])


def assert_json_error(response: requests.Response, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] and error["message"]
    return error["message"]


@pytest.mark.parametrize(
    ("body", "names"),
    [
        (b'{"actor": ', "JSON"),
        (b"\xff\xfe\x00garbage", "JSON"),
        (json.dumps({**GOOD, "verb": {"id": 42}}).encode(), "verb.id"),
        (json.dumps({**GOOD, "actor": {"mbox": "officer@example.go.ke"}}).encode(), "actor.mbox"),
        (json.dumps({**GOOD, "Verb": GOOD["verb"]}).encode(), "Verb"),
        (json.dumps({**GOOD, "result": {"score": {"scaled": 7}}}).encode(), "result.score.scaled"),
        (json.dumps({**GOOD, "timestamp": "yesterday"}).encode(), "timestamp"),
        (json.dumps([GOOD, {**GOOD, "id": "not-a-uuid"}]).encode(), "id"),
        (json.dumps("just a string").encode(), ""),
        (b"[" * 5000 + b"]" * 5000, ""),
    ],
    ids=["truncated", "invalid-utf8", "wrong-type", "bad-mbox", "wrong-case", "out-of-range", "bad-timestamp",
         "bad-batch-member", "not-an-object", "deep-nesting"],
)
def test_malformed_statements_are_refused_with_a_named_reason(
    live_server: LiveServer, credential: Credential, body: bytes, names: str
) -> None:
    message = assert_json_error(post_raw(live_server, credential, body), 400)
    assert names in message
    assert stored_count(live_server, credential) == 0


def test_deep_nesting_inside_extensions_is_refused(live_server: LiveServer, credential: Credential) -> None:
    nested = '{"x":' * 2000 + '"bottom"' + "}" * 2000
    body = json.dumps({**GOOD, "result": {"extensions": {"https://example.go.ke/x": "HOLE"}}}).replace('"HOLE"', nested)
    assert_json_error(post_raw(live_server, credential, body.encode()), 400)
    assert stored_count(live_server, credential) == 0


def test_oversized_body_is_413(live_server: LiveServer, credential: Credential) -> None:
    statement = {**GOOD, "result": {"response": "x" * (3 * 1024 * 1024)}}
    response = post_raw(live_server, credential, json.dumps(statement).encode())
    assert_json_error(response, 413)
    assert stored_count(live_server, credential) == 0


def test_a_batch_with_one_bad_statement_stores_nothing(live_server: LiveServer, credential: Credential) -> None:
    batch = [GOOD, GOOD, {**GOOD, "object": {"id": "no scheme"}}]
    assert_json_error(post_raw(live_server, credential, json.dumps(batch).encode()), 400)
    assert stored_count(live_server, credential) == 0


def test_wrong_content_type_is_refused(live_server: LiveServer, credential: Credential) -> None:
    assert_json_error(post_raw(live_server, credential, json.dumps(GOOD).encode(), "text/plain"), 400)


def multipart(parts: list[tuple[dict[str, str], bytes]], boundary: str = "elimu-test-boundary") -> bytes:
    chunks = []
    for headers, body in parts:
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        chunks.append(f"--{boundary}\r\n{head}\r\n".encode() + body + b"\r\n")
    return b"".join(chunks) + f"--{boundary}--\r\n".encode()


def attachment_statement(data: bytes) -> dict:
    return {
        **GOOD,
        "attachments": [{
            "usageType": "https://example.go.ke/attachments/certificate",
            "display": {"en": "certificate"},
            "contentType": "text/plain",
            "length": len(data),
            "sha2": hashlib.sha256(data).hexdigest(),
        }],
    }


def test_attachment_round_trip_and_bad_multipart(live_server: LiveServer, credential: Credential) -> None:
    data = b"HCIA-AI certificate 12345"
    statement = attachment_statement(data)
    sha2 = statement["attachments"][0]["sha2"]
    json_part = ({"Content-Type": "application/json"}, json.dumps(statement).encode())
    good_part = ({"Content-Type": "text/plain", "Content-Transfer-Encoding": "binary", "X-Experience-API-Hash": sha2}, data)
    wrong_hash = ({**good_part[0], "X-Experience-API-Hash": "0" * 64}, data)
    content_type = "multipart/mixed; boundary=elimu-test-boundary"

    missing_part = post_raw(live_server, credential, multipart([json_part]), content_type)
    bad_hash = post_raw(live_server, credential, multipart([json_part, wrong_hash]), content_type)
    no_boundary = post_raw(live_server, credential, multipart([json_part, good_part]), "multipart/mixed")
    assert_json_error(missing_part, 400)
    assert_json_error(bad_hash, 400)
    assert_json_error(no_boundary, 400)
    assert stored_count(live_server, credential) == 0

    stored = post_raw(live_server, credential, multipart([json_part, good_part]), content_type)
    assert stored.status_code == 200, stored.text
    fetched = requests.get(
        f"{live_server.xapi}/statements", params={"statementId": stored.json()[0], "attachments": "true"},
        auth=credential.auth, headers=V1,
    )
    assert fetched.headers["Content-Type"].startswith("multipart/mixed")
    assert data in fetched.content and sha2.encode() in fetched.content


@pytest.mark.parametrize(
    "params",
    [
        {"agent": "{not json"},
        {"agent": json.dumps({"name": "no identifier"})},
        {"since": "last tuesday"},
        {"limit": "-1"},
        {"ascending": "yes"},
        {"more": "forged.cursor"},
        {"statementId": "123"},
        {"statementId": "0b4b4bde-5c83-4a4e-9c5a-24b8a1d4e8a0", "verb": "http://adlnet.gov/expapi/verbs/completed"},
        {"unknown": "1"},
    ],
)
def test_malformed_queries_are_refused(live_server: LiveServer, credential: Credential, params: dict[str, str]) -> None:
    response = requests.get(f"{live_server.xapi}/statements", params=params, auth=credential.auth, headers=V1)
    assert_json_error(response, 400)
    assert response.headers["X-Experience-API-Consistent-Through"]


@pytest.mark.parametrize(
    "authorization",
    ["Bearer abc", "Basic !!!notbase64", "Basic " + "bm9jb2xvbg==", "Basic " + "a2V5OnNlY3JldA=="],
    ids=["wrong-scheme", "not-base64", "no-colon", "unknown-key"],
)
def test_bad_credentials_are_401(live_server: LiveServer, authorization: str) -> None:
    response = requests.get(f"{live_server.xapi}/statements", headers={**V1, "Authorization": authorization})
    assert_json_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_read_only_credential_cannot_write(live_server: LiveServer, app: Flask) -> None:
    reader = make_credential(app, "reader", scopes=["statements/read"])
    response = requests.post(f"{live_server.xapi}/statements", json=GOOD, auth=reader.auth, headers=V1)
    assert_json_error(response, 403)
