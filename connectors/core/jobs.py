"""rq jobs of the connectors: one run of one connector, and the dispatcher that starts scheduled runs.

``run_connector`` takes a run id: it claims the run (one worker only), calls the source's sync function
with a ``RunContext``, and records how it ended. The dispatcher reschedules itself through rq's
scheduler every ``DISPATCH_INTERVAL`` while any connector has a schedule; due times live in the
database, so a lost Redis loses no schedule, only delays it until the next kick (a new connector,
a finished run, or ``elimu connectors dispatch``).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select

from connectors.core.models import Connector
from connectors.core.runs import RunContext, Tally, claim_run, fail_run, finish_run, request_run
from connectors.core.schedule import due_at
from lrs.db import session_scope, utcnow
from lrs.errors import ElimuError
from lrs.outbox import notify_normaliser
from lrs.queue import job_queue

logger = logging.getLogger(__name__)

RUN_JOB = "connectors.core.jobs.run_connector"
RUN_TIMEOUT = 6 * 3600
DISPATCH_INTERVAL = timedelta(seconds=60)
DISPATCH_KEY = "elimu:connectors:dispatch-scheduled"
# The sync function of each kind that pulls from a source, as "module:function" (imported when a run starts).
SOURCES = {"moodle": "connectors.moodle.sync:pull"}


class QueueUnavailable(ElimuError):
    status, code = 503, "queue_unavailable"


def source_for(kind: str) -> Callable[[RunContext], None]:
    module, _, name = SOURCES[kind].partition(":")
    return getattr(importlib.import_module(module), name)


def enqueue_run(app: Flask, run_id: int) -> None:
    """Queue the job of a committed run; if the queue is down, the run is marked failed and this raises.

    Raises:
        QueueUnavailable: Redis could not be reached.
    """
    try:
        job_queue(app).enqueue(RUN_JOB, run_id, job_id=f"connector-run-{run_id}", job_timeout=RUN_TIMEOUT)
    except Exception as error:  # noqa: BLE001 - any Redis failure means the same to the caller
        logger.warning("could not queue connector run %s: %s", run_id, type(error).__name__)
        with session_scope(app) as session:
            fail_run(session, run_id, "the job queue was unavailable; start the run again")
        raise QueueUnavailable("the job queue is unavailable; the run was not started") from None


def run_connector(run_id: int) -> dict[str, Any]:
    """Run one queued connector run to its end; a run already claimed by another worker is left alone."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    return execute_run(app, run_id)


def execute_run(app: Flask, run_id: int) -> dict[str, Any]:
    """The body of ``run_connector``, callable in-process (the CLI's ``--wait``)."""
    with session_scope(app) as session:
        run = claim_run(session, run_id)
        if run is None:
            logger.info("connector run %s is not queued; nothing to do", run_id)
            return {"run": run_id, "status": "not_queued"}
        connector = session.get(Connector, run.connector_id)
        if connector is None:
            raise LookupError(f"run {run_id} has no connector")
        kind = connector.kind
    tally, error = Tally(), None
    try:
        context = RunContext(app, run_id, connector)
        tally = context.tally
        logger.info("connector %s run %s started", connector.id, run_id)
        source_for(kind)(context)
    except ElimuError as failure:
        error = failure.message
    except Exception as failure:  # noqa: BLE001 - recorded on the run; the worker stays up
        logger.exception("connector run %s crashed", run_id)
        error = f"internal error ({type(failure).__name__}); the next run resumes from the checkpoint"
    with session_scope(app) as session:
        finished = finish_run(session, run_id, tally, error=error)
        status = finished.status.value
        counts = {"read": finished.read, "stored": finished.stored, "skipped": finished.skipped, "failed": finished.failed}
    logger.info("connector %s run %s %s: %s", connector.id, run_id, status, counts)
    if counts["stored"]:
        notify_normaliser(app)
    schedule_dispatch(app)
    return {"run": run_id, "status": status, **counts}


def dispatch_scheduled() -> list[int]:
    """Start a run of every connector whose schedule is due, then come back in a minute."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        job_queue(app).connection.delete(DISPATCH_KEY)
    except Exception:  # noqa: BLE001 - at worst one extra dispatch gets scheduled
        logger.warning("could not clear the dispatch key", exc_info=True)
    started = start_due_runs(app)
    schedule_dispatch(app)
    return started


def start_due_runs(app: Flask) -> list[int]:
    """Queue a run of each due connector (skipping any with a run in progress) and advance its due time."""
    now = utcnow()
    run_ids: list[int] = []
    with session_scope(app) as session:
        due = session.scalars(
            select(Connector).where(Connector.is_enabled.is_(True), Connector.next_run_at.is_not(None), Connector.next_run_at <= now)
        ).all()
        for connector in due:
            connector.next_run_at = due_at(now, connector.schedule_seconds)
            try:
                with session.begin_nested():
                    run_ids.append(request_run(session, connector, trigger="schedule").id)
            except ElimuError as busy:
                logger.info("scheduled run of connector %s skipped: %s", connector.id, busy.message)
    for run_id in run_ids:
        try:
            enqueue_run(app, run_id)
        except QueueUnavailable:
            break
    return run_ids


def schedule_dispatch(app: Flask) -> None:
    """Make sure the dispatcher comes back while some connector has a schedule; never raises."""
    try:
        with session_scope(app) as session:
            scheduled = session.scalar(select(Connector.id).where(Connector.schedule_seconds.is_not(None)).limit(1))
        if scheduled is None:
            return
        queue = job_queue(app)
        if queue.connection.set(DISPATCH_KEY, 1, nx=True, ex=int(DISPATCH_INTERVAL.total_seconds() * 3)):
            queue.queue.enqueue_in(DISPATCH_INTERVAL, dispatch_scheduled, job_timeout=600)
    except Exception:  # noqa: BLE001 - the next kick tries again
        logger.warning("could not schedule the connector dispatcher", exc_info=True)

