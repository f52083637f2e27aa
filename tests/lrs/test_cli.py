"""The ``elimu`` command as a user runs it: a real subprocess on the test database."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import requests
from flask import Flask

from tests.conftest import LiveServer


def elimu(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "lrs.cli", *args], env={**os.environ, **environment},
        capture_output=True, text=True, timeout=120,
    )


def test_init_is_idempotent(app: Flask, environment: dict[str, str]) -> None:
    first = elimu(environment, "init")
    second = elimu(environment, "init")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "up to date" in second.stderr


def test_clients_create_prints_a_credential_the_lrs_accepts(
    app: Flask, environment: dict[str, str], live_server: LiveServer
) -> None:
    created = elimu(environment, "clients", "create", "--name", "KSG Moodle", "--scope", "statements/write",
                    "--scope", "statements/read/mine", "--json")
    assert created.returncode == 0, created.stderr
    credential = json.loads(created.stdout)
    assert set(credential) == {"key", "secret"}

    response = requests.get(f"{live_server.xapi}/statements", auth=(credential["key"], credential["secret"]),
                            headers={"X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 200


def test_clients_create_refuses_unknown_scopes(app: Flask, environment: dict[str, str]) -> None:
    result = elimu(environment, "clients", "create", "--name", "x", "--scope", "everything", "--json")
    assert result.returncode != 0
    assert "unknown scope" in result.stderr
    assert result.stdout == ""


def test_demo_seeds_statements_readable_with_its_credential(
    app: Flask, environment: dict[str, str], live_server: LiveServer
) -> None:
    result = elimu(environment, "demo")
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines() if ":" in line)
    auth = (lines["key"].strip(), lines["secret"].strip())

    page = requests.get(f"{live_server.xapi}/statements", params={"limit": "5"}, auth=auth,
                        headers={"X-Experience-API-Version": "2.0.0"}).json()
    assert len(page["statements"]) == 5
    assert page["more"].startswith("/xapi/statements?more=")
