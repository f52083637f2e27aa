"""Authorised training centres, the partner academies and LMSs whose records Elimu accepts, and their audit log."""

from __future__ import annotations

import enum
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, UTCDateTime, utcnow


class CentreStatus(enum.Enum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


def normalise_iri(iri: str) -> str:
    """``iri`` with its scheme and host in lower case, the parts IRIs compare case-insensitively."""
    parts = urlsplit(iri)
    if not parts.scheme or not parts.netloc:
        return iri
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, parts.query, parts.fragment))


class Centre(Base):
    """A partner academy or LMS: what it is, what it owns, and whether it may write.

    ``activity_prefixes`` and ``home_pages`` are stored normalised (see ``lrs.centres.claims``).
    """

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
    status: Mapped[CentreStatus] = mapped_column(_enum(CentreStatus), default=CentreStatus.PENDING, index=True)
    status_reason: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)
    status_changed_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)

    @property
    def is_approved(self) -> bool:
        return self.status is CentreStatus.APPROVED

    def owns_activity(self, iri: str) -> bool:
        """Whether ``iri`` is under one of the centre's prefixes, or is a prefix's root without its trailing slash
        (Moodle's xAPI plugin names the site activity by ``wwwroot``: ``https://lms.ke`` for prefix ``https://lms.ke/``)."""
        normalised = normalise_iri(iri)
        return any(normalised.startswith(prefix) or normalised == prefix.rstrip("/") for prefix in self.activity_prefixes)

    def owns_home_page(self, home_page: str) -> bool:
        normalised = normalise_iri(home_page).rstrip("/")
        return any(normalised == page.rstrip("/") for page in self.home_pages)

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "slug": self.slug, "name": self.name, "status": self.status.value}


class AuditEntry(Base):
    """One decision or credential event about a centre: who, when, what and why. Never changed once written."""

    __tablename__ = "centre_audit_entries"
    __table_args__ = (Index("ix_centre_audit_entries_centre_id_id", "centre_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    at: Mapped[UTCDateTime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(320))
    actor_kind: Mapped[str] = mapped_column(String(20))  # person | client | applicant | system
    action: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str | None] = mapped_column(String(2000))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    credential_key: Mapped[str | None] = mapped_column(String(64))


class AppendOnlyError(RuntimeError):
    """Someone tried to change or delete an audit entry."""


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_changes(_mapper: Any, _connection: Any, entry: AuditEntry) -> None:
    raise AppendOnlyError(f"audit entry {entry.id} is append-only")
