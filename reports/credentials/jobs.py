"""The status-list job: re-sign and store every list a revocation or suspension made stale.

Enqueued after the commit that changed a bit; it re-reads the database, so running it twice, or
after a Redis outage held it back, changes nothing the first run did not. Until it runs, readers
get a list signed on the fly (``status.current_status_list``), so nothing waits on it.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app
from sqlalchemy import select

from lrs.db import session_scope
from lrs.queue import job_queue
from reports.credentials.models import StatusList
from reports.credentials.status import publish_status_list

logger = logging.getLogger(__name__)


def publish_status_lists() -> int:
    """Publish every stale status list; returns how many were re-signed."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    settings = app.extensions["elimu.settings"]
    with session_scope(app) as session:
        stale = session.execute(
            select(StatusList.purpose, StatusList.number).where(StatusList.published_version < StatusList.version)
        ).all()
        published = sum(publish_status_list(session, settings, purpose, number) for purpose, number in stale)
    logger.info("published %d of %d stale status list(s)", published, len(stale))
    return published


def request_publication(app: Flask | None = None) -> None:
    """Queue the job; never raises (the lists stay correct on the fly, and the next change retries)."""
    try:
        job_queue(app).enqueue(publish_status_lists, job_timeout=600)
    except Exception:  # noqa: BLE001 - the change is committed; readers sign the list on the fly meanwhile
        logger.warning("could not enqueue the status-list job", exc_info=True)
