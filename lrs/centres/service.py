"""Centres' lifecycle: applications, the ministry's decisions, finding and listing centres, who may read them.

Every change writes an audit entry (``lrs.centres.audit``) in the same transaction, so the log cannot miss a step.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from lrs.auth.service import IssuedCredential, Principal
from lrs.centres.audit import APPLICANT, Actor, record
from lrs.centres.claims import find_conflicts, serialise_claims
from lrs.centres.credentials import issue_centre_credential
from lrs.centres.lookup import find_centre, get_centre
from lrs.centres.models import Centre, CentreStatus
from lrs.db import utcnow
from lrs.errors import Conflict, Forbidden

logger = logging.getLogger(__name__)

__all__ = [
    "APPLICANT", "KINDS", "TRANSITIONS", "Actor", "Application", "CentreFilter", "ClaimConflictError", "Decision",
    "apply_for_centre", "authorise_centre_read", "available_actions", "count_by_status", "decide", "find_centre",
    "get_centre", "issue_centre_credential", "list_centres",
]

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
    record(session, centre, APPLICANT, "apply", None)
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
    record(session, centre, by, action, reason, from_status=previous)
    logger.info("centre %s %s (was %s)", centre.id, transition.past, previous.value)
    if action != "approve":
        return Decision(centre)
    return Decision(centre, issue_centre_credential(session, centre.id, by=by, name=f"{centre.name}: first credential"))


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
