"""Certificate claims: a learner's institution (or the academy) submits a Huawei certificate number with its PDF.

A claim waits, ``claimed``, until an administrator checks it against Huawei's public verification
page and verifies or rejects it (a rejection needs a reason). Only a verified claim counts: it is put
on record like a roster row and becomes the same statements, written as the academy. The PDF, its
SHA-256, who submitted and who decided, when and why, are kept.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.core.ingest import connector_principal, ingest_statements
from connectors.core.service import Caller, authorise_centre_manage, importer_of
from connectors.huawei_talent.models import CertificateClaim, ClaimStatus, HuaweiCertificate
from connectors.huawei_talent.records import place_certificate
from connectors.huawei_talent.rows import SCHEMES_BY_COUNTRY, CertificateRow, RawRow, RowRejected, check_row
from lrs.centres.lookup import get_centre
from lrs.centres.models import Centre
from lrs.db import utcnow
from lrs.errors import BadRequest, Conflict, Forbidden, NotFound, PayloadTooLarge
from lrs.settings import Settings
from reports.learners.identifiers import parse_identifier_query
from reports.learners.service import find_by_identifier, get_learner

logger = logging.getLogger(__name__)

CLAIM_FIELDS = ("certificate_number", "certificate_name", "certificate_level", "track", "course_code", "course_title",
                "issue_date", "expiry_date", "huawei_account", "email")
SUBMITTERS = ("admin", "registrar", "centre")


@dataclass(frozen=True)
class Submission:
    identifier: str  # scheme:value of the learner
    fields: dict[str, str]
    file_name: str
    content: bytes


def submit_claim(session: Session, settings: Settings, centre_id: int, submission: Submission, *, by: Caller) -> CertificateClaim:
    """Record a claim, ``claimed``, after checking its fields and that the file is a PDF.

    Raises:
        NotFound: no such centre, or no learner with the identifier.
        Conflict: the centre is not approved; the certificate is on record or already claimed.
        BadRequest: a field or the file is not right.
        PayloadTooLarge: the PDF is larger than ELIMU_CLAIM_MAX_BYTES.
    """
    if by.role not in SUBMITTERS:
        raise Forbidden("claims are submitted by an institution's, the academy's or an administrator's credential")
    centre = get_centre(session, centre_id)
    if not centre.is_approved:
        raise Conflict(f"centre {centre.id} is {centre.status.value}; claims go to approved centres")
    _check_pdf(submission.content, settings.claim_max_bytes)
    scheme, value = parse_identifier_query(submission.identifier)
    learners = find_by_identifier(session, scheme, value)
    if not learners:
        raise NotFound(f"no learner with identifier {scheme}:{value}")
    learner = learners[0]
    cells = {name: (submission.fields.get(name) or "").strip() for name in CLAIM_FIELDS}
    row = _row_of(centre, cells, learner.id, session, utcnow().date())
    _check_not_on_record(session, row.certificate_number)
    claim = CertificateClaim(
        centre_id=centre.id, learner_id=learner.id, status=ClaimStatus.CLAIMED, certificate_number=row.certificate_number,
        details=cells, file_name=submission.file_name[:255] or "certificate.pdf",
        file_sha256=hashlib.sha256(submission.content).hexdigest(), file_size=len(submission.content),
        file_content=submission.content, submitted_by=by.label,
    )
    session.add(claim)
    session.flush()
    logger.info("certificate claim %s submitted for centre %s", claim.id, centre.id)
    return claim


def verify_claim(session: Session, settings: Settings, claim_id: int, *, by: Caller, reason: str | None) -> CertificateClaim:
    """Accept a claim: it goes on record and becomes the academy's statements.

    Raises:
        NotFound: no such claim.
        Conflict: it was decided already, or no longer fits what is on record.
    """
    claim = _pending(session, claim_id)
    centre = get_centre(session, claim.centre_id)
    row = _row_of(centre, claim.details, claim.learner_id, session, utcnow().date())
    _check_not_on_record(session, row.certificate_number, claim_id=claim.id)
    principal = connector_principal(session, importer_of(session, settings, centre, by=by).client_id, base_url=settings.base_url)
    try:
        with session.begin_nested():
            placed = place_certificate(session, centre, row, source="claim")
            ingest_statements(session, principal, placed.statements)
    except RowRejected as rejected:
        raise Conflict(f"the claim cannot be verified: {rejected.column} {rejected.reason}") from None
    claim.certificate_id = placed.certificate.id if placed.certificate is not None else None
    _decide(claim, ClaimStatus.VERIFIED, by, reason)
    return claim


def reject_claim(session: Session, claim_id: int, *, by: Caller, reason: str) -> CertificateClaim:
    """Refuse a claim, saying why; it never counts.

    Raises:
        NotFound, Conflict: as ``verify_claim``.
        BadRequest: no reason.
    """
    if not reason.strip():
        raise BadRequest("reason: a rejection must say why")
    claim = _pending(session, claim_id)
    _decide(claim, ClaimStatus.REJECTED, by, reason)
    return claim


def get_claim(session: Session, claim_id: int, *, by: Caller) -> CertificateClaim:
    """A claim its caller may see: administrators and registrars see every claim, the academy its own.

    Raises:
        NotFound, Forbidden.
    """
    claim = session.get(CertificateClaim, claim_id)
    if claim is None:
        raise NotFound(f"no certificate claim {claim_id}")
    if by.role != "registrar":
        authorise_centre_manage(by, claim.centre_id)
    return claim


def centre_claims(session: Session, centre_id: int, *, status: ClaimStatus | None, by: Caller) -> list[CertificateClaim]:
    authorise_centre_manage(by, centre_id)
    query = select(CertificateClaim).where(CertificateClaim.centre_id == centre_id)
    if status is not None:
        query = query.where(CertificateClaim.status == status)
    return list(session.scalars(query.order_by(CertificateClaim.id)))


def claims_with_status(session: Session, status: ClaimStatus, *, limit: int = 200) -> list[tuple[CertificateClaim, Centre]]:
    """Claims of every centre in one status, oldest first (for the administrators' pages)."""
    query = (
        select(CertificateClaim, Centre).join(Centre, Centre.id == CertificateClaim.centre_id)
        .where(CertificateClaim.status == status).order_by(CertificateClaim.id)
    )
    return list(session.execute(query.limit(limit)).tuples())


def _pending(session: Session, claim_id: int) -> CertificateClaim:
    claim = session.get(CertificateClaim, claim_id)
    if claim is None:
        raise NotFound(f"no certificate claim {claim_id}")
    if claim.status is not ClaimStatus.CLAIMED:
        raise Conflict(f"claim {claim_id} was already {claim.status.value}")
    return claim


def _decide(claim: CertificateClaim, status: ClaimStatus, by: Caller, reason: str | None) -> None:
    claim.status = status
    claim.decided_by = by.label
    claim.decided_at = utcnow()
    claim.decision_reason = (reason or "").strip()[:2000] or None


def _row_of(centre: Centre, cells: dict[str, str], learner_id: int, session: Session, today: date) -> CertificateRow:
    """The claim as a roster row of the learner (their name and identifiers come from the registry)."""
    learner = get_learner(session, learner_id)
    held = {identifier.scheme: identifier.value for identifier in learner.identifiers}
    national, upn = SCHEMES_BY_COUNTRY.get(centre.country, ("", ""))
    row_cells = {**cells, "full_name": learner.name, "national_id": held.get(national, ""), "upn": held.get(upn, "")}
    if not (row_cells["national_id"] or row_cells["upn"]):
        raise BadRequest(f"the learner has no {national} or {upn} identifier, which the academy's records are keyed by")
    try:
        return check_row(RawRow(1, row_cells), country=centre.country, today=today)
    except RowRejected as rejected:
        raise BadRequest(f"{rejected.column}: {rejected.reason}") from None


def _check_not_on_record(session: Session, number: str, *, claim_id: int | None = None) -> None:
    if session.scalar(select(HuaweiCertificate.id).where(HuaweiCertificate.certificate_number == number)) is not None:
        raise Conflict(f"certificate {number} is already on record")
    pending = session.scalar(
        select(CertificateClaim.id).where(
            CertificateClaim.certificate_number == number,
            CertificateClaim.status == ClaimStatus.CLAIMED,
            CertificateClaim.id != (claim_id or 0),
        )
    )
    if pending is not None:
        raise Conflict(f"certificate {number} is already claimed (claim {pending}), waiting for verification")


def _check_pdf(content: bytes, limit: int) -> None:
    if len(content) > limit:
        raise PayloadTooLarge(f"the PDF is larger than {limit // (1024 * 1024)} MB")
    if not content.startswith(b"%PDF-"):
        raise BadRequest("file: the certificate must be a PDF file")
