"""The registrar feed under concurrent writers: paging by cursor never skips or repeats a change."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
import requests
from flask import Flask
from sqlalchemy import select

from lrs.db import session_scope
from reports.learners.models import Learner
from reports.transcripts.feed import decode_cursor, encode_cursor
from reports.transcripts.service import transcripts_for
from tests.conftest import Credential, LiveServer, make_credential
from tests.reports import moodle
from tests.reports.helpers import make_centre, post_statements, wait_normalised

SITE = "https://elearning.ksg.ac.ke"
WRITERS = 4
LEARNERS_PER_WRITER = 6


def test_concurrent_writers_while_a_registrar_pages_skip_and_repeat_nothing(
    app: Flask, live_server: LiveServer, environment: dict[str, str]
) -> None:
    centre = make_centre(app, "ksg", SITE)
    admin = make_credential(app, "ministry", role="admin")
    registrar = make_credential(app, "registrar", role="registrar")
    api = f"{live_server.url}/api/v1"
    course = {"code": "KSG-DL101", "title": "Digital Literacy", "centre": "ksg", "achievement_type": "Course",
              "track": "Digital leadership", "framework": "KNQF", "level": 5, "hours": 40}
    assert requests.post(f"{api}/courses", json=course, auth=admin.auth, timeout=30).status_code == 201
    mapping = {"centre": "ksg", "activity_prefix": f"{SITE}/course/view.php?id=1"}
    assert requests.post(f"{api}/courses/KSG-DL101/mappings", json=mapping, auth=admin.auth, timeout=30).status_code == 201

    writing = threading.Event()
    writing.set()
    failures: list[str] = []

    def writer(number: int) -> None:
        """Register learners, send their Moodle statements, link their accounts: each step changes a transcript."""
        try:
            for n in range(LEARNERS_PER_WRITER):
                user = f"{number}{n:02d}"
                created = requests.post(f"{api}/learners", auth=admin.auth, timeout=90, json={
                    "name": f"Officer {user}", "institution": "Ministry of ICT",
                    "identifiers": [{"scheme": "ke-upn", "value": f"20190{user}"}]})
                assert created.status_code == 201, created.text
                post_statements(live_server, centre.credential, [
                    moodle.enrolled(SITE, user, "Officer", 1, "Digital Literacy", "2026-02-01T08:00:00Z"),
                    moodle.course_completed(SITE, user, "Officer", 1, "Digital Literacy", f"2026-02-{n + 2:02d}T08:00:00Z"),
                ])
                linked = requests.post(f"{api}/learners/{created.json()['id']}/identities", auth=admin.auth, timeout=90,
                                       json={"agent": {"account": {"homePage": SITE, "name": user}}})
                assert linked.status_code == 201, linked.text
        except Exception as error:  # noqa: BLE001 - reported by the main thread
            failures.append(repr(error))

    seen: list[dict[str, Any]] = []

    def page_all(cursor: str | None) -> str | None:
        while True:
            params = {"limit": 5, **({"cursor": cursor} if cursor else {})}
            response = requests.get(f"{api}/transcripts", params=params, auth=registrar.auth, timeout=90)
            assert response.status_code == 200, response.text
            body = response.json()
            seen.extend(body["items"])
            if body["next_cursor"] is None:
                return cursor
            cursor = body["next_cursor"]

    threads = [threading.Thread(target=writer, args=(number,)) for number in range(1, WRITERS + 1)]
    for thread in threads:
        thread.start()
    cursor = None
    while any(thread.is_alive() for thread in threads):
        cursor = page_all(cursor)
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    assert not failures, failures
    wait_normalised(app, environment)
    page_all(cursor)

    changes = [item["change"] for item in seen]
    assert changes == sorted(changes) and len(changes) == len(set(changes)), "a change was repeated or out of order"
    with app.app_context(), session_scope(app) as session:
        learners = list(session.scalars(select(Learner)))
        current = transcripts_for(session, learners)
    assert len(learners) == WRITERS * LEARNERS_PER_WRITER
    mirror = {item["learner"]["id"]: {key: item[key] for key in ("learner", "lines", "totals")} for item in seen}
    assert mirror == current, "the registrar's mirror missed a change"
    assert all(len(t["lines"]) == 1 and t["lines"][0]["outcome"] == "completed" for t in current.values())


def test_cursor_is_opaque_and_tamper_evident() -> None:
    cursor = encode_cursor(41, "secret")
    assert "41" not in cursor
    assert decode_cursor(cursor, "secret") == 41
    with pytest.raises(Exception, match="cursor"):
        decode_cursor(cursor, "another secret")
    with pytest.raises(Exception, match="cursor"):
        decode_cursor("bm9wZQ", "secret")


def test_feed_refuses_bad_cursors_and_other_roles(app: Flask, live_server: LiveServer, credential: Credential) -> None:
    registrar = make_credential(app, "registrar", role="registrar")
    url = f"{live_server.url}/api/v1/transcripts"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, auth=credential.auth, timeout=10).status_code == 403
    bad = requests.get(url, params={"cursor": "not-ours"}, auth=registrar.auth, timeout=10)
    assert bad.status_code == 400 and bad.json()["error"]["message"].startswith("cursor")
    assert requests.get(url, params={"updated_since": "yesterday"}, auth=registrar.auth, timeout=10).status_code == 400
    empty = requests.get(url, params={"updated_since": "2026-01-01T00:00:00Z"}, auth=registrar.auth, timeout=10)
    assert empty.json() == {"items": [], "next_cursor": None}
