"""rq jobs of the normaliser: drain the outbox, and a periodic sweep that keeps draining it.

``drain_outbox`` is what ``lrs.outbox.notify_normaliser`` enqueues after each statement commit. The
sweep reschedules itself through rq's scheduler, so statements committed while Redis was down are
normalised even when no new statement arrives to trigger a drain.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import delete, func, select

from lrs.db import session_scope
from lrs.outbox import OutboxEntry, claim_notification, forget, pending_seqs
from lrs.queue import job_queue
from lrs.xapi.models import Statement
from reports.normalise.locks import hold_normaliser_lock
from reports.normalise.service import Summary, normalise_statements, rebuild

logger = logging.getLogger(__name__)

BATCH = 10_000
SWEEP_INTERVAL = timedelta(seconds=60)
SWEEP_KEY = "elimu:normalise:sweep-scheduled"


def drain_outbox() -> dict[str, int]:
    """Normalise everything waiting in the outbox, a batch per transaction; safe to run any number of times."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    claim_notification(app)
    total = drain(app)
    schedule_sweep(app)
    return total


def drain(app: Flask) -> dict[str, int]:
    """Drain the outbox now, in this process."""
    total = {"statements": 0, "facts": 0, "voided": 0, "records_changed": 0, "learners_changed": 0}
    while True:
        with session_scope(app) as session:
            hold_normaliser_lock(session)
            seqs = pending_seqs(session, BATCH)
            if not seqs:
                break
            summary = normalise_statements(session, seqs)
            forget(session, seqs)
        for name, count in summary.as_json().items():
            total[name] += count
    if total["statements"]:
        logger.info("normalised %(statements)d statements: %(records_changed)d records changed", total)
    return total


def sweep_outbox() -> dict[str, int]:
    """Drain whatever is pending, then run again after ``SWEEP_INTERVAL``."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        job_queue(app).connection.delete(SWEEP_KEY)
    except Exception:  # noqa: BLE001 - a lost key only means one extra sweep gets scheduled
        logger.warning("could not clear the sweep key", exc_info=True)
    return drain_outbox()


def schedule_sweep(app: Flask) -> None:
    """Schedule the next sweep unless one is already scheduled; never raises."""
    try:
        queue = job_queue(app)
        if queue.connection.set(SWEEP_KEY, 1, nx=True, ex=int(SWEEP_INTERVAL.total_seconds() * 3)):
            queue.queue.enqueue_in(SWEEP_INTERVAL, sweep_outbox, job_timeout=3600)
    except Exception:  # noqa: BLE001 - the next drain tries again
        logger.warning("could not schedule the normaliser sweep", exc_info=True)


def rebuild_all(app: Flask) -> Summary:
    """Recompute every fact and learning record from the statements, in one transaction."""
    with session_scope(app) as session:
        hold_normaliser_lock(session)
        through = session.scalar(select(func.max(Statement.seq))) or 0
        summary = rebuild(session)
        session.execute(delete(OutboxEntry).where(OutboxEntry.statement_seq <= through))
    logger.info("rebuilt %d facts from %d statements: %d records changed", summary.facts, summary.statements, summary.records_changed)
    return summary
