"""Issued transcript credentials and the status lists that revoke or suspend them.

An ``IssuedCredential``'s row id is its index in the Bitstring Status Lists: unique without any
allocation race, and never reused. ``StatusList`` keeps each list's latest signed credential;
``version`` counts the changes to its bits and ``published_version`` the change it was signed at,
so a list is stale exactly while a revocation or suspension is waiting for the job to re-sign it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, BigId, JSONDoc, JSONDocType, UTCDateTime, utcnow


class IssuedCredential(Base):
    """A signed snapshot of one learner's transcript, and whether it still stands."""

    __tablename__ = "issued_credentials"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)  # = status list index
    public_id: Mapped[uuid.UUID] = mapped_column(unique=True, default=uuid.uuid4)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    snapshot: Mapped[JSONDoc]  # the transcript as issued
    credential: Mapped[dict[str, Any] | None] = mapped_column(JSONDocType)  # the signed ClrCredential
    verification_method: Mapped[str | None] = mapped_column(String(300))
    issued_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)
    issued_by_client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    is_revoked: Mapped[bool] = mapped_column(default=False)
    is_suspended: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str | None] = mapped_column(String(2000))
    status_changed_at: Mapped[datetime | None]
    status_changed_by_client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))

    @property
    def status(self) -> str:
        return "revoked" if self.is_revoked else "suspended" if self.is_suspended else "active"


class StatusList(Base):
    """One Bitstring Status List (a purpose and a page of indexes) and its latest signed credential."""

    __tablename__ = "credential_status_lists"
    __table_args__ = (UniqueConstraint("purpose", "number", name="uq_credential_status_lists_purpose_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(20))  # revocation | suspension
    number: Mapped[int]  # which page of indexes: number * LIST_SIZE ... + LIST_SIZE - 1
    version: Mapped[int] = mapped_column(default=0)
    published_version: Mapped[int] = mapped_column(default=-1)
    credential: Mapped[dict[str, Any] | None] = mapped_column(JSONDocType)
    published_at: Mapped[datetime | None]

    @property
    def is_stale(self) -> bool:
        return self.credential is None or self.published_version < self.version
