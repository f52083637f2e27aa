"""Every centres endpoint answers 401 without (or with wrong) credentials and 403 to the wrong role, in JSON."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask

from tests.conftest import Credential, make_credential
from tests.lrs.centres.conftest import KSG, Api


@dataclass(frozen=True)
class World:
    huawei_id: int
    huawei: Credential
    ksg_id: int
    ksg: Credential
    admin: Credential
    registrar: Credential
    plain: Credential  # an LMS credential of no centre and no role


@pytest.fixture
def world(api: Api, app: Flask, admin: Credential, registrar: Credential) -> World:
    huawei_id, huawei = api.approved_centre(admin)
    ksg_id, ksg = api.approved_centre(admin, **KSG)
    plain = make_credential(app, "plain lms", scopes=["all"])
    return World(huawei_id, huawei, ksg_id, ksg, admin, registrar, plain)


# (method, path template, body, roles that may call it); {c} is Huawei's id, {k} its credential's key.
ENDPOINTS = [
    ("GET", "/centres", None, {"admin", "registrar"}),
    ("GET", "/centres/{c}", None, {"admin", "registrar", "own"}),
    ("POST", "/centres/{c}/approve", {"reason": "looks right"}, {"admin"}),
    ("POST", "/centres/{c}/reject", {"reason": "looks wrong"}, {"admin"}),
    ("POST", "/centres/{c}/suspend", {"reason": "inspection"}, {"admin"}),
    ("POST", "/centres/{c}/reinstate", {"reason": "inspection done"}, {"admin"}),
    ("POST", "/centres/{c}/revoke", {"reason": "fraud"}, {"admin"}),
    ("GET", "/centres/{c}/credentials", None, {"admin", "registrar", "own"}),
    ("POST", "/centres/{c}/credentials", {"name": "Moodle"}, {"admin"}),
    ("POST", "/centres/{c}/credentials/{k}/revoke", {"reason": "leaked"}, {"admin"}),
    ("POST", "/centres/{c}/credentials/{k}/rotate", {"reason": "leaked"}, {"admin"}),
    ("GET", "/audit?centre={c}", None, {"admin", "registrar", "own"}),
    ("GET", "/audit", None, {"admin", "registrar"}),
]
IDS = [f"{method} {path}" for method, path, _, _ in ENDPOINTS]


def _path(template: str, world: World) -> str:
    return template.format(c=world.huawei_id, k=world.huawei.key)


@pytest.mark.parametrize(("method", "path", "body", "roles"), ENDPOINTS, ids=IDS)
def test_endpoint_refuses_missing_and_wrong_credentials(
    api: Api, world: World, method: str, path: str, body: dict | None, roles: set[str]
) -> None:
    for auth in (None, Credential(world.admin.key, "wrong-secret"), Credential("no-such-key", "x")):
        response = api.call(method, _path(path, world), auth, json=body)
        assert response.status_code == 401, response.text
        assert response.json()["error"]["code"] == "unauthorised"
        assert response.headers["WWW-Authenticate"].startswith("Basic")


def test_malformed_authorization_header_is_401(api: Api, world: World) -> None:
    for header in ("Basic !!!", "Bearer abc", "Basic " + "a2V5"):  # bad base64, wrong scheme, no colon
        response = api.get("/centres", headers={"Authorization": header})
        assert response.status_code == 401, header


def test_revoked_credential_is_401(api: Api, world: World) -> None:
    revoked = api.post(f"/centres/{world.ksg_id}/credentials/{world.ksg.key}/revoke", world.admin, json={"reason": "LMS retired"})
    assert revoked.status_code == 200, revoked.text
    response = api.get(f"/centres/{world.ksg_id}", world.ksg)
    assert response.status_code == 401
    assert "revoked" in response.json()["error"]["message"]


@pytest.mark.parametrize(("method", "path", "body", "roles"), ENDPOINTS, ids=IDS)
def test_endpoint_refuses_wrong_roles(
    api: Api, world: World, method: str, path: str, body: dict | None, roles: set[str]
) -> None:
    callers = {
        "registrar": world.registrar,
        "own": world.huawei,  # Huawei's own credential, on Huawei's centre
        "other centre": world.ksg,
        "plain": world.plain,
    }
    for name, credential in callers.items():
        if name in roles:
            continue
        response = api.call(method, _path(path, world), credential, json=body)
        assert response.status_code == 403, f"{name}: {response.status_code} {response.text}"
        assert response.json()["error"]["code"] == "forbidden"


READS = [endpoint for endpoint in ENDPOINTS if endpoint[0] == "GET"]


@pytest.mark.parametrize(("method", "path", "body", "roles"), READS, ids=[f"{m} {p}" for m, p, _, _ in READS])
def test_readers_may_read(api: Api, world: World, method: str, path: str, body: None, roles: set[str]) -> None:
    callers = {"admin": world.admin, "registrar": world.registrar, "own": world.huawei}
    for name in roles:
        response = api.call(method, _path(path, world), callers[name])
        assert response.status_code == 200, f"{name}: {response.text}"


def test_centre_reads_its_own_centre_whatever_its_status(api: Api, world: World) -> None:
    api.post(f"/centres/{world.huawei_id}/suspend", world.admin, json={"reason": "inspection"})
    response = api.get(f"/centres/{world.huawei_id}", world.huawei)
    assert response.status_code == 200
    assert response.json()["status"] == "suspended"
    assert response.json()["status_reason"] == "inspection"


def test_a_centre_must_name_itself_to_read_the_audit_log(api: Api, world: World) -> None:
    response = api.get("/audit", world.huawei)
    assert response.status_code == 403
    assert "centre=" in response.json()["error"]["message"]


def test_credentials_are_checked_before_the_body(api: Api, world: World) -> None:
    response = api.post(f"/centres/{world.huawei_id}/suspend", None, data="not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 401


def test_applications_need_no_credentials_and_ignore_bad_ones(api: Api) -> None:
    assert api.apply().status_code == 201
    response = api.post("/centres/applications", Credential("bogus", "bogus"), json={"name": "x"})
    assert response.status_code == 400  # validated, not authenticated: the form is public
