"""Builders for the connectors' tests: approved centres, credentials, learners and courses over the REST API,
a burst ``elimu worker`` (the way jobs really run), and a wait for the normaliser."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from flask import Flask

from lrs.centres.models import Centre, CentreStatus
from lrs.db import session_scope
from lrs.outbox import pending_count
from tests.conftest import Credential, LiveServer, free_port, make_credential

XAPI = {"X-Experience-API-Version": "1.0.3"}


@dataclass(frozen=True)
class Academy:
    id: int
    slug: str
    site: str
    credential: Credential  # the centre's own credential (role centre)


def approved_centre(app: Flask, slug: str, site: str, *, country: str = "KE", kind: str = "lms", home_page: bool = True) -> Academy:
    """An approved centre owning ``site`` (as home page and activity prefix), with a credential of its own."""
    with app.app_context(), session_scope(app) as session:
        centre = Centre(slug=slug, name=slug.replace("-", " ").title(), kind=kind, country=country,
                        home_pages=[site] if home_page else [], activity_prefixes=[site + "/"], status=CentreStatus.APPROVED)
        session.add(centre)
        session.flush()
        centre_id = centre.id
    with app.app_context(), session_scope(app) as session:
        credential = make_credential(app, f"{slug} credential", centre=session.get(Centre, centre_id))
    return Academy(centre_id, slug, site, credential)


def admin(app: Flask) -> Credential:
    return make_credential(app, "ministry admin", scopes=["all"], role="admin")


def registrar(app: Flask) -> Credential:
    return make_credential(app, "ministry registrar", scopes=["all/read"], role="registrar")


def api(live_server: LiveServer, method: str, path: str, credential: Credential | None, **kwargs: Any) -> requests.Response:
    return requests.request(method, f"{live_server.url}/api/v1{path}", auth=credential.auth if credential else None,
                            timeout=60, **kwargs)


def create_learner(live_server: LiveServer, credential: Credential, name: str, upn: str, **identifiers: str) -> int:
    body = {"name": name, "institution": "Ministry of ICT",
            "identifiers": [{"scheme": "ke-upn", "value": upn}, *({"scheme": k.replace("_", "-"), "value": v} for k, v in identifiers.items())]}
    response = api(live_server, "POST", "/learners", credential, json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def create_course(live_server: LiveServer, credential: Credential, code: str, centre_id: int, *, iri: str,
                  validity_days: int | None = None, prefix: bool = False) -> None:
    body = {"code": code, "title": f"{code} course", "centre": str(centre_id), "achievement_type": "Certificate",
            "track": "Digital skills", "framework": "KNQF", "level": 5, "hours": 40, "validity_days": validity_days}
    response = api(live_server, "POST", "/courses", credential, json=body)
    assert response.status_code == 201, response.text
    mapping = {"centre": str(centre_id), ("activity_prefix" if prefix else "activity_iri"): iri}
    response = api(live_server, "POST", f"/courses/{code}/mappings", credential, json=mapping)
    assert response.status_code in (200, 201), response.text


def run_worker(environment: dict[str, str], **extra: str) -> subprocess.CompletedProcess[str]:
    """Work the queue until it is empty, in a real ``elimu worker --burst``."""
    env = {**os.environ, **environment, "ELIMU_CONNECTOR_TIMEOUT": "3", "ELIMU_CONNECTOR_RETRIES": "1", **extra}
    result = subprocess.run([sys.executable, "-m", "lrs.cli", "worker", "--burst"],  # noqa: S603 - our own CLI
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-4000:]
    return result


def elimu(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **environment, "ELIMU_CONNECTOR_TIMEOUT": "3", "ELIMU_CONNECTOR_RETRIES": "1"}
    return subprocess.run([sys.executable, "-m", "lrs.cli", *args], env=env,  # noqa: S603 - our own CLI
                          capture_output=True, text=True, timeout=300)


def wait_normalised(app: Flask, environment: dict[str, str], *, timeout: float = 60) -> None:
    """Run burst workers until the normaliser's outbox is empty."""
    deadline = time.monotonic() + timeout
    while True:
        with app.app_context(), session_scope(app) as session:
            if pending_count(session) == 0:
                return
        if time.monotonic() > deadline:
            raise AssertionError("the normaliser did not drain the outbox in time")
        run_worker(environment)


def statements_of(live_server: LiveServer, credential: Credential, **params: str) -> list[dict[str, Any]]:
    """Every statement the credential may read that matches ``params`` (following ``more`` links)."""
    found: list[dict[str, Any]] = []
    url, query = f"{live_server.xapi}/statements", {"limit": "100", **params}
    while True:
        response = requests.get(url, params=query, auth=credential.auth, headers=XAPI, timeout=30)
        assert response.status_code == 200, response.text
        page = response.json()
        found.extend(page["statements"])
        if not page.get("more"):
            return found
        url, query = live_server.url + page["more"], {}


@contextmanager
def another_server(environment: dict[str, str], log: Path, **overrides: str) -> Iterator[LiveServer]:
    """A second ``elimu serve`` on the same database and Redis, with some settings changed."""
    port = free_port()
    env = {**os.environ, **environment, **overrides}
    with log.open("wb") as handle:
        process = subprocess.Popen([sys.executable, "-m", "lrs.cli", "serve", "--port", str(port), "--workers", "1"],  # noqa: S603
                                   env=env, stdout=handle, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if requests.get(f"{url}/readyz", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(log.read_text())
        time.sleep(0.2)
    try:
        yield LiveServer(url, process, log)
    finally:
        process.terminate()
        process.wait(timeout=15)
