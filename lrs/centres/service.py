"""Centres' lifecycle: applications, the ministry's decisions, credentials, and the audit log of all of it.

Every change writes an ``AuditEntry`` in the same transaction, so the log cannot miss a step.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lrs.auth.models import Client
from lrs.auth.service import IssuedCredential, Principal, issue_credential
from lrs.centres.claims import find_conflicts, serialise_claims
from lrs.centres.models import AuditEntry, Centre, CentreStatus
from lrs.db import utcnow
from lrs.errors import Conflict, Forbidden, NotFound

logger = logging.getLogger(__name__)

KINDS = {
    "lms": "Learning management system",
    "vendor_academy": "Vendor academy",
    "school_of_government": "School of government",
    "university": "University",
    "tvet_institution": "TVET institution",
    "training_provider": "Training provider",
    "other": "Other",
}
# Slugs that would collide with the centres pages' own paths.
RESERVED_SLUGS = frozenset({"apply", "admin", "new"})
# What a centre's credential may do in the LRS: write and read its own statements and documents.
CENTRE_SCOPES = ("statements/write", "statements/read/mine", "state", "profile")


@dataclass(frozen=True)
class Transition:
    allowed_from: frozenset[CentreStatus]
    to: CentreStatus
    past: str


TRANSITIONS = {
    "approve": Transition(frozenset({CentreStatus.PENDING}), CentreStatus.APPROVED, "approved"),
    "reject": Transition(frozenset({CentreStatus.PENDING}), CentreStatus.REJECTED, "rejected"),
    "suspend": Transition(frozenset({CentreStatus.APPROVED}), CentreStatus.SUSPENDED, "suspended"),
    "reinstate": Transition(frozenset({CentreStatus.SUSPENDED}), CentreStatus.APPROVED, "reinstated"),
    "revoke": Transition(frozenset({CentreStatus.APPROVED, CentreStatus.SUSPENDED}), CentreStatus.REVOKED, "revoked"),
}


class ClaimConflictError(Conflict):
    code = "claim_conflict"


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


@dataclass(frozen=True)
class Application:
    name: str
    kind: str
    country: str
    accreditation_ref: str
    contact_email: str
    home_pages: list[str]
    activity_prefixes: list[str]


@dataclass(frozen=True)
class Decision:
    centre: Centre
    credential: IssuedCredential | None = None


def _record(
    session: Session,
    centre: Centre,
    by: Actor,
    action: str,
    reason: str | None,
    *,
    from_status: CentreStatus | None = None,
    credential_key: str | None = None,
) -> AuditEntry:
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


def apply_for_centre(session: Session, application: Application) -> Centre:
    """Record an application as a pending centre.

    Raises:
        ClaimConflictError: a prefix or home page overlaps what another centre claims.
    """
    serialise_claims(session)
    conflicts = find_conflicts(session, application.activity_prefixes, application.home_pages)
    if conflicts:
        raise ClaimConflictError("; ".join(conflict.describe() for conflict in conflicts))
    centre = Centre(
        slug=_unique_slug(session, application.name),
        name=application.name,
        kind=application.kind,
        country=application.country,
        accreditation_ref=application.accreditation_ref,
        contact_email=application.contact_email,
        home_pages=application.home_pages,
        activity_prefixes=application.activity_prefixes,
        status=CentreStatus.PENDING,
    )
    session.add(centre)
    session.flush()
    _record(session, centre, APPLICANT, "apply", None)
    logger.info("centre %s applied (%d prefixes, %d home pages)", centre.id, len(centre.activity_prefixes), len(centre.home_pages))
    return centre


def _unique_slug(session: Session, name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "centre"
    taken = set(session.scalars(select(Centre.slug).where(or_(Centre.slug == base, Centre.slug.like(f"{base}-%")))))
    slug, n = (base, 2) if base not in RESERVED_SLUGS else (f"{base}-centre", 2)
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def get_centre(session: Session, centre_id: int) -> Centre:
    """The centre with this id.

    Raises:
        NotFound: there is none.
    """
    centre = session.get(Centre, centre_id)
    if centre is None:
        raise NotFound(f"no centre {centre_id}")
    return centre


def find_centre(session: Session, slug: str) -> Centre | None:
    return session.scalars(select(Centre).where(Centre.slug == slug)).one_or_none()


@dataclass(frozen=True)
class CentreFilter:
    status: CentreStatus | None = None
    kind: str | None = None
    country: str | None = None
    text: str | None = None


def list_centres(session: Session, where: CentreFilter, *, limit: int = 100, offset: int = 0) -> tuple[list[Centre], int]:
    """A page of centres matching ``where``, newest application first, and how many match in all."""
    conditions = []
    if where.status is not None:
        conditions.append(Centre.status == where.status)
    if where.kind:
        conditions.append(Centre.kind == where.kind)
    if where.country:
        conditions.append(Centre.country == where.country.upper())
    if where.text:
        pattern = f"%{where.text.lower()}%"
        conditions.append(or_(func.lower(Centre.name).like(pattern), func.lower(Centre.slug).like(pattern)))
    total = session.scalar(select(func.count()).select_from(Centre).where(*conditions)) or 0
    centres = session.scalars(
        select(Centre).where(*conditions).order_by(Centre.created_at.desc(), Centre.id.desc()).limit(limit).offset(offset)
    )
    return list(centres), total


def count_by_status(session: Session) -> dict[CentreStatus, int]:
    rows = session.execute(select(Centre.status, func.count()).group_by(Centre.status))
    counts = dict.fromkeys(CentreStatus, 0)
    counts.update({status: count for status, count in rows})
    return counts


def available_actions(centre: Centre) -> list[str]:
    """The decisions that can be taken about the centre in its current status."""
    return [action for action, transition in TRANSITIONS.items() if centre.status in transition.allowed_from]


def decide(session: Session, centre_id: int, action: str, *, by: Actor, reason: str) -> Decision:
    """Approve, reject, suspend, reinstate or revoke a centre; approval issues its first credential.

    Raises:
        NotFound: no such centre.
        Conflict: the decision does not apply to the centre's current status.
    """
    transition = TRANSITIONS[action]
    centre = get_centre(session, centre_id)
    if centre.status not in transition.allowed_from:
        expected = " or ".join(sorted(status.value for status in transition.allowed_from))
        raise Conflict(f"centre {centre.id} is {centre.status.value}; only a {expected} centre can be {transition.past}")
    previous = centre.status
    centre.status = transition.to
    centre.status_reason = reason
    centre.status_changed_at = utcnow()
    _record(session, centre, by, action, reason, from_status=previous)
    logger.info("centre %s %s (was %s)", centre.id, transition.past, previous.value)
    if action != "approve":
        return Decision(centre)
    return Decision(centre, _issue(session, centre, by, name=f"{centre.name}: first credential", reason=None))


def _issue(session: Session, centre: Centre, by: Actor, *, name: str, reason: str | None, action: str = "issue_credential") -> IssuedCredential:
    issued = issue_credential(session, name=name, scopes=CENTRE_SCOPES, role="centre", centre=centre)
    _record(session, centre, by, action, reason, credential_key=issued.client.key)
    return issued


def issue_centre_credential(session: Session, centre_id: int, *, by: Actor, name: str | None) -> IssuedCredential:
    """A further credential for an approved centre (one per LMS, say).

    Raises:
        NotFound: no such centre.
        Conflict: the centre is not approved.
    """
    centre = get_centre(session, centre_id)
    if not centre.is_approved:
        raise Conflict(f"centre {centre.id} is {centre.status.value}; credentials are issued only to approved centres")
    count = session.scalar(select(func.count()).select_from(Client).where(Client.centre_id == centre.id)) or 0
    return _issue(session, centre, by, name=name or f"{centre.name}: credential {count + 1}", reason=None)


def list_credentials(session: Session, centre_id: int) -> list[Client]:
    get_centre(session, centre_id)
    return list(session.scalars(select(Client).where(Client.centre_id == centre_id).order_by(Client.id)))


def _credential(session: Session, centre_id: int, key: str) -> tuple[Centre, Client]:
    centre = get_centre(session, centre_id)
    client = session.scalars(select(Client).where(Client.key == key, Client.centre_id == centre.id)).one_or_none()
    if client is None:
        raise NotFound(f"centre {centre.id} has no credential {key}")
    if not client.is_active:
        raise Conflict(f"credential {key} was already revoked")
    return centre, client


def revoke_credential(session: Session, centre_id: int, key: str, *, by: Actor, reason: str) -> Client:
    """Revoke one of a centre's credentials at once; what it wrote stays.

    Raises:
        NotFound: no such centre or credential.
        Conflict: it was already revoked.
    """
    centre, client = _credential(session, centre_id, key)
    client.is_active = False
    client.revoked_at = utcnow()
    _record(session, centre, by, "revoke_credential", reason, credential_key=key)
    logger.info("centre %s credential %s revoked", centre.id, client.id)
    return client


def rotate_credential(session: Session, centre_id: int, key: str, *, by: Actor, reason: str) -> IssuedCredential:
    """Replace a credential with a new one of the same name and scopes, revoking the old one.

    Raises:
        NotFound: no such centre or credential.
        Conflict: it was already revoked, or the centre is not approved.
    """
    centre, client = _credential(session, centre_id, key)
    if not centre.is_approved:
        raise Conflict(f"centre {centre.id} is {centre.status.value}; credentials are issued only to approved centres")
    client.is_active = False
    client.revoked_at = utcnow()
    issued = issue_credential(session, name=client.name, scopes=client.scopes, role="centre", centre=centre)
    _record(session, centre, by, "rotate_credential", f"{reason} (replaces {key})", credential_key=issued.client.key)
    return issued


def audit_entries(session: Session, *, centre_id: int | None, after: int | None, limit: int) -> list[AuditEntry]:
    """Audit entries oldest first, optionally of one centre, after the entry id ``after``."""
    statement = select(AuditEntry)
    if centre_id is not None:
        statement = statement.where(AuditEntry.centre_id == centre_id)
    if after is not None:
        statement = statement.where(AuditEntry.id > after)
    return list(session.scalars(statement.order_by(AuditEntry.id).limit(limit)))


def recent_audit_entries(session: Session, limit: int) -> list[tuple[AuditEntry, Centre]]:
    rows = session.execute(
        select(AuditEntry, Centre).join(Centre, Centre.id == AuditEntry.centre_id).order_by(AuditEntry.id.desc()).limit(limit)
    )
    return [(entry, centre) for entry, centre in rows]


def authorise_centre_read(principal: Principal, centre_id: int) -> None:
    """Admins and registrars read every centre; a centre's credential reads only its own.

    Raises:
        Forbidden: any other credential.
    """
    if principal.role in ("admin", "registrar"):
        return
    if principal.role == "centre" and principal.centre is not None and principal.centre.id == centre_id:
        return
    if principal.role == "centre":
        raise Forbidden("a centre's credential reads only its own centre")
    raise Forbidden("this needs the admin, registrar or centre role")
