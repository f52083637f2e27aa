"""The server-rendered pages: public application form and register, the administrator's dashboard, centre
list, detail and decision forms; every form POST refused without its CSRF token."""

from __future__ import annotations

import re

import pytest
import requests
from tincan import RemoteLRS

from tests.conftest import Credential, LiveServer
from tests.lrs.centres.conftest import Api
from tests.lrs.centres.test_end_to_end import completion
from tests.lrs.web.conftest import EMAIL, Browser

APPLICATION_FORM = {
    "name": "Kenya School of Government",
    "kind": "school_of_government",
    "country": "KE",
    "accreditation_ref": "KSG/ACT/2012",
    "contact_email": "elearning@ksg.example.ac.ke",
    "activity_prefixes": "https://elearning.ksg.example.ac.ke/\r\nhttps://ksg.example.ac.ke/courses/",
    "home_pages": "https://elearning.ksg.example.ac.ke\r\n",
}


@pytest.mark.parametrize("path", ["/", "/login", "/centres", "/centres/apply", "/centres/apply/received?ref=3"])
def test_public_pages_render(browser: Browser, path: str) -> None:
    response = browser.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/html")
    assert '<html lang="en">' in response.text and 'name="viewport"' in response.text
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_home_page_offers_what_visitors_can_do(browser: Browser) -> None:
    page = browser.get("/")
    for path in ('href="/centres/apply"', 'href="/centres"', 'href="/dashboard"', 'href="/login"'):
        assert path in page.text


def test_stylesheet_is_served(browser: Browser) -> None:
    response = browser.get("/static/web/elimu.css")
    assert response.status_code == 200 and ":focus-visible" in response.text


@pytest.mark.parametrize("path", ["/dashboard", "/admin/centres", "/admin/centres/1"])
def test_admin_pages_need_sign_in(browser: Browser, path: str) -> None:
    response = browser.get(path)
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]


def test_application_form_creates_a_pending_centre(browser: Browser, api: Api, admin: Credential) -> None:
    browser.get("/centres/apply")
    response = browser.post("/centres/apply", APPLICATION_FORM)
    assert response.status_code == 302, response.text
    ref = int(response.headers["Location"].rsplit("ref=", 1)[1])
    received = browser.get(f"/centres/apply/received?ref={ref}")
    assert f"#{ref}" in received.text
    centre = api.get(f"/centres/{ref}", admin).json()
    assert centre["status"] == "pending"
    assert centre["activity_prefixes"] == ["https://elearning.ksg.example.ac.ke/", "https://ksg.example.ac.ke/courses/"]
    assert centre["home_pages"] == ["https://elearning.ksg.example.ac.ke"]


def test_application_form_without_token_is_refused(browser: Browser, api: Api, admin: Credential) -> None:
    browser.get("/centres/apply")
    response = browser.post("/centres/apply", APPLICATION_FORM, with_token=False)
    assert response.status_code == 400
    assert api.get("/centres", admin).json()["total"] == 0


def test_application_form_shows_every_problem_and_keeps_the_input(browser: Browser) -> None:
    browser.get("/centres/apply")
    bad = {**APPLICATION_FORM, "country": "ZZ", "contact_email": "nope", "activity_prefixes": "ftp://x", "kind": ""}
    response = browser.post("/centres/apply", bad)
    assert response.status_code == 400
    assert 'class="error-summary"' in response.text
    for field in ("country", "contact_email", "activity_prefixes", "kind"):
        assert f'href="#field-{field}"' in response.text
        assert f'id="error-{field}"' in response.text
    assert 'value="Kenya School of Government"' in response.text  # what was typed stays
    assert 'aria-invalid="true"' in response.text


def test_application_form_reports_a_claim_conflict(browser: Browser, api: Api) -> None:
    api.apply(activity_prefixes=["https://elearning.ksg.example.ac.ke/moodle/"], home_pages=[])
    browser.get("/centres/apply")
    response = browser.post("/centres/apply", APPLICATION_FORM)
    assert response.status_code == 409
    assert "Huawei ICT Academy Kenya" in response.text


