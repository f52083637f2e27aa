"""The administrators' connector pages through a real browser-like session: sign in, upload a roster, follow
its import, run a connector, verify and reject claims (every form with its CSRF token)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests
from flask import Flask

from lrs.db import session_scope
from lrs.people.service import save_person
from tests.conftest import LiveServer
from tests.connectors.fake_moodle import FakeMoodle, running_moodle
from tests.connectors.helpers import Academy, admin, api, approved_centre, create_learner, run_worker
from tests.connectors.roster_files import OTIENO, row, to_csv

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
EMAIL, PASSWORD = "registry.admin@mpsr.go.ke", "a long passphrase for the registry"
PDF = b"%PDF-1.7\n%%EOF\n"


class Browser:
    def __init__(self, live_server: LiveServer) -> None:
        self.url = live_server.url
        self.http = requests.Session()
        self.token = ""

    def get(self, path: str) -> requests.Response:
        response = self.http.get(self.url + path, timeout=30)
        found = TOKEN.search(response.text)
        self.token = found.group(1) if found else self.token
        return response

    def post(self, path: str, data: dict[str, str], files: dict | None = None) -> requests.Response:
        return self.http.post(self.url + path, data={**data, "csrf_token": self.token}, files=files, timeout=60)


@pytest.fixture
def browser(app: Flask, live_server: LiveServer) -> Browser:
    with app.app_context(), session_scope(app) as session:
        save_person(session, EMAIL, PASSWORD)
    signed_in = Browser(live_server)
    signed_in.get("/login")
    assert signed_in.post("/login", {"email": EMAIL, "password": PASSWORD}).url.endswith("/dashboard")
    return signed_in


@pytest.fixture
def moodle() -> Iterator[FakeMoodle]:
    with running_moodle() as site:
        site.add_user(11, "2019123456", "Wanjiru Kamau")
        site.add_course(2, "Digital Literacy")
        site.enrol(11, 2)
        yield site


def test_pages_are_for_signed_in_administrators_only(live_server: LiveServer) -> None:
    for path in ("/admin/connectors", "/admin/rosters", "/admin/claims"):
        response = requests.get(live_server.url + path, allow_redirects=False, timeout=30)
        assert response.status_code == 302 and "/login" in response.headers["Location"], path


def test_a_roster_uploaded_on_the_page_imports_and_shows_its_refused_rows(
    app: Flask, live_server: LiveServer, environment: dict[str, str], browser: Browser,
) -> None:
    academy = approved_centre(app, "huawei-ict-academy-ke", "https://talent.huawei-academy.ke", kind="vendor_academy")
    assert "Huawei Ict Academy Ke" in browser.get("/admin/rosters").text
    data = to_csv([row("HWENGHCIAAI3500123"), row("HWENGHCIACC5000456", **{**OTIENO, "issue_date": "03/02/2026"})])

    uploaded = browser.post("/admin/rosters", {"centre": str(academy.id)}, files={"file": ("roster.csv", data, "text/csv")})
    assert uploaded.status_code == 200 and re.search(r"/admin/rosters/\d+$", uploaded.url), uploaded.text[:500]
    assert 'http-equiv="refresh"' in uploaded.text  # queued: the page refreshes itself
    run_worker(environment)
    page = browser.get(uploaded.url.removeprefix(browser.url))

    assert "succeeded" in page.text and 'http-equiv="refresh"' not in page.text
    assert "<td>3</td><td class=\"mono\">issue_date</td><td>must be a date written YYYY-MM-DD</td>" in page.text
    refused = browser.post("/admin/rosters", {"centre": str(academy.id)}, files={"file": ("r.csv", "naïve".encode("latin-1"))})
    assert refused.status_code == 400 and "not UTF-8 text" in refused.text
    without_token = requests.post(live_server.url + "/admin/rosters", cookies=browser.http.cookies, timeout=30,
                                  data={"centre": str(academy.id)}, files={"file": ("roster.csv", data)})
    assert without_token.status_code == 400


def test_a_connector_is_run_from_its_page(
    app: Flask, live_server: LiveServer, environment: dict[str, str], browser: Browser, moodle: FakeMoodle,
) -> None:
    academy: Academy = approved_centre(app, "ksg-elearning", moodle.url)
    ministry = admin(app)
    create_learner(live_server, ministry, "Wanjiru Kamau", "2019123456")
    connector = api(live_server, "POST", f"/centres/{academy.id}/connectors", ministry,
                    json={"type": "moodle", "base_url": moodle.url, "token": moodle.token}).json()
    assert moodle.url in browser.get("/admin/connectors").text

    browser.get(f"/admin/connectors/{connector['id']}")
    started = browser.post(f"/admin/connectors/{connector['id']}/runs", {})
    assert "is queued" in started.text
    run_worker(environment)

    page = browser.get(f"/admin/connectors/{connector['id']}").text
    assert "succeeded" in page and moodle.token not in page


def test_claims_are_verified_and_rejected_on_their_page(
    app: Flask, live_server: LiveServer, browser: Browser,
) -> None:
    academy = approved_centre(app, "huawei-ict-academy-ke", "https://talent.huawei-academy.ke", kind="vendor_academy")
    ministry = admin(app)
    create_learner(live_server, ministry, "Wanjiru Kamau", "2019123456")
    ids = []
    for number in ("HWENGHCIAAI3501001", "HWENGHCIAAI3501002"):
        form = {"identifier": "ke-upn:2019123456", "certificate_number": number, "certificate_name": "HCIA-AI V3.5",
                "certificate_level": "HCIA", "track": "AI", "course_code": "HCIA-AI", "course_title": "HCIA-AI", "issue_date": "2026-06-15",
                "email": "wanjiru.kamau@ict.go.ke"}
        ids.append(api(live_server, "POST", f"/centres/{academy.id}/claims", ministry, data=form,
                       files={"file": ("c.pdf", PDF, "application/pdf")}).json()["id"])
    assert all(f"/admin/claims/{claim_id}" in browser.get("/admin/claims").text for claim_id in ids)

    browser.get(f"/admin/claims/{ids[0]}")
    verified = browser.post(f"/admin/claims/{ids[0]}/decision", {"action": "verify", "reason": "on Huawei's page"})
    browser.get(f"/admin/claims/{ids[1]}")
    unexplained = browser.post(f"/admin/claims/{ids[1]}/decision", {"action": "reject", "reason": " "})
    rejected = browser.post(f"/admin/claims/{ids[1]}/decision", {"action": "reject", "reason": "not on Huawei's page"})

    assert "Claim {} is verified.".format(ids[0]) in verified.text
    assert unexplained.status_code == 400 and "a rejection must say why" in unexplained.text
    assert "Claim {} is rejected.".format(ids[1]) in rejected.text and "not on Huawei&#39;s page" in rejected.text
    assert api(live_server, "GET", f"/claims/{ids[0]}", ministry).json()["decided_by"] == EMAIL
    assert browser.get(f"/admin/claims/{ids[0]}/file").content == PDF
