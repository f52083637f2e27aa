"""Connections the database dropped (a restart, an administrator) never reach a request twice.

Idle pooled connections are pinged before reuse; a connection that dies under load fails its one
request with a 503 and the pool replaces every connection it holds. PostgreSQL only: SQLite has no
server to lose.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator

import psycopg
import pytest
from flask import Flask
from sqlalchemy import text

import lrs.db
from lrs.db import engine_of
from lrs.settings import Settings
from tests.conftest import Credential

pytestmark = pytest.mark.usefixtures("credential")


@pytest.fixture(autouse=True)
def _postgresql_only(app: Flask, settings: Settings) -> Iterator[None]:
    if settings.is_sqlite:
        pytest.skip("SQLite is in-process: there is no connection to lose")
    yield
    engine_of(app).dispose()  # no dead connection outlives the test


def drop_pooled_connections(app: Flask, settings: Settings) -> None:
    """What a database restart does to this app's pool: its server sessions are gone, the pool does not know.

    Only this process's connections go (the suite's live server shares the database); the pool is
    emptied first and refilled with connections whose server sessions are then terminated.
    """
    engine = engine_of(app)
    engine.dispose()
    held = [engine.connect() for _ in range(3)]
    pids = [connection.connection.driver_connection.info.backend_pid for connection in held]
    for connection in held:
        connection.close()
    with psycopg.connect(settings.database_url.replace("+psycopg", ""), autocommit=True) as admin:
        terminated = admin.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [pids]).fetchall()
    assert all(row[0] for row in terminated)


def basic(credential: Credential) -> dict[str, str]:
    token = base64.b64encode(f"{credential.key}:{credential.secret}".encode()).decode()
    return {"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"}


def test_an_idle_connection_that_died_is_replaced_before_use(app: Flask, settings: Settings,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    drop_pooled_connections(app, settings)
    monkeypatch.setattr(lrs.db, "PING_AFTER_IDLE_SECONDS", 0.0)
    with engine_of(app).connect() as connection:
        assert connection.execute(text("SELECT 1")).scalar() == 1


def test_a_connection_lost_under_load_costs_one_503_and_the_pool_recovers(
    app: Flask, settings: Settings, credential: Credential, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = app.test_client()
    assert client.get("/xapi/statements", headers=basic(credential)).status_code == 200
    monkeypatch.setattr(lrs.db, "PING_AFTER_IDLE_SECONDS", 3600.0)  # as under load: no ping
    drop_pooled_connections(app, settings)
    lost = client.get("/xapi/statements", headers=basic(credential))
    assert lost.status_code == 503
    assert lost.get_json()["error"]["code"] == "database_unavailable" and lost.headers["Retry-After"] == "5"
    assert client.get("/xapi/statements", headers=basic(credential)).status_code == 200
