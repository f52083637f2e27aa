"""Registrars sign in to the programme and report pages, and are kept out of the ministry's decisions."""

from __future__ import annotations

import os
import subprocess
import sys

from flask import Flask

from tests.lrs.web.conftest import Browser

REGISTRAR, PASSWORD = "registrar@mps.example.go.ke", "registrar passphrase 2026"


def test_a_registrar_reads_reports_but_cannot_decide(app: Flask, environment: dict[str, str], browser: Browser) -> None:
    created = subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "lrs.cli", "admin", "create", "--email", REGISTRAR, "--password", PASSWORD,
         "--role", "registrar"],
        env={**os.environ, **environment}, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert created.returncode == 0, created.stderr
    assert "registrar registrar@mps.example.go.ke created" in created.stderr

    assert browser.sign_in(REGISTRAR, PASSWORD).status_code == 302
    assert browser.get("/dashboard").status_code == 200
    assert browser.get("/programmes").status_code == 200
    assert browser.get("/reports/centres").status_code == 200
    refused = browser.get("/admin/centres")
    assert refused.status_code == 403
    assert "administrators" in refused.text


def test_an_unknown_role_is_refused(app: Flask, environment: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "lrs.cli", "admin", "create", "--email", REGISTRAR, "--password", PASSWORD,
         "--role", "superuser"],
        env={**os.environ, **environment}, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )
    assert result.returncode != 0
    assert "superuser" in result.stderr
