"""Alembic migrations of Elimu's schema; ``upgrade_schema`` is what ``elimu init`` runs."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask

from lrs.db import engine_of

HERE = Path(__file__).resolve().parent


def alembic_config(app: Flask) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.attributes["engine"] = engine_of(app)
    return config


def upgrade_schema(app: Flask) -> None:
    """Bring the database to the newest schema; running it again changes nothing."""
    command.upgrade(alembic_config(app), "head")
