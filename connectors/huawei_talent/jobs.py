"""rq job of the Huawei Talent connector: import one uploaded roster (safe to run again: it resumes)."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app

from connectors.core.jobs import QueueUnavailable
from connectors.huawei_talent.models import ImportStatus, RosterImport
from connectors.huawei_talent.roster import run_import
from lrs.db import session_scope, utcnow
from lrs.outbox import notify_normaliser
from lrs.queue import job_queue

logger = logging.getLogger(__name__)

IMPORT_JOB = "connectors.huawei_talent.jobs.import_roster"
IMPORT_TIMEOUT = 4 * 3600


def import_roster(import_id: int) -> dict[str, Any]:
    """Import the roster; the normaliser is told once its statements are committed."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    upload = run_import(app, import_id)
    if upload.rows_ok:
        notify_normaliser(app)
    return {"import": import_id, "status": upload.status.value, "rows_ok": upload.rows_ok, "rows_failed": upload.rows_failed}


def enqueue_import(app: Flask, import_id: int) -> None:
    """Queue a committed import; if the queue is down the import is marked failed and this raises.

    Raises:
        QueueUnavailable: Redis could not be reached.
    """
    try:
        job_queue(app).enqueue(IMPORT_JOB, import_id, job_id=f"roster-import-{import_id}", job_timeout=IMPORT_TIMEOUT)
    except Exception as error:  # noqa: BLE001 - any Redis failure means the same to the caller
        logger.warning("could not queue roster import %s: %s", import_id, type(error).__name__)
        with session_scope(app) as session:
            upload = session.get(RosterImport, import_id)
            if upload is not None:
                upload.status, upload.error, upload.finished_at, upload.content = (
                    ImportStatus.FAILED, "the job queue was unavailable; upload the file again", utcnow(), None,
                )
        raise QueueUnavailable("the job queue is unavailable; the roster was not imported") from None
