"""POST /api/v1/centres/applications: every field validated (400 naming it), claims normalised and
checked for overlap (409 naming the centre), and a per-address rate limit (429)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from flask import Flask

from lrs.settings import Settings
from tests.conftest import Credential
from tests.lrs.centres.conftest import KSG, Api, application


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("name", "   "),
        ("name", "x" * 201),
        ("name", 42),
        ("kind", "bank"),
        ("kind", None),
        ("country", "ZZ"),
        ("country", "KEN"),
        ("country", "Kenya"),
        ("country", ""),
        ("accreditation_ref", ""),
        ("accreditation_ref", "r" * 201),
        ("contact_email", "not-an-address"),
        ("contact_email", "a@"),
        ("contact_email", ["a@b.ke"]),
        ("home_pages", "https://lms.example.ke"),
        ("home_pages", ["ftp://lms.example.ke"]),
        ("home_pages", ["lms.example.ke"]),
        ("home_pages", ["https://user:pw@lms.example.ke"]),
        ("home_pages", ["https://lms.example.ke/?q=1"]),
        ("home_pages", ["https://lms example.ke"]),
        ("home_pages", [17]),
        ("home_pages", [f"https://lms{n}.example.ke" for n in range(21)]),
        ("activity_prefixes", []),
        ("activity_prefixes", ["http://"]),
        ("activity_prefixes", ["urn:example:course"]),
        ("activity_prefixes", ["https://lms.example.ke/course#x"]),
        ("activity_prefixes", ["https://lms.example.ke:99999/"]),
        ("activity_prefixes", ["https://" + "a" * 2050 + ".ke/"]),
        ("activity_prefixes", [None]),
    ],
)
def test_invalid_field_is_a_400_naming_it(api: Api, field: str, value: Any) -> None:
    response = api.post("/centres/applications", json=application(**{field: value}))
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert list(error["fields"]) == [field]


@pytest.mark.parametrize("field", ["name", "kind", "country", "accreditation_ref", "contact_email", "activity_prefixes"])
def test_missing_required_field_is_a_400(api: Api, field: str) -> None:
    body = application()
    del body[field]
    response = api.post("/centres/applications", json=body)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_unknown_field_is_a_400(api: Api) -> None:
    response = api.post("/centres/applications", json=application(status="approved"))
    assert response.status_code == 400
    assert "status" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("not json", "application/json"), ("[]", "application/json"), ("null", "application/json"), ("name=x", "application/x-www-form-urlencoded"), ("", "application/json")],
)
def test_body_that_is_not_a_json_object_is_a_400(api: Api, body: str, content_type: str) -> None:
    response = api.post("/centres/applications", data=body, headers={"Content-Type": content_type})
    assert 400 <= response.status_code < 500, response.text
    assert "error" in response.json()


def test_claims_are_normalised(api: Api, admin: Credential) -> None:
    response = api.apply(
        country="ke",
        contact_email=" Academy@Huawei.Example.CO.KE ",
        home_pages=["HTTPS://Talent.Huawei.Example.com/", "https://talent.huawei.example.com"],
        activity_prefixes=["HTTPS://Talent.Huawei.Example.com", "https://talent.huawei.example.com/"],
    )
    assert response.status_code == 201, response.text
    centre = api.get(f"/centres/{response.json()['id']}", admin).json()
    assert centre["country"] == "KE"
    assert centre["contact_email"] == "academy@huawei.example.co.ke"
    assert centre["home_pages"] == ["https://talent.huawei.example.com"]
    # A bare host becomes host + "/": it cannot also claim https://talent.huawei.example.com.evil.org/.
    assert centre["activity_prefixes"] == ["https://talent.huawei.example.com/"]
    assert centre["status"] == "pending"
    assert centre["slug"] == "huawei-ict-academy-kenya"


def test_same_name_gets_a_distinct_slug(api: Api) -> None:
    first = api.apply()
    second = api.apply(activity_prefixes=["https://other.example.ke/"], home_pages=[])
    assert (first.json()["slug"], second.json()["slug"]) == ("huawei-ict-academy-kenya", "huawei-ict-academy-kenya-2")


@pytest.mark.parametrize(
    ("prefixes", "home_pages", "expected"),
    [
        (["https://talent.huawei.example.com/course/"], [], "is already claimed"),
        (["https://talent.huawei.example.com/course/hcia/"], [], "overlaps https://talent.huawei.example.com/course/"),
        (["https://talent.huawei.example.com/"], [], "overlaps https://talent.huawei.example.com/course/"),
        (["https://other.example.ke/"], ["https://talent.huawei.example.com/"], "home page https://talent.huawei.example.com is already claimed"),
    ],
)
def test_conflicting_claim_is_a_409_naming_the_centre(api: Api, prefixes: list[str], home_pages: list[str], expected: str) -> None:
    first = api.apply()
    assert first.status_code == 201
    response = api.apply(name="Copycat Academy", activity_prefixes=prefixes, home_pages=home_pages)
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "claim_conflict"
    assert expected in error["message"]
    assert "'Huawei ICT Academy Kenya'" in error["message"] and f"id {first.json()['id']}" in error["message"]


def test_a_prefix_sharing_only_characters_is_no_conflict(api: Api) -> None:
    assert api.apply(activity_prefixes=["https://lms.example.ke/course"], home_pages=[]).status_code == 201
    # "course" vs "courses" do overlap as strings, so they conflict; a different host does not.
    assert api.apply(name="Bee Academy", activity_prefixes=["https://lms.example.ke/courses/"], home_pages=[]).status_code == 409
    assert api.apply(name="Sea Academy", activity_prefixes=["https://lms.example.ke.other.org/"], home_pages=[]).status_code == 201


def test_rejected_centre_releases_its_claims(api: Api, admin: Credential) -> None:
    first = api.apply()
    api.post(f"/centres/{first.json()['id']}/reject", admin, json={"reason": "no accreditation on file"})
    assert api.apply(name="Huawei ICT Academy Kenya (re-application)").status_code == 201


def test_revoked_centre_keeps_its_claims(api: Api, admin: Credential) -> None:
    centre_id, _ = api.approved_centre(admin)
    api.post(f"/centres/{centre_id}/revoke", admin, json={"reason": "fraudulent certificates"})
    response = api.apply(name="Someone else")
    assert response.status_code == 409
    assert "revoked" in response.json()["error"]["message"]


def test_applications_are_rate_limited_per_address(api: Api, settings: Settings) -> None:
    limit = settings.application_rate_limit
    statuses = [
        api.apply(name=f"Academy {n}", activity_prefixes=[f"https://a{n}.example.ke/"], home_pages=[]).status_code
        for n in range(limit)
    ]
    assert statuses == [201] * limit
    refused = api.apply(name="One too many", activity_prefixes=["https://late.example.ke/"], home_pages=[])
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_requests"
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    # Invalid attempts count too, so probing is limited as well.
    assert api.post("/centres/applications", json={}).status_code == 429


def test_ksg_and_huawei_coexist(api: Api, admin: Credential, app: Flask) -> None:
    api.approved_centre(admin)
    api.approved_centre(admin, **KSG)
    listing = api.get("/centres?status=approved", admin).json()
    assert listing["total"] == 2
    assert {item["name"] for item in listing["items"]} == {"Huawei ICT Academy Kenya", "Kenya School of Government"}


def test_server_never_answers_500_to_garbage(api: Api, live_server: Any) -> None:
    for payload in ({"name": {"$gt": ""}}, {"activity_prefixes": [["nested"]]}, {"home_pages": {"a": 1}}, {"country": 12}, {"kind": ["lms"]}):
        response = requests.post(f"{live_server.url}/api/v1/centres/applications", json={**application(), **payload}, timeout=10)
        assert response.status_code == 400, (payload, response.text)
