"""Decisions (which transitions are allowed), credentials (issue, list, rotate, revoke) and the audit log."""

from __future__ import annotations

import pytest
from flask import Flask
from tincan import RemoteLRS

from lrs.centres.models import AppendOnlyError, AuditEntry
from lrs.db import session_scope
from tests.conftest import Credential, LiveServer
from tests.lrs.centres.conftest import Api
from tests.lrs.centres.test_end_to_end import completion

ACTIONS = ["approve", "reject", "suspend", "reinstate", "revoke"]
# From each status, the one decision that leads there from pending, and what each action then does.
ROUTES = {"pending": [], "approved": ["approve"], "rejected": ["reject"], "suspended": ["approve", "suspend"], "revoked": ["approve", "revoke"]}
ALLOWED = {
    "pending": {"approve": "approved", "reject": "rejected"},
    "approved": {"suspend": "suspended", "revoke": "revoked"},
    "suspended": {"reinstate": "approved", "revoke": "revoked"},
    "rejected": {},
    "revoked": {},
}


@pytest.mark.parametrize("status", list(ROUTES))
def test_each_status_allows_exactly_its_transitions(api: Api, admin: Credential, status: str) -> None:
    for action in ACTIONS:
        centre_id = api.apply(name=f"Academy {status} {action}", activity_prefixes=[f"https://{status}-{action}.example.ke/"], home_pages=[]).json()["id"]
        for step in ROUTES[status]:
            assert api.post(f"/centres/{centre_id}/{step}", admin, json={"reason": "setting up"}).status_code == 200
        response = api.post(f"/centres/{centre_id}/{action}", admin, json={"reason": "the decision"})
        if action in ALLOWED[status]:
            assert response.status_code == 200, (status, action, response.text)
            assert response.json()["status"] == ALLOWED[status][action]
        else:
            assert response.status_code == 409, (status, action, response.text)
            assert response.json()["error"]["code"] == "conflict"
            assert f"is {status}" in response.json()["error"]["message"]
        assert api.get(f"/centres/{centre_id}", admin).json()["status"] == ALLOWED[status].get(action, status)


@pytest.mark.parametrize("action", ACTIONS)
def test_decision_on_unknown_centre_is_404(api: Api, admin: Credential, action: str) -> None:
    response = api.post(f"/centres/999999/{action}", admin, json={"reason": "whatever"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "  "}, {"reason": None}, {"reason": "x" * 2001}, {"reason": 5}, {"reason": "fine", "extra": 1}])
def test_decision_needs_a_reason(api: Api, admin: Credential, body: dict) -> None:
    centre_id = api.apply().json()["id"]
    response = api.post(f"/centres/{centre_id}/approve", admin, json=body)
    assert response.status_code == 400, response.text
    assert api.get(f"/centres/{centre_id}", admin).json()["status"] == "pending"


def test_get_unknown_centre_is_404_and_ids_must_be_numbers(api: Api, admin: Credential) -> None:
    assert api.get("/centres/424242", admin).status_code == 404
    assert api.get("/centres/abc", admin).status_code == 404


def test_listing_filters_and_validates(api: Api, admin: Credential) -> None:
    first = api.apply().json()["id"]
    api.apply(name="Rwanda Coding Academy", kind="tvet_institution", country="RW", activity_prefixes=["https://rca.example.rw/"], home_pages=[])
    api.post(f"/centres/{first}/approve", admin, json={"reason": "accredited"})
    assert [c["name"] for c in api.get("/centres?status=approved", admin).json()["items"]] == ["Huawei ICT Academy Kenya"]
    assert [c["name"] for c in api.get("/centres?country=rw", admin).json()["items"]] == ["Rwanda Coding Academy"]
    assert [c["name"] for c in api.get("/centres?kind=tvet_institution", admin).json()["items"]] == ["Rwanda Coding Academy"]
    assert [c["name"] for c in api.get("/centres?q=huawei", admin).json()["items"]] == ["Huawei ICT Academy Kenya"]
    page = api.get("/centres?limit=1&offset=1", admin).json()
    assert page["total"] == 2 and len(page["items"]) == 1
    for bad in ("status=approvedish", "country=XX", "kind=bank", "limit=0", "limit=501", "offset=-1", "limit=ten", "bogus=1"):
        response = api.get(f"/centres?{bad}", admin)
        assert response.status_code == 400, bad


def test_approval_credential_carries_centre_scopes(api: Api, admin: Credential) -> None:
    centre_id = api.apply().json()["id"]
    credential = api.post(f"/centres/{centre_id}/approve", admin, json={"reason": "accredited"}).json()["credential"]
    assert credential["role"] == "centre"
    assert set(credential["scopes"]) == {"statements/write", "statements/read/mine", "state", "profile"}
    assert len(credential["secret"]) >= 40


