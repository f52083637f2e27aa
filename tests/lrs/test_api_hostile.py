"""Hostile input at the REST edge, across packages: answers are 4xx JSON errors, never a 500."""

from __future__ import annotations

import json

import pytest
import requests
from flask import Flask

from tests.conftest import LiveServer, make_credential

DEEP = b'{"a":' * 3000 + b"1" + b"}" * 3000


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/centres/999999999999999999999", None),
        ("GET", "/learners/99999999999999999999999/transcript", None),
        ("POST", "/centres/applications", DEEP),
        ("POST", "/learners", DEEP),
        ("POST", "/courses", json.dumps({"code": "X1", "title": "x", "centre": 10**30, "achievement_type": "Course",
                                         "track": "AI", "framework": "KNQF", "level": 5, "hours": 10}).encode()),
        ("POST", "/learners", json.dumps({"name": "x" * 100_000, "institution": "Ministry of ICT",
                                          "identifiers": [{"scheme": "ke-upn", "value": "1"}]}).encode()),
        ("POST", "/programmes", b"\xff\xfe\x00"),
    ],
    ids=["huge-path-id", "huge-learner-id", "deep-application", "deep-learner", "huge-centre-id", "huge-name", "not-utf8"],
)
def test_hostile_requests_get_a_json_4xx(
    app: Flask, live_server: LiveServer, method: str, path: str, body: bytes | None
) -> None:
    admin = make_credential(app, "ministry", role="admin")
    response = requests.request(method, f"{live_server.url}/api/v1{path}", data=body, auth=admin.auth,
                                headers={"Content-Type": "application/json"}, timeout=30)
    assert 400 <= response.status_code < 500, response.text
    assert response.json()["error"]["message"]
