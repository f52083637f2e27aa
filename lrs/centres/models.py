"""Authorised training centres: the partner academies and LMSs whose records Elimu accepts."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import JSON, Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, UTCDateTime, utcnow


class CentreStatus(enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class Centre(Base):
    """A partner academy or LMS: what it is, what it owns, and whether it may write."""

    __tablename__ = "centres"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    country: Mapped[str] = mapped_column(String(2))
    accreditation_ref: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(320))
    home_pages: Mapped[list[str]] = mapped_column(JSON, default=list)
    activity_prefixes: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[CentreStatus] = mapped_column(
        Enum(CentreStatus, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e]),
        default=CentreStatus.PENDING,
    )
    status_reason: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)

    def owns_activity(self, iri: str) -> bool:
        return any(iri.startswith(prefix) for prefix in self.activity_prefixes)

    def owns_home_page(self, home_page: str) -> bool:
        normalised = home_page.rstrip("/")
        return any(normalised == page.rstrip("/") for page in self.home_pages)

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "slug": self.slug, "name": self.name, "status": self.status.value}