def test_dashboard_shows_pending_applications_and_counts(signed_in: Browser, api: Api, admin: Credential) -> None:
    pending = api.apply().json()["id"]
    approved, _ = api.approved_centre(admin, name="Kenya School of Government", activity_prefixes=["https://ksg.example.ac.ke/"], home_pages=[])
    page = signed_in.get("/dashboard")
    assert page.status_code == 200
    assert "Applications awaiting a decision" in page.text
    assert f'href="/admin/centres/{pending}"' in page.text
    assert re.search(r'<span class="stat-value">1</span><span class="stat-label">pending</span>', page.text)
    assert re.search(r'<span class="stat-value">1</span><span class="stat-label">approved</span>', page.text)
    assert f'href="/admin/centres/{approved}"' in page.text  # in recent activity


def test_centre_list_filters(signed_in: Browser, api: Api, admin: Credential) -> None:
    api.apply()
    api.approved_centre(admin, name="Kenya School of Government", activity_prefixes=["https://ksg.example.ac.ke/"], home_pages=[])
    everything = signed_in.get("/admin/centres")
    assert "Huawei ICT Academy Kenya" in everything.text and "Kenya School of Government" in everything.text
    approved = signed_in.get("/admin/centres?status=approved")
    assert "Kenya School of Government" in approved.text and "Huawei ICT Academy Kenya" not in approved.text
    by_name = signed_in.get("/admin/centres?q=huawei&status=")
    assert "Huawei ICT Academy Kenya" in by_name.text and "Kenya School of Government" not in by_name.text
    assert signed_in.get("/admin/centres?status=nonsense").status_code == 400
    assert signed_in.get("/admin/centres?page=99999999999999999999999").status_code == 200
    assert signed_in.get("/admin/centres/99999999999999999999").status_code == 404


def test_decision_form_approves_and_shows_the_secret_once(signed_in: Browser, api: Api, admin: Credential, live_server: LiveServer) -> None:
    centre_id = api.apply().json()["id"]
    detail = signed_in.get(f"/admin/centres/{centre_id}")
    assert detail.status_code == 200
    assert 'value="approve"' in detail.text and 'value="reject"' in detail.text and 'value="suspend"' not in detail.text

    response = signed_in.post(f"/admin/centres/{centre_id}/decision", {"action": "approve", "reason": "partnership agreement signed"})
    assert response.status_code == 200
    assert "Copy the secret now" in response.text
    assert response.headers["Cache-Control"] == "no-store"
    key = re.search(r"<dt>Key</dt><dd><code>([0-9a-f]+)</code>", response.text).group(1)
    secret = re.search(r'<div class="secret-box"><code>([^<]+)</code>', response.text).group(1)
    lrs = RemoteLRS(endpoint=f"{live_server.xapi}/", username=key, password=secret)
    assert lrs.save_statement(completion("https://talent.huawei.example.com/course/hcia-ai")).success

    detail = signed_in.get(f"/admin/centres/{centre_id}")
    assert secret not in detail.text and key in detail.text
    audit = api.get(f"/audit?centre={centre_id}", admin).json()["items"]
    assert [(i["action"], i["actor"], i["actor_kind"]) for i in audit[1:]] == [("approve", EMAIL, "person"), ("issue_credential", EMAIL, "person")]
    assert "partnership agreement signed" in detail.text  # the audit trail on the page


def test_decision_form_without_token_changes_nothing(signed_in: Browser, api: Api, admin: Credential) -> None:
    centre_id = api.apply().json()["id"]
    signed_in.get(f"/admin/centres/{centre_id}")
    response = signed_in.post(f"/admin/centres/{centre_id}/decision", {"action": "approve", "reason": "looks fine"}, with_token=False)
    assert response.status_code == 400
    wrong = signed_in.session.post(
        f"{signed_in.base}/admin/centres/{centre_id}/decision",
        data={"action": "approve", "reason": "looks fine", "csrf_token": "forged"}, allow_redirects=False, timeout=30,
    )
    assert wrong.status_code == 400
    assert api.get(f"/centres/{centre_id}", admin).json()["status"] == "pending"


