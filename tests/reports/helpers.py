"""Builders for the reports tests: centres with credentials, statements over real HTTP, and a wait
for the normaliser (the live server's worker on the embedded default, a burst ``elimu worker`` otherwise)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any

import requests
from flask import Flask

from lrs.centres.models import Centre, CentreStatus
from lrs.db import session_scope
from lrs.outbox import pending_count
from tests.conftest import Credential, LiveServer, make_credential

XAPI_HEADERS = {"X-Experience-API-Version": "1.0.3"}


@dataclass(frozen=True)
class CentreInfo:
    id: int
    slug: str
    site: str
    credential: Credential


def make_centre(app: Flask, slug: str, site: str, *, name: str | None = None, kind: str = "lms") -> CentreInfo:
    """An approved centre owning ``site`` (home page and activity prefix), with a credential of its own."""
    with app.app_context(), session_scope(app) as session:
        centre = Centre(slug=slug, name=name or slug.upper(), kind=kind, country="KE", home_pages=[site],
                        activity_prefixes=[site], status=CentreStatus.APPROVED)
        session.add(centre)
        session.flush()
        centre_id = centre.id
    with app.app_context(), session_scope(app) as session:
        centre = session.get(Centre, centre_id)
        credential = make_credential(app, f"{slug}-moodle", centre=centre)
    return CentreInfo(centre_id, slug, site, credential)


def post_statements(live_server: LiveServer, credential: Credential, statements: list[dict[str, Any]]) -> list[str]:
    response = requests.post(f"{live_server.xapi}/statements", json=statements, auth=credential.auth,
                             headers=XAPI_HEADERS, timeout=90)
    assert response.status_code == 200, response.text
    return response.json()


def wait_normalised(app: Flask, environment: dict[str, str], *, timeout: float = 120) -> None:
    """Wait until the outbox is empty, running a burst worker whenever it stays non-empty for a while."""
    deadline = time.monotonic() + timeout
    last_burst = time.monotonic()
    while True:
        with app.app_context(), session_scope(app) as session:
            if pending_count(session) == 0:
                return
        if time.monotonic() > deadline:
            raise AssertionError("the normaliser did not drain the outbox in time")
        if time.monotonic() - last_burst > 1.5:
            subprocess.run([sys.executable, "-m", "lrs.cli", "worker", "--burst"],  # noqa: S603 - our own CLI
                           env={**os.environ, **environment}, check=True, capture_output=True, timeout=timeout)
            last_burst = time.monotonic()
        time.sleep(0.1)
