"""Programmes and institutions through a real ``elimu serve``: CRUD, validation, roles."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from flask import Flask

from tests.conftest import Credential, LiveServer, make_credential
from tests.reports.compliance.scenario import HEALTH, TREASURY, World, build_world


@pytest.fixture
def admin(app: Flask) -> Credential:
    return make_credential(app, "ministry", scopes=["all/read"], role="admin")


@pytest.fixture
def registrar(app: Flask) -> Credential:
    return make_credential(app, "registrar", scopes=["all/read"], role="registrar")


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


def programme_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "Rwanda mandatory AI training",
        "requirement": "all_of",
        "courses": ["hcia-ai"],
        "population": {"institutions": [{"institution": HEALTH, "deadline": "2027-03-31"}, {"institution": TREASURY}]},
        "starts_on": "2026-01-01",
        "deadline": "2026-12-31",
        "is_mandatory": True,
    }
    return {**body, **overrides}


def test_programme_round_trip(live_server: LiveServer, world: World, admin: Credential, registrar: Credential) -> None:
    created = requests.post(f"{live_server.url}/api/v1/programmes", json=programme_body(), auth=admin.auth, timeout=10)
    assert created.status_code == 201, created.text
    programme = created.json()
    assert programme["slug"] == "rwanda-mandatory-ai-training"
    assert [course["code"] for course in programme["courses"]] == ["HCIA-AI"]
    assert programme["population"]["kind"] == "institutions"
    assert {(i["name"], i["deadline"]) for i in programme["population"]["institutions"]} == {(HEALTH, "2027-03-31"), (TREASURY, None)}
    url = f"{live_server.url}/api/v1/programmes/{programme['id']}"
    assert requests.get(url, auth=registrar.auth, timeout=10).json()["name"] == "Rwanda mandatory AI training"

    replaced = requests.put(url, json=programme_body(requirement="min_credits", min_credits=7.5, courses=["KSG-DL", "HCIA-AI"],
                                                     population={"cohorts": ["technical"]}), auth=admin.auth, timeout=10)
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["population"] == {"kind": "cohorts", "institutions": [], "cohorts": ["technical"]}
    assert replaced.json()["slug"] == programme["slug"]
    listed = requests.get(f"{live_server.url}/api/v1/programmes", auth=registrar.auth, timeout=10).json()["items"]
    assert programme["id"] in [item["id"] for item in listed]

    assert requests.put(url, json=programme_body(), auth=registrar.auth, timeout=10).status_code == 403
    assert requests.delete(url, auth=admin.auth, timeout=10).status_code == 204
    assert requests.get(url, auth=admin.auth, timeout=10).status_code == 404


@pytest.mark.parametrize(("overrides", "fragment"), [
    ({"requirement": "most_of"}, "requirement"),
    ({"courses": []}, "courses"),
    ({"courses": ["NOPE-1"]}, "no course NOPE-1"),
    ({"requirement": "min_credits"}, "min_credits"),
    ({"deadline": "2025-01-01"}, "deadline"),
    ({"population": {"institutions": [{"institution": "Ministry of Magic"}]}}, "Ministry of Magic"),
    ({"target_count": 0}, "target_count"),
    ({"starts_on": "next week"}, "starts_on"),
])
def test_bad_programmes_are_refused_with_400(live_server: LiveServer, world: World, admin: Credential,
                                             overrides: dict[str, Any], fragment: str) -> None:
    answer = requests.post(f"{live_server.url}/api/v1/programmes", json=programme_body(**overrides), auth=admin.auth, timeout=10)
    assert answer.status_code == 400, answer.text
    assert fragment in answer.text
    assert answer.json()["error"]["code"] in ("invalid_request", "bad_request")


def test_institutions_crud_and_derived_head_counts(live_server: LiveServer, world: World, admin: Credential) -> None:
    base = f"{live_server.url}/api/v1/institutions"
    listed = {item["name"]: item for item in requests.get(base, auth=admin.auth, timeout=10).json()["items"]}
    assert (listed[HEALTH]["hr_head_count"], listed[HEALTH]["learners"], listed[HEALTH]["head_count"]) == (10, 4, 10)
    assert (listed[TREASURY]["head_count"], listed[TREASURY]["head_count_source"]) == (3, "learners")

    created = requests.post(base, json={"name": "Ministry of ICT", "country": "rw", "head_count": 250}, auth=admin.auth, timeout=10)
    assert created.status_code == 201 and created.json()["country"] == "RW"
    assert requests.post(base, json={"name": "Ministry of ICT"}, auth=admin.auth, timeout=10).status_code == 409
    assert requests.post(base, json={"name": "X", "head_count": -1}, auth=admin.auth, timeout=10).status_code == 400
    item = f"{base}/{created.json()['id']}"
    updated = requests.put(item, json={"name": "Ministry of ICT and Innovation", "head_count": None}, auth=admin.auth, timeout=10)
    assert updated.status_code == 200 and updated.json()["head_count"] is None
    # An institution a programme names cannot be removed from under it.
    requests.post(f"{live_server.url}/api/v1/programmes", auth=admin.auth, timeout=10,
                  json=programme_body(population={"institutions": [{"institution": created.json()["id"]}]}))
    assert requests.delete(item, auth=admin.auth, timeout=10).status_code == 409
    assert requests.delete(f"{base}/{world.institutions['treasury']}", auth=admin.auth, timeout=10).status_code == 204
    assert requests.get(f"{base}/999999", auth=admin.auth, timeout=10).status_code == 404


def test_programmes_need_a_credential_with_a_role(live_server: LiveServer, app: Flask) -> None:
    assert requests.get(f"{live_server.url}/api/v1/programmes", timeout=10).status_code == 401
    plain = make_credential(app, "lms", scopes=["statements/write"])
    assert requests.get(f"{live_server.url}/api/v1/programmes", auth=plain.auth, timeout=10).status_code == 403
