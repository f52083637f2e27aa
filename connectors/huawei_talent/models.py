"""Huawei certificates on record, the roster imports that brought them, and certificate claims with their evidence."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Date, Enum, Float, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, UTCDateTime, utcnow


def _enum(kind: type[enum.Enum]) -> Enum:
    return Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class ImportStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # the file as a whole was refused: nothing was imported


class ClaimStatus(enum.Enum):
    CLAIMED = "claimed"
    VERIFIED = "verified"
    REJECTED = "rejected"


class HuaweiCertificate(Base):
    """A certificate the academy vouches for (a roster row or a verified claim) and the statements it became.

    One record per certificate number: a corrected row is a new ``revision`` whose statements replace
    (void) those of the one before.
    """

    __tablename__ = "huawei_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_number: Mapped[str] = mapped_column(String(64), unique=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    course_code: Mapped[str] = mapped_column(String(40))
    course_title: Mapped[str] = mapped_column(String(300))
    certificate_name: Mapped[str] = mapped_column(String(300))
    certificate_level: Mapped[str] = mapped_column(String(10))
    track: Mapped[str] = mapped_column(String(300))
    exam_date: Mapped[date | None] = mapped_column(Date)
    issue_date: Mapped[date] = mapped_column(Date)
    expiry_date: Mapped[date] = mapped_column(Date)
    training_hours: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float | None] = mapped_column(Float)
    pass_mark: Mapped[float | None] = mapped_column(Float)
    content_hash: Mapped[str] = mapped_column(String(64))
    revision: Mapped[int] = mapped_column(default=1)
    statement_ids: Mapped[list[str]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(20))  # roster | claim
    created_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)
    updated_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)


class RosterImport(Base):
    """One uploaded roster file and how its import went (progress is visible while it runs)."""

    __tablename__ = "roster_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    connector_id: Mapped[int] = mapped_column(ForeignKey("connectors.id"))
    status: Mapped[ImportStatus] = mapped_column(_enum(ImportStatus), default=ImportStatus.QUEUED)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int]
    content: Mapped[bytes | None] = mapped_column(LargeBinary)  # kept until the import has finished
    submitted_by: Mapped[str] = mapped_column(String(100))
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_done: Mapped[int] = mapped_column(default=0)
    rows_ok: Mapped[int] = mapped_column(default=0)
    rows_failed: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class RosterImportError(Base):
    """A rejected row of an import: where (line, column) and why. Never the cell's value."""

    __tablename__ = "roster_import_errors"
    __table_args__ = (Index("ix_roster_import_errors_import_id_line", "import_id", "line"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("roster_imports.id", ondelete="CASCADE"))
    line: Mapped[int]
    column: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(String(500))


class CertificateClaim(Base):
    """A learner's (or their institution's) claim to a Huawei certificate, with the PDF as evidence.

    It counts only once an administrator has verified it (against Huawei's public verification page);
    who decided, when and why is kept, as is the file and its SHA-256.
    """

    __tablename__ = "certificate_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    status: Mapped[ClaimStatus] = mapped_column(_enum(ClaimStatus), default=ClaimStatus.CLAIMED, index=True)
    certificate_number: Mapped[str] = mapped_column(String(64), index=True)
    details: Mapped[dict[str, str]] = mapped_column(JSON)  # the claimed certificate's fields, as roster cells
    file_name: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_size: Mapped[int]
    file_content: Mapped[bytes] = mapped_column(LargeBinary)
    submitted_by: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None]
    decision_reason: Mapped[str | None] = mapped_column(String(2000))
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("huawei_certificates.id"))
