"""Signing in and out of the web pages: session cookie, CSRF on the form, safe redirects, rate limit."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from flask import Flask

from lrs.db import session_scope
from lrs.people.models import Person
from lrs.settings import Settings
from tests.lrs.web.conftest import EMAIL, PASSWORD, Browser


def test_login_page_has_email_password_and_token(browser: Browser) -> None:
    response = browser.get("/login")
    assert response.status_code == 200
    assert 'name="email"' in response.text and 'name="password"' in response.text
    assert browser.token and len(browser.token) >= 40
    assert 'type="password"' in response.text


def test_sign_in_lands_on_the_dashboard(browser: Browser, administrator: str) -> None:
    response = browser.sign_in()
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")
    cookie = next(c for c in browser.session.cookies if c.name == "session")
    assert cookie.has_nonstandard_attr("HttpOnly")
    dashboard = browser.get("/dashboard")
    assert dashboard.status_code == 200
    assert EMAIL in dashboard.text
    assert dashboard.headers["Cache-Control"] == "no-store"


def test_email_is_case_insensitive(browser: Browser, administrator: str) -> None:
    assert browser.sign_in(email=EMAIL.upper()).status_code == 302


@pytest.mark.parametrize(("email", "password"), [(EMAIL, "wrong password"), ("nobody@example.go.ke", PASSWORD), ("", ""), ("not an email", "x")])
def test_wrong_credentials_say_so_without_saying_which(browser: Browser, administrator: str, email: str, password: str) -> None:
    response = browser.sign_in(email=email, password=password)
    assert response.status_code == 200
    assert "The e-mail address or password is wrong." in response.text
    assert browser.get("/dashboard").status_code == 302


def test_sign_in_without_csrf_token_is_refused(browser: Browser, administrator: str) -> None:
    browser.get("/login")
    response = browser.post("/login", {"email": EMAIL, "password": PASSWORD}, with_token=False)
    assert response.status_code == 400
    assert "security token" in response.text
    assert response.headers["Content-Type"].startswith("text/html")
    assert browser.get("/dashboard").status_code == 302


def test_token_from_another_session_is_refused(browser: Browser, administrator: str) -> None:
    other = Browser(browser.base, type(browser.session)())
    other.get("/login")
    browser.get("/login")
    browser.token = other.token
    assert browser.post("/login", {"email": EMAIL, "password": PASSWORD}).status_code == 400


def test_dashboard_needs_sign_in_and_comes_back_after(browser: Browser, administrator: str) -> None:
    response = browser.get("/admin/centres?status=pending")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login?next=/admin/centres?status%3Dpending")
    browser.get("/login?next=/admin/centres?status=pending")
    response = browser.post("/login", {"email": EMAIL, "password": PASSWORD, "next": "/admin/centres?status=pending"})
    assert response.headers["Location"].endswith("/admin/centres?status=pending")


@pytest.mark.parametrize("target", ["https://evil.example.com/", "//evil.example.com/", "/\\evil.example.com", "javascript:alert(1)"])
def test_next_never_leaves_the_site(browser: Browser, administrator: str, target: str) -> None:
    browser.get("/login")
    response = browser.post("/login", {"email": EMAIL, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/dashboard")


def test_sign_out_needs_a_post_with_token(signed_in: Browser) -> None:
    page = signed_in.get("/logout")
    assert page.status_code == 200 and "Sign out of Elimu" in page.text
    assert signed_in.get("/dashboard").status_code == 200  # a GET (or a link) signs no one out
    assert signed_in.post("/logout", {}, with_token=False).status_code == 400
    response = signed_in.post("/logout", {})
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert signed_in.get("/dashboard").status_code == 302


def test_password_change_ends_existing_sessions(signed_in: Browser, app: Flask) -> None:
    from lrs.people.service import save_person

    with app.app_context(), session_scope(app) as session:
        save_person(session, EMAIL, "a brand new passphrase")
    assert signed_in.get("/dashboard").status_code == 302


def test_disabled_person_cannot_sign_in_or_stay_signed_in(signed_in: Browser, app: Flask, browser: Browser) -> None:
    with app.app_context(), session_scope(app) as session:
        session.query(Person).filter_by(email=EMAIL).one().is_active = False
    assert signed_in.get("/dashboard").status_code == 302
    assert signed_in.sign_in().status_code == 200


def test_sign_in_attempts_are_rate_limited(browser: Browser, administrator: str, settings: Settings) -> None:
    for _ in range(settings.login_rate_limit):
        assert browser.sign_in(password="guess").status_code == 200
    response = browser.sign_in()  # even the right password, once the allowance is spent
    assert response.status_code == 429
    assert "too many requests" in response.text


def test_password_is_stored_as_scrypt(app: Flask, administrator: str) -> None:
    with app.app_context(), session_scope(app) as session:
        person = session.query(Person).filter_by(email=EMAIL).one()
        assert person.password_hash.startswith("scrypt:")
        assert PASSWORD not in person.password_hash


def _elimu(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "lrs.cli", *args], env={**os.environ, **environment},
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )


def test_admin_create_bootstraps_an_administrator(app: Flask, environment: dict[str, str], browser: Browser) -> None:
    created = _elimu(environment, "admin", "create", "--email", "First.Admin@Example.go.ke", "--password", "bootstrap passphrase")
    assert created.returncode == 0, created.stderr
    assert "created" in created.stderr
    again = _elimu(environment, "admin", "create", "--email", "first.admin@example.go.ke", "--password", "second passphrase")
    assert again.returncode == 0 and "updated" in again.stderr
    assert browser.sign_in("first.admin@example.go.ke", "second passphrase").status_code == 302
    with app.app_context(), session_scope(app) as session:
        assert session.query(Person).count() == 1


@pytest.mark.parametrize(("email", "password", "message"), [("nope", "long enough pass", "not an e-mail"), ("a@b.go.ke", "short", "at least 8")])
def test_admin_create_refuses_bad_input(environment: dict[str, str], email: str, password: str, message: str, app: Flask) -> None:
    result = _elimu(environment, "admin", "create", "--email", email, "--password", password)
    assert result.returncode != 0
    assert message in result.stderr
