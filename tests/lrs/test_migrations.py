"""The migrations build exactly the schema the models declare, on the backend under test."""

from __future__ import annotations

import pytest
import requests
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask import Flask
from sqlalchemy import text

from lrs.db import engine_of
from lrs.models import metadata
from lrs.xapi.models import STATEMENT_ROW_INLINE_BYTES
from tests.conftest import Credential, LiveServer
from tests.reports.moodle import quiz_attempt_submitted


def test_the_migrated_database_matches_the_models(app: Flask) -> None:
    with engine_of(app).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_a_moodle_statement_row_is_stored_without_a_compression_attempt(
    app: Flask, live_server: LiveServer, credential: Credential
) -> None:
    """The statements table keeps rows inline up to a size past the usual statement's, so PostgreSQL does not
    try (and fail) to compress each one; the row itself is stored as before: inline, uncompressed."""
    engine = engine_of(app)
    if engine.dialect.name != "postgresql":
        pytest.skip("toast_tuple_target is a PostgreSQL storage parameter")
    statement = quiz_attempt_submitted("https://elearning.ksg.ac.ke", "2019100001", "Wanjiru Kamau", 7, 71, 3, 81,
                                       "2026-05-03T07:18:10Z", passed=True)
    response = requests.post(f"{live_server.xapi}/statements", json=statement, auth=credential.auth,
                             headers={"X-Experience-API-Version": "1.0.3"})
    assert response.status_code == 200
    with engine.connect() as connection:
        options, size, compression = connection.execute(text(
            "SELECT c.reloptions, pg_column_size(s.*), pg_column_compression(s.body)"
            " FROM statements s, pg_class c WHERE c.relname = 'statements' AND s.id = :id"
        ), {"id": response.json()[0]}).one()
    assert f"toast_tuple_target={STATEMENT_ROW_INLINE_BYTES}" in (options or [])
    assert 2032 < size < STATEMENT_ROW_INLINE_BYTES  # past PostgreSQL's default threshold, within ours
    assert compression is None
