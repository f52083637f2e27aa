"""The migrations build exactly the schema the models declare, on the backend under test."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask import Flask

from lrs.db import engine_of
from lrs.models import metadata


def test_the_migrated_database_matches_the_models(app: Flask) -> None:
    with engine_of(app).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []
