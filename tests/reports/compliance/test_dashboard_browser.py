"""The dashboard in a real browser (headless Chromium from the system, driven by Playwright): sign in, open
the programme overview, drill into an institution, export its CSV; on a laptop and on a phone screen.

Screenshots go to ``test-artifacts/`` at the top of the repository. Without Chromium (a laptop without
the Debian package) these tests are skipped, saying so.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from lrs.db import session_scope
from lrs.people.service import save_person
from tests.conftest import LiveServer

from .scenario import HEALTH, World, build_world

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("headless Chromium is not installed (Debian package `chromium`); browser tests skipped", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
EMAIL, PASSWORD = "registry@ministry.example", "correct horse battery"
SCREENS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def world(app: Flask) -> World:
    world = build_world(app)
    with app.app_context(), session_scope(app) as session:
        save_person(session, EMAIL, PASSWORD)
    return world


def shoot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page: Any, live_server: LiveServer) -> None:
    page.goto(f"{live_server.url}/dashboard")
    assert "/login" in page.url  # the dashboard asks who you are first
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/dashboard")


def assert_fits(page: Any, width: int) -> None:
    """Nothing makes the whole page scroll sideways (wide charts and tables scroll in their own boxes)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1


def assert_charts_described(page: Any) -> None:
    """Every chart is an image with a name and a description a screen reader announces."""
    charts = page.locator("svg[role=img]")
    assert charts.count() > 0
    for index in range(charts.count()):
        title, desc = charts.nth(index).get_attribute("aria-labelledby").split()
        assert (page.locator(f"[id='{title}']").text_content() or "").strip()
        assert len(page.locator(f"[id='{desc}']").text_content() or "") > 40


@pytest.mark.parametrize("screen", SCREENS)
def test_sign_in_overview_drill_down_and_export(browser: Any, live_server: LiveServer, world: World, screen: str) -> None:
    context = browser.new_context(viewport=SCREENS[screen], accept_downloads=True)
    page = context.new_page()
    sign_in(page, live_server)

    panel = page.get_by_role("region", name="Programmes")
    for name in ("Leadership and cyber hygiene", "Health digital skills", "Technical cohort credits"):
        assert panel.get_by_role("heading", name=name).is_visible()
    assert_charts_described(page)
    assert_fits(page, SCREENS[screen]["width"])
    shoot(page, f"{screen}-1-dashboard")

    page.get_by_role("link", name="Open Health digital skills").click()
    page.wait_for_url(f"{live_server.url}/programmes/{world.programmes['any_of']}")
    sync_api.expect(page.get_by_role("heading", name="Health digital skills", level=1)).to_be_visible()
    assert "1 of the 8 target had completed" in (page.locator("svg[role=img] desc").first.text_content() or "")
    page.get_by_text("Show the chart's data as a table").first.click()
    assert page.locator("details.chart-data table").first.is_visible()
    assert_charts_described(page)
    assert_fits(page, SCREENS[screen]["width"])
    shoot(page, f"{screen}-2-programme")

    page.get_by_role("table").filter(has_text="most urgent first").get_by_role("link", name=HEALTH).click()
    page.wait_for_url(f"{live_server.url}/programmes/{world.programmes['any_of']}/institutions/Ministry%20of%20Health")
    sync_api.expect(page.get_by_role("heading", name=HEALTH, level=1)).to_be_visible()
    officers = page.locator("table.officers tbody tr")
    assert [officers.nth(i).locator("th").inner_text() for i in range(officers.count())] == ["Officer H2", "Officer H3", "Officer H4"]
    assert page.get_by_text("6 of the 10 officers on the HR roster are not registered").is_visible()
    assert_fits(page, SCREENS[screen]["width"])
    shoot(page, f"{screen}-3-institution")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download the list (CSV)").click()
    saved = ARTIFACTS / f"{screen}-officers.csv"
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert [(row["name"], row["identifiers"], row["still_to_do"]) for row in rows] == [
        ("Officer H2", "ke-upn:1002", "HCIA-AI or KSG-DL"), ("Officer H3", "ke-upn:1003", "HCIA-AI or KSG-DL"),
        ("Officer H4", "ke-upn:1004", "HCIA-AI or KSG-DL"),
    ]
    context.close()


def test_keyboard_reaches_the_content_first(browser: Any, live_server: LiveServer, world: World) -> None:
    page = browser.new_context(viewport=SCREENS["laptop"]).new_page()
    sign_in(page, live_server)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'main'")
    # Every report page answers, and its form controls have labels.
    for path in ("/programmes", "/reports/centres", "/reports/performers", "/reports/integrity", "/institutions", "/operations"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("h1").count() == 1, path
        for control in page.locator("select, input:not([type=hidden])").all():
            assert page.locator(f"label[for='{control.get_attribute('id')}']").count() == 1, path
        shoot(page, "laptop-4" + path.replace("/", "-"))
