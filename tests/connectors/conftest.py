"""Connectors' tests start from an empty job queue (a job left by an earlier test or session must not run here)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from connectors.core.jobs import DISPATCH_KEY
from lrs.outbox import PENDING_KEY
from lrs.queue import job_queue


@pytest.fixture(autouse=True)
def empty_queue(request: pytest.FixtureRequest) -> Iterator[None]:
    if "app" in request.fixturenames:
        app: Flask = request.getfixturevalue("app")
        queue = job_queue(app).queue
        queue.empty()
        for job_id in queue.scheduled_job_registry.get_job_ids():
            queue.scheduled_job_registry.remove(job_id)
        queue.connection.delete(DISPATCH_KEY, PENDING_KEY)  # their jobs are gone: let the next commit queue new ones
    yield
