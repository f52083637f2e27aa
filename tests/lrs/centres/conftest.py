"""Fixtures for the centres tests: role credentials, a fresh rate-limit window, and an API helper."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from flask import Flask
from redis import Redis

from tests.conftest import Credential, LiveServer, make_credential

VERSION = {"X-Experience-API-Version": "1.0.3"}


@pytest.fixture(autouse=True)
def fresh_rate_limits(redis_url: str) -> Iterator[None]:
    """Every test starts with unused rate-limit allowances (all tests come from 127.0.0.1)."""
    reset_rate_limits(redis_url)
    yield


def reset_rate_limits(redis_url: str) -> None:
    connection = Redis.from_url(redis_url)
    for key in connection.scan_iter("elimu:rate:*"):
        connection.delete(key)
    connection.close()


@pytest.fixture
def admin(app: Flask) -> Credential:
    return make_credential(app, "ministry admin", scopes=["all"], role="admin")


@pytest.fixture
def registrar(app: Flask) -> Credential:
    return make_credential(app, "registrar", scopes=["all/read"], role="registrar")


@dataclass(frozen=True)
class Api:
    """requests against the live server's /api/v1, with an optional credential."""

    base: str

    def call(self, method: str, path: str, auth: Credential | None = None, **kwargs: Any) -> requests.Response:
        return requests.request(method, f"{self.base}/api/v1{path}", auth=auth.auth if auth else None, timeout=30, **kwargs)

    def post(self, path: str, auth: Credential | None = None, **kwargs: Any) -> requests.Response:
        return self.call("POST", path, auth, **kwargs)

    def get(self, path: str, auth: Credential | None = None, **kwargs: Any) -> requests.Response:
        return self.call("GET", path, auth, **kwargs)

    def apply(self, **overrides: Any) -> requests.Response:
        return self.post("/centres/applications", json=application(**overrides))

    def approved_centre(self, admin: Credential, **overrides: Any) -> tuple[int, Credential]:
        """Apply and approve; the centre's id and its first credential."""
        response = self.apply(**overrides)
        assert response.status_code == 201, response.text
        centre_id = response.json()["id"]
        approval = self.post(f"/centres/{centre_id}/approve", admin, json={"reason": "accredited by the ministry"})
        assert approval.status_code == 200, approval.text
        credential = approval.json()["credential"]
        return centre_id, Credential(credential["key"], credential["secret"])


@pytest.fixture
def api(live_server: LiveServer) -> Api:
    return Api(live_server.url)


def application(**overrides: Any) -> dict[str, Any]:
    """A valid application (Huawei's Kenyan academy unless overridden)."""
    body = {
        "name": "Huawei ICT Academy Kenya",
        "kind": "vendor_academy",
        "country": "KE",
        "accreditation_ref": "MoICT/PARTNER/2024/017",
        "contact_email": "academy@huawei.example.co.ke",
        "home_pages": ["https://talent.huawei.example.com"],
        "activity_prefixes": ["https://talent.huawei.example.com/course/"],
    }
    body.update(overrides)
    return body


KSG = {
    "name": "Kenya School of Government",
    "kind": "school_of_government",
    "accreditation_ref": "KSG/ACT/2012",
    "contact_email": "elearning@ksg.example.ac.ke",
    "home_pages": ["https://elearning.ksg.example.ac.ke"],
    "activity_prefixes": ["https://elearning.ksg.example.ac.ke/"],
}
