"""Fixtures for the web pages: an administrator, a browser-like session, fresh rate limits."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
import requests
from flask import Flask

from lrs.db import session_scope
from lrs.people.service import save_person
from tests.conftest import LiveServer
from tests.lrs.centres.conftest import admin, api, fresh_rate_limits  # noqa: F401 - shared fixtures

EMAIL, PASSWORD = "admin@ministry.example.go.ke", "a long enough passphrase"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def administrator(app: Flask) -> str:
    with app.app_context(), session_scope(app) as session:
        save_person(session, EMAIL, PASSWORD)
    return EMAIL


@dataclass
class Browser:
    """A requests session that keeps cookies and reads the CSRF token off the last page, like a browser."""

    base: str
    session: requests.Session
    token: str | None = None

    def get(self, path: str, **kwargs: object) -> requests.Response:
        response = self.session.get(self.base + path, allow_redirects=False, timeout=30, **kwargs)  # type: ignore[arg-type]
        found = TOKEN.search(response.text)
        if found:
            self.token = found.group(1)
        return response

    def post(self, path: str, data: dict[str, str], *, with_token: bool = True) -> requests.Response:
        form = {**data, "csrf_token": self.token or ""} if with_token else data
        return self.session.post(self.base + path, data=form, allow_redirects=False, timeout=30)

    def sign_in(self, email: str = EMAIL, password: str = PASSWORD) -> requests.Response:
        self.get("/login")
        return self.post("/login", {"email": email, "password": password})


@pytest.fixture
def browser(live_server: LiveServer) -> Browser:
    return Browser(live_server.url, requests.Session())


@pytest.fixture
def signed_in(browser: Browser, administrator: str) -> Browser:
    response = browser.sign_in()
    assert response.status_code == 302, response.text
    browser.get("/dashboard")
    return browser