def test_further_credentials_rotation_and_revocation(api: Api, admin: Credential, live_server: LiveServer) -> None:
    centre_id, first = api.approved_centre(admin)
    issued = api.post(f"/centres/{centre_id}/credentials", admin, json={"name": "Moodle staging"})
    assert issued.status_code == 201, issued.text
    second = Credential(issued.json()["key"], issued.json()["secret"])
    assert issued.json()["name"] == "Moodle staging"

    listing = api.get(f"/centres/{centre_id}/credentials", admin).json()["items"]
    assert [(c["key"], c["is_active"]) for c in listing] == [(first.key, True), (second.key, True)]
    assert all("secret" not in c and "secret_hash" not in c for c in listing)

    both = [RemoteLRS(endpoint=f"{live_server.xapi}/", username=c.key, password=c.secret) for c in (first, second)]
    assert all(lrs.save_statement(completion("https://talent.huawei.example.com/course/a")).success for lrs in both)

    rotated = api.post(f"/centres/{centre_id}/credentials/{second.key}/rotate", admin, json={"reason": "secret pasted in a ticket"})
    assert rotated.status_code == 201, rotated.text
    third = Credential(rotated.json()["key"], rotated.json()["secret"])
    assert third.key != second.key and rotated.json()["name"] == "Moodle staging"
    assert api.get(f"/centres/{centre_id}", second).status_code == 401
    assert api.get(f"/centres/{centre_id}", third).status_code == 200

    revoked = api.post(f"/centres/{centre_id}/credentials/{first.key}/revoke", admin, json={"reason": "old LMS retired"})
    assert revoked.status_code == 200 and revoked.json()["is_active"] is False and revoked.json()["revoked_at"]
    assert api.get(f"/centres/{centre_id}", first).status_code == 401
    again = api.post(f"/centres/{centre_id}/credentials/{first.key}/revoke", admin, json={"reason": "twice"})
    assert again.status_code == 409

    actions = [(i["action"], i["credential_key"]) for i in api.get(f"/audit?centre={centre_id}", admin).json()["items"]]
    assert actions[-3:] == [("issue_credential", second.key), ("rotate_credential", third.key), ("revoke_credential", first.key)]


def test_credential_operations_check_centre_and_key(api: Api, admin: Credential) -> None:
    huawei_id, huawei = api.approved_centre(admin)
    other_id = api.apply(name="Other Academy", activity_prefixes=["https://other.example.ke/"], home_pages=[]).json()["id"]
    # Another centre's key, an unknown key, an unknown centre.
    assert api.post(f"/centres/{other_id}/credentials/{huawei.key}/revoke", admin, json={"reason": "wrong centre"}).status_code == 404
    assert api.post(f"/centres/{huawei_id}/credentials/nope/rotate", admin, json={"reason": "unknown"}).status_code == 404
    assert api.post("/centres/999/credentials", admin, json={}).status_code == 404
    # Credentials go only to approved centres.
    response = api.post(f"/centres/{other_id}/credentials", admin, json={})
    assert response.status_code == 409 and "pending" in response.json()["error"]["message"]
    for body in ({"name": ""}, {"name": "x" * 201}, {"name": 3}, {"scopes": ["all"]}):
        assert api.post(f"/centres/{huawei_id}/credentials", admin, json=body).status_code == 400, body


def test_audit_log_pages_oldest_first_and_filters(api: Api, admin: Credential, registrar: Credential) -> None:
    a, _ = api.approved_centre(admin)
    b = api.apply(name="Other Academy", activity_prefixes=["https://other.example.ke/"], home_pages=[]).json()["id"]
    everything = api.get("/audit", registrar).json()
    assert [(i["centre"], i["action"]) for i in everything["items"]] == [(a, "apply"), (a, "approve"), (a, "issue_credential"), (b, "apply")]
    assert everything["next_cursor"] is None
    first = api.get("/audit?limit=2", registrar).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = api.get(f"/audit?limit=2&after={first['next_cursor']}", registrar).json()
    assert [i["id"] for i in first["items"] + rest["items"]] == [i["id"] for i in everything["items"]]
    assert [i["action"] for i in api.get(f"/audit?centre={b}", admin).json()["items"]] == ["apply"]
    for bad in ("centre=0", "centre=x", "limit=0", "limit=1001", "after=-1"):
        assert api.get(f"/audit?{bad}", admin).status_code == 400, bad


def test_audit_entries_cannot_be_changed_or_deleted(app: Flask, api: Api) -> None:
    api.apply()
    with app.app_context(), pytest.raises(AppendOnlyError), session_scope(app) as session:
        entry = session.query(AuditEntry).one()
        entry.reason = "rewritten history"
    with app.app_context(), pytest.raises(AppendOnlyError), session_scope(app) as session:
        session.delete(session.query(AuditEntry).one())
    with app.app_context(), session_scope(app) as session:
        assert session.query(AuditEntry).one().reason is None


def test_openapi_documents_the_centres_api(live_server: LiveServer) -> None:
    import requests

    spec = requests.get(f"{live_server.url}/api/openapi.json", timeout=10).json()
    paths = spec["paths"]
    for path in ("/api/v1/centres/applications", "/api/v1/centres/{centre_id}/approve", "/api/v1/audit"):
        assert path in paths
    approve = paths["/api/v1/centres/{centre_id}/approve"]["post"]
    assert approve["summary"].startswith("Approve a pending centre")
    assert {"200", "401", "403", "409"} <= set(approve["responses"]) or {"200", "409"} <= set(approve["responses"])


@pytest.mark.parametrize(
    "path",
    ["/centres/99999999999999999999", "/centres/2147483648/credentials", "/audit?centre=99999999999999999999",
     "/audit?after=99999999999999999999", "/centres?offset=99999999999999999999"],
)
def test_huge_numbers_are_4xx_not_500(api: Api, admin: Credential, path: str) -> None:
    response = api.get(path, admin)
    assert response.status_code in (400, 404), response.text


def test_huge_centre_id_in_a_decision_is_404(api: Api, admin: Credential) -> None:
    assert api.post("/centres/99999999999999999999/approve", admin, json={"reason": "x"}).status_code == 404
