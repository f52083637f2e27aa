"""Connectors over the REST API: who may create and run them, what is refused, and that the token stays secret."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask
from sqlalchemy import select

from connectors.core.models import Connector
from connectors.core.secrets import unseal
from lrs.db import session_scope
from tests.conftest import Credential, LiveServer
from tests.connectors.fake_moodle import FakeMoodle, running_moodle
from tests.connectors.helpers import Academy, admin, another_server, api, approved_centre, registrar, run_worker


@pytest.fixture
def moodle() -> Iterator[FakeMoodle]:
    with running_moodle() as site:
        yield site


@pytest.fixture
def academy(app: Flask, moodle: FakeMoodle) -> Academy:
    return approved_centre(app, "ksg-elearning", moodle.url)


def create(live_server: LiveServer, academy: Academy, credential: Credential, **body: object) -> tuple[int, dict]:
    response = api(live_server, "POST", f"/centres/{academy.id}/connectors", credential, json={"type": "moodle", **body})
    return response.status_code, response.json()


def test_the_token_is_kept_encrypted_and_never_returned(
    app: Flask, live_server: LiveServer, academy: Academy, moodle: FakeMoodle,
) -> None:
    status, body = create(live_server, academy, academy.credential, base_url=moodle.url + "/", token=moodle.token)

    assert status == 201, body
    assert body["base_url"] == moodle.url and body["identifier_scheme"] == "ke-upn" and body["schedule"] is None
    listed = api(live_server, "GET", f"/centres/{academy.id}/connectors", academy.credential).text
    openapi = requests.get(f"{live_server.url}/api/openapi.json", timeout=30).text
    assert moodle.token not in listed + str(body) and "token" not in body
    assert '"token"' in openapi  # documented as an input
    with app.app_context(), session_scope(app) as session:
        connector = session.scalars(select(Connector)).one()
        assert moodle.token.encode() not in connector.secret
        assert unseal(app.extensions["elimu.settings"], connector.secret) == {"token": moodle.token}


@pytest.mark.parametrize(("body", "field"), [
    ({"base_url": "ftp://moodle.example", "token": "x"}, "must be an absolute http:// or https:// URL"),
    ({"base_url": "https://moodle.example?x=1", "token": "x"}, "must not carry a user, password, query or fragment"),
    ({"base_url": "https://elsewhere.example", "token": "x"}, "does not claim https://elsewhere.example as a home page"),
    ({"base_url": "SITE", "token": "has spaces in it"}, "token: a web-services token is 1 to 256 printable characters"),
    ({"base_url": "SITE", "token": "x", "schedule": "every tuesday"}, "schedule: use hourly, daily, weekly or an ISO 8601 duration"),
    ({"base_url": "SITE", "token": "x", "schedule": "PT10S"}, "schedule: runs must be at least 60 seconds apart"),
    ({"base_url": "SITE", "token": "x", "identifier_scheme": "passport"}, "identifier_scheme"),
    ({"type": "blackboard", "base_url": "SITE", "token": "x"}, "type"),
])
def test_bad_connectors_are_refused_saying_why(
    live_server: LiveServer, academy: Academy, moodle: FakeMoodle, body: dict, field: str,
) -> None:
    body = {key: (moodle.url if value == "SITE" else value) for key, value in body.items()}
    status, answer = create(live_server, academy, academy.credential, **body)
    assert status == 400, answer
    assert field in str(answer["error"])


def test_only_the_centre_and_administrators_manage_its_connectors(
    app: Flask, live_server: LiveServer, academy: Academy, moodle: FakeMoodle,
) -> None:
    other = approved_centre(app, "another-lms", "https://lms.other.example")
    assert create(live_server, academy, other.credential, base_url=moodle.url, token="x")[0] == 403
    assert create(live_server, academy, registrar(app), base_url=moodle.url, token="x")[0] == 403
    assert create(live_server, academy, None, base_url=moodle.url, token="x")[0] == 401  # type: ignore[arg-type]
    _, body = create(live_server, academy, admin(app), base_url=moodle.url, token=moodle.token)
    assert api(live_server, "GET", f"/connectors/{body['id']}", other.credential).status_code == 403
    assert api(live_server, "POST", f"/connectors/{body['id']}/runs", other.credential).status_code == 403
    assert api(live_server, "GET", "/connectors/999999", academy.credential).status_code == 404


def test_a_second_run_waits_for_the_first(live_server: LiveServer, environment: dict[str, str], academy: Academy, moodle: FakeMoodle) -> None:
    _, body = create(live_server, academy, academy.credential, base_url=moodle.url, token=moodle.token)
    first = api(live_server, "POST", f"/connectors/{body['id']}/runs", academy.credential)
    second = api(live_server, "POST", f"/connectors/{body['id']}/runs", academy.credential)
    assert first.status_code == 202 and second.status_code == 409
    assert f"run {first.json()['id']} of connector {body['id']} is queued" in second.json()["error"]["message"]
    run_worker(environment)
    assert api(live_server, "POST", f"/connectors/{body['id']}/runs", academy.credential).status_code == 202


def test_a_connector_can_be_given_a_new_token_a_schedule_or_be_disabled(
    live_server: LiveServer, environment: dict[str, str], academy: Academy, moodle: FakeMoodle,
) -> None:
    _, body = create(live_server, academy, academy.credential, base_url=moodle.url, token="wrong-token")
    path = f"/connectors/{body['id']}"

    scheduled = api(live_server, "PATCH", path, academy.credential, json={"token": moodle.token, "schedule": "PT6H"}).json()
    assert scheduled["schedule"] == "PT6H" and scheduled["next_run_at"]
    assert api(live_server, "PATCH", path, academy.credential, json={"schedule": None}).json()["schedule"] is None
    assert api(live_server, "POST", f"{path}/runs", academy.credential).status_code == 202
    run_worker(environment)
    assert api(live_server, "GET", f"{path}/runs", academy.credential).json()["items"][0]["status"] == "succeeded"

    assert api(live_server, "PATCH", path, academy.credential, json={"enabled": False}).json()["enabled"] is False
    refused = api(live_server, "POST", f"{path}/runs", academy.credential)
    assert refused.status_code == 409 and "disabled" in refused.json()["error"]["message"]


def test_loopback_addresses_are_refused_where_private_addresses_are_not_allowed(
    app: Flask, environment: dict[str, str], data_dir: Path, academy: Academy, moodle: FakeMoodle,
) -> None:
    with another_server(environment, data_dir / "strict-server.log", ELIMU_CONNECTOR_ALLOW_PRIVATE="0") as strict:
        status, answer = create(strict, academy, academy.credential, base_url=moodle.url, token=moodle.token)
    assert status == 400
    assert answer["error"]["code"] == "address_refused"
    assert "resolves to 127.0.0.1, a loopback, private or reserved address" in answer["error"]["message"]
