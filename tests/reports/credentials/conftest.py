"""A learner with a real transcript (statements over HTTP, normalised by the worker) and the issuer's keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from flask import Flask

from tests.conftest import Credential, LiveServer, make_credential
from tests.reports import moodle
from tests.reports.helpers import make_centre, post_statements, wait_normalised

SITE = "https://elearning.ksg.example"
CERTIFICATION = f"{SITE}/certifications/hcia-ai"
EXTENSIONS = "https://elimu.dev/xapi/extensions/"


def certified(user_id: str, name: str, number: str, *, at: str, expires: str) -> dict[str, Any]:
    """A certificate award with the number and expiry Elimu's extensions carry."""
    return {
        "actor": {"name": name, "account": {"homePage": SITE, "name": user_id}},
        "verb": {"id": "https://w3id.org/xapi/tla/verbs/achieved", "display": {"en": "achieved"}},
        "object": {"id": CERTIFICATION, "objectType": "Activity", "definition": {"name": {"en": "HCIA-AI"}}},
        "result": {"success": True, "score": {"raw": 910, "min": 0, "max": 1000},
                   "extensions": {EXTENSIONS + "certificate-number": number, EXTENSIONS + "expires-at": expires}},
        "timestamp": at,
    }


def elimu(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """Run the ``elimu`` CLI against the test deployment."""
    return subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "lrs.cli", *args], env={**os.environ, **environment},
        capture_output=True, text=True, timeout=60, check=False,
    )


@pytest.fixture(scope="session")
def signing_keys(environment: dict[str, str]) -> dict[str, Any]:
    """The deployment's keyring, made by ``elimu keys generate`` as an operator would."""
    done = elimu(environment, "keys", "generate", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@dataclass(frozen=True)
class World:
    live_server: LiveServer
    registrar: Credential
    admin: Credential
    learner_id: int

    def issue(self, learner_id: int | None = None) -> requests.Response:
        return requests.post(f"{self.live_server.url}/api/v1/learners/{learner_id or self.learner_id}/credentials",
                             auth=self.registrar.auth, timeout=60)

    def verify(self, document: Any) -> dict[str, Any]:
        response = requests.post(f"{self.live_server.url}/api/v1/credentials/verify", json=document, timeout=60)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
def world(app: Flask, live_server: LiveServer, environment: dict[str, str], signing_keys: dict[str, Any]) -> World:
    """A KSG Moodle centre, three catalogue courses, and a learner who completed, passed and was certified."""
    admin = make_credential(app, "ministry", role="admin")
    registrar = make_credential(app, "registrar", role="registrar")
    centre = make_centre(app, "ksg", SITE, name="Kenya School of Government")
    api = f"{live_server.url}/api/v1"
    for code, title, kind, level, hours, iri in (
        ("KSG-DL1", "Digital leadership for senior officers", "course", 6, 40, f"{SITE}/course/view.php?id=7"),
        ("KSG-AI2", "Applied AI assessment", "assessment", 5, 25, f"{SITE}/mod/quiz/view.php?id=31"),
        ("HCIA-AI", "HCIA-AI V3.5", "certification", 5, 60, CERTIFICATION),
    ):
        course = {"code": code, "title": title, "centre": "ksg", "achievement_type": kind, "track": "AI",
                  "framework": "KNQF", "level": level, "hours": hours, "credits": hours / 10}
        assert requests.post(f"{api}/courses", json=course, auth=admin.auth, timeout=30).status_code == 201
        mapped = requests.post(f"{api}/courses/{code}/mappings", json={"centre": "ksg", "activity_iri": iri},
                               auth=admin.auth, timeout=30)
        assert mapped.status_code == 201, mapped.text
    learner = requests.post(f"{api}/learners", auth=admin.auth, timeout=30, json={
        "name": "Wanjiru Kamau", "institution": "Ministry of ICT",
        "identifiers": [{"scheme": "ke-upn", "value": "2019123456"}, {"scheme": "ke-national-id", "value": "12345678"}],
    })
    assert learner.status_code == 201, learner.text
    learner_id = learner.json()["id"]
    linked = requests.post(f"{api}/learners/{learner_id}/identities", auth=admin.auth, timeout=30,
                           json={"agent": {"account": {"homePage": SITE, "name": "42"}}})
    assert linked.status_code == 201, linked.text
    post_statements(live_server, centre.credential, [
        moodle.course_completed(SITE, "42", "Wanjiru Kamau", 7, "Digital leadership", "2026-05-01T12:00:00Z"),
        moodle.quiz_attempt_submitted(SITE, "42", "Wanjiru Kamau", 9, 31, 1, 87, "2026-06-02T09:30:00Z", passed=True),
        certified("42", "Wanjiru Kamau", "HW-2026-000123", at="2026-07-01T08:00:00Z", expires="2029-07-01T00:00:00Z"),
    ])
    wait_normalised(app, environment)
    transcript = requests.get(f"{api}/learners/{learner_id}/transcript", auth=registrar.auth, timeout=30).json()
    assert len(transcript["lines"]) == 3, transcript
    return World(live_server, registrar, admin, learner_id)
