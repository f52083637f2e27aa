"""The append-only audit log of centres: who did what, when and why, written with every change it records."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.auth.service import Principal
from lrs.centres.models import AuditEntry, Centre, CentreStatus
from lrs.db import utcnow


@dataclass(frozen=True)
class Actor:
    """Who did something, as the audit log records it."""

    label: str
    kind: str  # person | client | applicant | system

    @classmethod
    def of_client(cls, principal: Principal) -> Actor:
        return cls(f"client:{principal.key}", "client")

    @classmethod
    def of_person(cls, email: str) -> Actor:
        return cls(email, "person")


APPLICANT = Actor("applicant", "applicant")


def record(
    session: Session,
    centre: Centre,
    by: Actor,
    action: str,
    reason: str | None,
    *,
    from_status: CentreStatus | None = None,
    credential_key: str | None = None,
) -> AuditEntry:
    """Add an entry about ``centre`` in its current status (in the caller's transaction)."""
    entry = AuditEntry(
        centre_id=centre.id,
        at=utcnow(),
        actor=by.label,
        actor_kind=by.kind,
        action=action,
        reason=reason,
        from_status=from_status.value if from_status else None,
        to_status=centre.status.value,
        credential_key=credential_key,
    )
    session.add(entry)
    session.flush()
    return entry


def audit_entries(session: Session, *, centre_id: int | None, after: int | None, limit: int) -> list[AuditEntry]:
    """Audit entries oldest first, optionally of one centre, after the entry id ``after``."""
    statement = select(AuditEntry)
    if centre_id is not None:
        statement = statement.where(AuditEntry.centre_id == centre_id)
    if after is not None:
        statement = statement.where(AuditEntry.id > after)
    return list(session.scalars(statement.order_by(AuditEntry.id).limit(limit)))


def recent_audit_entries(session: Session, limit: int) -> list[tuple[AuditEntry, Centre]]:
    """The newest entries of every centre, newest first, with their centre."""
    rows = session.execute(
        select(AuditEntry, Centre).join(Centre, Centre.id == AuditEntry.centre_id).order_by(AuditEntry.id.desc()).limit(limit)
    )
    return [(entry, centre) for entry, centre in rows]
