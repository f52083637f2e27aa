"""A connector run's life: requested, claimed by one worker, progressing in batches, finished.

Each batch is one transaction holding the statements it stores, whatever else the source's records
changed (identity links), the run's counters and the connector's checkpoint: a run interrupted at
any point has committed whole batches and a checkpoint that says exactly how far they reach, so the
next run starts there.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, cast

from flask import Flask
from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from connectors.core.ingest import connector_principal, ingest_statements
from connectors.core.models import Connector, ConnectorRun, RunStatus
from connectors.core.secrets import unseal
from connectors.core.service import PULL_KINDS
from lrs.auth.service import Principal
from lrs.db import session_scope, utcnow
from lrs.errors import Conflict, NotFound
from lrs.settings import Settings

logger = logging.getLogger(__name__)

# A queued run nobody started, or a running one silent for this long, was lost (worker killed, queue flushed).
STALE_AFTER = timedelta(minutes=30)
MAX_ERRORS_KEPT = 20


def request_run(session: Session, connector: Connector, *, trigger: str) -> ConnectorRun:
    """Queue a run of the connector (the caller enqueues its job after committing).

    Raises:
        Conflict: the connector is disabled, or a run of it is queued or running.
    """
    if not connector.is_enabled:
        raise Conflict(f"connector {connector.id} is disabled")
    if connector.kind not in PULL_KINDS:
        raise Conflict(f"a {connector.kind} connector has nothing to pull; its records arrive by upload")
    now = utcnow()
    for active in session.scalars(
        select(ConnectorRun).where(
            ConnectorRun.connector_id == connector.id, ConnectorRun.status.in_([RunStatus.QUEUED, RunStatus.RUNNING])
        )
    ):
        last_sign = active.heartbeat_at or active.started_at or active.requested_at
        if now - last_sign < STALE_AFTER:
            raise Conflict(f"run {active.id} of connector {connector.id} is {active.status.value}")
        active.status = RunStatus.FAILED
        active.finished_at = now
        active.error = "the run was lost (no sign of progress for 30 minutes); the next run resumes from its checkpoint"
    run = ConnectorRun(connector_id=connector.id, trigger=trigger, status=RunStatus.QUEUED, requested_at=now)
    session.add(run)
    session.flush()
    return run


def claim_run(session: Session, run_id: int) -> ConnectorRun | None:
    """Move a queued run to running; None when another worker has it (or it is not queued any more)."""
    now = utcnow()
    claimed = cast(CursorResult[Any], session.execute(
        update(ConnectorRun)
        .where(ConnectorRun.id == run_id, ConnectorRun.status == RunStatus.QUEUED)
        .values(status=RunStatus.RUNNING, started_at=now, heartbeat_at=now)
    ))
    return session.get(ConnectorRun, run_id) if claimed.rowcount else None


def fail_run(session: Session, run_id: int, error: str) -> None:
    """Mark a run failed (a job that could not be queued, or that stopped on an error)."""
    run = session.get(ConnectorRun, run_id)
    if run is None:
        raise NotFound(f"no connector run {run_id}")
    run.status = RunStatus.FAILED
    run.finished_at = utcnow()
    run.error = error[:4000]


@dataclass
class Batch:
    """What one transaction of a run does: statements stored, records read, failures, the new checkpoint."""

    session: Session
    principal: Principal
    read: int = 0
    stored: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    checkpoint: dict[str, Any] | None = None

    def ingest(self, statements: list[dict[str, Any]]) -> None:
        result = ingest_statements(self.session, self.principal, statements)
        self.stored += result.stored
        self.skipped += result.skipped

    def fail(self, message: str) -> None:
        """Count a source record that could not be taken in (the run goes on)."""
        self.errors.append(message)


@dataclass
class Tally:
    read: int = 0
    stored: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str | None:
        if not self.failed:
            return None
        shown = "; ".join(self.errors[:MAX_ERRORS_KEPT])
        more = f" (and {self.failed - MAX_ERRORS_KEPT} more)" if self.failed > MAX_ERRORS_KEPT else ""
        return f"{self.failed} record(s) could not be taken in: {shown}{more}"


class RunContext:
    """What a source's sync function works with: the connector's settings and secrets, and batches."""

    def __init__(self, app: Flask, run_id: int, connector: Connector) -> None:
        self.app = app
        self.settings: Settings = app.extensions["elimu.settings"]
        self.run_id = run_id
        self.connector_id = connector.id
        self.centre_id = connector.centre_id
        self.client_id = connector.client_id
        self.base_url = connector.base_url
        self.options: dict[str, Any] = dict(connector.options or {})
        self.secrets = unseal(self.settings, connector.secret)
        self.checkpoint: dict[str, Any] = dict(connector.checkpoint or {})
        self.tally = Tally()

    @contextmanager
    def batch(self) -> Iterator[Batch]:
        """One transaction: its statements, counters and checkpoint commit together, or none of them."""
        with session_scope(self.app) as session:
            batch = Batch(session, connector_principal(session, self.client_id, base_url=self.settings.base_url))
            yield batch
            self._record(session, batch)
        self.tally.read += batch.read
        self.tally.stored += batch.stored
        self.tally.skipped += batch.skipped
        self.tally.failed += len(batch.errors)
        self.tally.errors.extend(batch.errors[: MAX_ERRORS_KEPT - len(self.tally.errors)])
        if batch.checkpoint is not None:
            self.checkpoint = dict(batch.checkpoint)

    def _record(self, session: Session, batch: Batch) -> None:
        now = utcnow()
        run = session.get(ConnectorRun, self.run_id)
        if run is None:
            raise NotFound(f"no connector run {self.run_id}")
        run.read += batch.read
        run.stored += batch.stored
        run.skipped += batch.skipped
        run.failed += len(batch.errors)
        run.heartbeat_at = now
        if batch.checkpoint is not None:
            connector = session.get(Connector, self.connector_id)
            if connector is None:
                raise NotFound(f"no connector {self.connector_id}")
            connector.checkpoint = dict(batch.checkpoint)
            connector.updated_at = now


def finish_run(session: Session, run_id: int, tally: Tally, *, error: str | None) -> ConnectorRun:
    """Close a run: failed with ``error``, partial when some records were refused, else succeeded."""
    run = session.get(ConnectorRun, run_id)
    if run is None:
        raise NotFound(f"no connector run {run_id}")
    run.finished_at = utcnow()
    if error is not None:
        run.status = RunStatus.FAILED
        run.error = "; ".join(part for part in (error, tally.summary()) if part)[:4000]
    else:
        run.status = RunStatus.PARTIAL if tally.failed else RunStatus.SUCCEEDED
        run.error = (tally.summary() or "")[:4000] or None
    return run


def latest_runs(session: Session, connector_id: int, *, limit: int) -> list[ConnectorRun]:
    """The connector's runs, newest first."""
    query = select(ConnectorRun).where(ConnectorRun.connector_id == connector_id).order_by(ConnectorRun.id.desc())
    return list(session.scalars(query.limit(limit)))