def test_decision_form_validates_reason_and_action(signed_in: Browser, api: Api, admin: Credential) -> None:
    centre_id = api.apply().json()["id"]
    signed_in.get(f"/admin/centres/{centre_id}")
    blank = signed_in.post(f"/admin/centres/{centre_id}/decision", {"action": "approve", "reason": "   "})
    assert blank.status_code == 400 and 'id="error-reason"' in blank.text
    invalid = signed_in.post(f"/admin/centres/{centre_id}/decision", {"action": "suspend", "reason": "not yet approved"})
    assert invalid.status_code == 409
    nonsense = signed_in.post(f"/admin/centres/{centre_id}/decision", {"action": "delete", "reason": "drop it"})
    assert nonsense.status_code == 409
    assert api.get(f"/centres/{centre_id}", admin).json()["status"] == "pending"


def test_suspend_then_reinstate_from_the_page(signed_in: Browser, api: Api, admin: Credential) -> None:
    centre_id, _ = api.approved_centre(admin)
    signed_in.get(f"/admin/centres/{centre_id}")
    response = signed_in.post(f"/admin/centres/{centre_id}/decision", {"action": "suspend", "reason": "inspection visit due"})
    assert response.status_code == 302
    page = signed_in.get(f"/admin/centres/{centre_id}")
    assert "is now suspended" in page.text  # the flash message
    assert "inspection visit due" in page.text
    signed_in.post(f"/admin/centres/{centre_id}/decision", {"action": "reinstate", "reason": "inspection passed"})
    assert api.get(f"/centres/{centre_id}", admin).json()["status"] == "approved"


def test_credential_forms_issue_rotate_and_revoke(signed_in: Browser, api: Api, admin: Credential) -> None:
    centre_id, first = api.approved_centre(admin)
    signed_in.get(f"/admin/centres/{centre_id}")
    issued = signed_in.post(f"/admin/centres/{centre_id}/credentials", {"name": "Moodle staging"})
    assert issued.status_code == 200 and "Moodle staging" in issued.text and "Copy the secret now" in issued.text
    rotated = signed_in.post(f"/admin/centres/{centre_id}/credentials/{first.key}/rotate", {"reason": "annual rotation"})
    assert rotated.status_code == 200 and "was replaced" in rotated.text
    keys = [c for c in api.get(f"/centres/{centre_id}/credentials", admin).json()["items"] if c["is_active"]]
    assert len(keys) == 2 and first.key not in {c["key"] for c in keys}
    target = keys[0]["key"]
    no_reason = signed_in.post(f"/admin/centres/{centre_id}/credentials/{target}/revoke", {"reason": ""})
    assert no_reason.status_code == 400
    assert signed_in.post(f"/admin/centres/{centre_id}/credentials/{target}/revoke", {"reason": "LMS retired"}, with_token=False).status_code == 400
    revoked = signed_in.post(f"/admin/centres/{centre_id}/credentials/{target}/revoke", {"reason": "LMS retired"})
    assert revoked.status_code == 302
    assert [c["key"] for c in api.get(f"/centres/{centre_id}/credentials", admin).json()["items"] if c["is_active"]] == [keys[1]["key"]]


def test_unknown_centre_page_is_an_html_404(signed_in: Browser) -> None:
    response = signed_in.get("/admin/centres/999999")
    assert response.status_code == 404
    assert response.headers["Content-Type"].startswith("text/html") and "Page not found" in response.text


def test_public_register_lists_approved_centres_only(browser: Browser, api: Api, admin: Credential) -> None:
    api.apply()
    api.approved_centre(admin, name="Kenya School of Government", activity_prefixes=["https://ksg.example.ac.ke/"], home_pages=[])
    page = browser.get("/centres")
    assert "Kenya School of Government" in page.text and "Huawei ICT Academy Kenya" not in page.text
    assert browser.get("/centres/kenya-school-of-government").status_code == 200
    assert browser.get("/centres/huawei-ict-academy-kenya").status_code == 404  # pending: not public


def test_authority_home_page_of_a_statement_is_the_centre_page(api: Api, admin: Credential, live_server: LiveServer) -> None:
    _, credential = api.approved_centre(admin)
    lrs = RemoteLRS(endpoint=f"{live_server.xapi}/", username=credential.key, password=credential.secret)
    saved = lrs.save_statement(completion("https://talent.huawei.example.com/course/x"))
    home_page = lrs.retrieve_statement(saved.content.id).content.authority.account.home_page
    path = home_page.split("://", 1)[1].split("/", 1)[1]
    assert requests.get(f"{live_server.url}/{path}", timeout=10).status_code == 200
