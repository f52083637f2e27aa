"""Connectors and their runs: which source a centre connected, how to reach it, where the last run stopped."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, UTCDateTime, utcnow


class RunStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"  # finished, but some records could not be taken in (see ``error``)
    FAILED = "failed"

    @property
    def is_active(self) -> bool:
        return self in (RunStatus.QUEUED, RunStatus.RUNNING)


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class Connector(Base):
    """A source a centre connected (a Moodle site, say): its address, settings, schedule and checkpoint.

    ``secret`` is the Fernet token of the secret settings (the web-services token); it is never
    returned by the API. ``client_id`` is the credential its statements are written as, so they carry
    the centre's authority exactly as if the centre had sent them over HTTP.
    """

    __tablename__ = "connectors"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    base_url: Mapped[str] = mapped_column(String(2048))
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    secret: Mapped[bytes] = mapped_column(LargeBinary)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    schedule_seconds: Mapped[int | None]
    next_run_at: Mapped[datetime | None] = mapped_column(index=True)
    checkpoint: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    is_enabled: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)
    updated_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)


class ConnectorRun(Base):
    """One run of a connector: when, what started it, and what it read, stored, skipped and could not take."""

    __tablename__ = "connector_runs"
    __table_args__ = (Index("ix_connector_runs_connector_id_id", "connector_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connector_id: Mapped[int] = mapped_column(ForeignKey("connectors.id", ondelete="CASCADE"))
    status: Mapped[RunStatus] = mapped_column(_enum(RunStatus), default=RunStatus.QUEUED, index=True)
    trigger: Mapped[str] = mapped_column(String(20))  # api | cli | schedule
    requested_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    read: Mapped[int] = mapped_column(default=0)
    stored: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    failed: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
