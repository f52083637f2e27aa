"""Liveness and readiness probes: ``/healthz`` (the process answers) and ``/readyz`` (its backends do)."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify
from sqlalchemy import text

from lrs.db import engine_of
from lrs.queue import job_queue

logger = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify({"status": "ok"})

    @app.get("/readyz")
    def readyz() -> tuple[Response, int]:
        checks = {"database": _database_ok(), "redis": _redis_ok()}
        ready = all(checks.values())
        return jsonify({"status": "ready" if ready else "unavailable", "checks": checks}), 200 if ready else 503


def _database_ok() -> bool:
    try:
        with engine_of().connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        logger.warning("readiness: database unreachable", exc_info=True)
        return False


def _redis_ok() -> bool:
    try:
        return bool(job_queue().connection.ping())
    except Exception:  # noqa: BLE001 - any failure means "not ready"
        logger.warning("readiness: redis unreachable", exc_info=True)
        return False
