"""Issuing transcript credentials and changing their standing (revoke, suspend, reinstate).

Services take a Session and never commit; the caller enqueues ``publish_status_list`` for the lists
a status change names once it has committed.
"""

from __future__ import annotations

import copy
import logging
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.db import utcnow
from lrs.errors import BadRequest, Conflict, NotFound
from lrs.settings import Settings
from reports.credentials import clr, proof, status
from reports.credentials.did import did_for, verification_method_id
from reports.credentials.keys import load_keyring
from reports.credentials.models import IssuedCredential
from reports.credentials.qr import verification_qr_png
from reports.credentials.verify import Trust, Verification, verify_credential
from reports.transcripts.pdf import Verification as PdfVerification
from reports.transcripts.pdf import render_pdf

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class StatusChange:
    """A committed-to-be change of a credential's standing, and the lists to re-publish after commit."""

    credential: IssuedCredential
    lists: list[tuple[str, int]]


def issue_transcript_credential(
    session: Session, settings: Settings, transcript: dict[str, Any], *, issued_by: int | None
) -> IssuedCredential:
    """Sign ``transcript`` as a ClrCredential of AchievementCredentials and record it.

    Raises:
        Conflict: the transcript has no line a credential can state.
        SigningKeyMissing: the deployment has no signing key.
    """
    if not clr.credited_lines(transcript):
        raise Conflict(f"learner {transcript['learner']['id']} has no transcript lines to certify yet")
    keyring = load_keyring(settings)
    snapshot = copy.deepcopy(transcript)  # the row keeps what was signed, whatever happens to the caller's dict
    row = IssuedCredential(learner_id=snapshot["learner"]["id"], snapshot=snapshot, issued_by_client_id=issued_by)
    session.add(row)
    session.flush()  # the row id is the credential's status list index
    did = did_for(settings.base_url)
    key = keyring.current
    method = verification_method_id(did, key)
    issuance = clr.Issuance(
        base_url=settings.base_url,
        issuer=clr.issuer_profile(did, settings.issuer_name, settings.base_url),
        credential_id=row.public_id,
        issued_at=row.issued_at,
        status=status.status_entries(settings.base_url, row.id),
        salt=secrets.token_hex(16),
    )
    members = [
        proof.sign(member, key.signer, method, created=row.issued_at)
        for member in clr.achievement_credentials(snapshot, issuance)
    ]
    row.credential = proof.sign(clr.clr_credential(snapshot, members, issuance), key.signer, method, created=row.issued_at)
    row.verification_method = method
    logger.info("issued credential %s (index %s, %s lines) for learner %s", row.public_id, row.id, len(members), row.learner_id)
    return row


def get_issued_credential(session: Session, public_id: uuid.UUID | str) -> IssuedCredential:
    """The issued credential with this public id.

    Raises:
        NotFound: no such credential.
    """
    key = _uuid(public_id)
    row = session.scalars(select(IssuedCredential).where(IssuedCredential.public_id == key)).one_or_none() if key else None
    if row is None:
        raise NotFound(f"no credential {public_id}")
    return row


def find_issued_credential(session: Session, credential_id: Any) -> IssuedCredential | None:
    """The issued credential a document's ``id`` (``urn:uuid:...``) names, if it is one of ours."""
    if not isinstance(credential_id, str) or not credential_id.startswith("urn:uuid:"):
        return None
    key = _uuid(credential_id[len("urn:uuid:"):])
    if key is None:
        return None
    return session.scalars(select(IssuedCredential).where(IssuedCredential.public_id == key)).one_or_none()


def revoke_credential(session: Session, public_id: str, *, reason: str, by: int | None) -> StatusChange:
    """Revoke for good (the revocation list bit is set and never cleared).

    Raises:
        NotFound: no such credential.
        Conflict: already revoked.
    """
    row = get_issued_credential(session, public_id)
    if row.is_revoked:
        raise Conflict(f"credential {public_id} is already revoked")
    row.is_revoked = True
    return _changed(session, row, "revocation", reason, by)


def suspend_credential(session: Session, public_id: str, *, reason: str, by: int | None) -> StatusChange:
    """Suspend until reinstated.

    Raises:
        NotFound: no such credential.
        Conflict: revoked or already suspended.
    """
    row = get_issued_credential(session, public_id)
    if row.is_revoked or row.is_suspended:
        raise Conflict(f"credential {public_id} is {row.status}")
    row.is_suspended = True
    return _changed(session, row, "suspension", reason, by)


def reinstate_credential(session: Session, public_id: str, *, reason: str, by: int | None) -> StatusChange:
    """Lift a suspension.

    Raises:
        NotFound: no such credential.
        Conflict: not suspended (a revocation cannot be lifted).
    """
    row = get_issued_credential(session, public_id)
    if not row.is_suspended or row.is_revoked:
        raise Conflict(f"credential {public_id} is {row.status}, not suspended")
    row.is_suspended = False
    return _changed(session, row, "suspension", reason, by)


def _changed(session: Session, row: IssuedCredential, purpose: str, reason: str, by: int | None) -> StatusChange:
    if not reason.strip():
        raise BadRequest("a reason is required")
    row.reason = reason.strip()
    row.status_changed_at = utcnow()
    row.status_changed_by_client_id = by
    number = status.mark_changed(session, purpose, row.id)
    logger.info("credential %s is now %s", row.public_id, row.status)
    return StatusChange(row, [(purpose, number)])


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def verify_document(session: Session, settings: Settings, document: Any) -> Verification:
    """Verify ``document`` against this deployment's keys and status lists; name the reason if we revoked it."""
    result = verify_credential(document, verification_trust(session, settings))
    if result.credential_status in ("revoked", "suspended") and isinstance(document, dict):
        row = find_issued_credential(session, document.get("id"))
        if row is not None and row.reason:
            result.details["status"] += f" (reason given: {row.reason})"
    return result


def verification_trust(session: Session, settings: Settings) -> Trust:
    """What this deployment trusts: its DID and keyring, its own status lists, and the current time."""
    prefix = f"{settings.base_url}{status.LISTS_PATH}/"
    lists: dict[str, dict[str, Any] | None] = {}

    def status_list(url: str) -> dict[str, Any] | None:
        if url not in lists:
            lists[url] = _own_status_list(session, settings, url, prefix)
        return lists[url]

    return Trust(did_for(settings.base_url), load_keyring(settings), status_list, utcnow())


def _own_status_list(session: Session, settings: Settings, url: str, prefix: str) -> dict[str, Any] | None:
    purpose, _, number = url[len(prefix):].partition("/") if url.startswith(prefix) else ("", "", "")
    if purpose not in status.PURPOSES or not number.isdigit() or not status.list_exists(session, int(number)):
        return None
    return status.current_status_list(session, settings, purpose, int(number))


def verification_url(base_url: str, public_id: uuid.UUID) -> str:
    """The page a person reaches from the QR code to verify a credential."""
    return f"{base_url}/verify/{public_id}"


def current_verification(session: Session, base_url: str, learner_id: int, transcript: dict[str, Any]) -> PdfVerification | None:
    """The QR code and address for a PDF of ``transcript``, when the learner's newest valid credential states it.

    A transcript that changed since its last credential gets none: the QR code would vouch for other lines.
    """
    row = session.scalars(
        select(IssuedCredential)
        .where(IssuedCredential.learner_id == learner_id, IssuedCredential.is_revoked.is_(False),
               IssuedCredential.is_suspended.is_(False))
        .order_by(IssuedCredential.id.desc())
        .limit(1)
    ).first()
    if row is None or row.snapshot != transcript:
        return None
    url = verification_url(base_url, row.public_id)
    return PdfVerification(url, verification_qr_png(url))


def issued_transcript_pdf(row: IssuedCredential, base_url: str) -> bytes:
    """The transcript as issued, rendered by the transcripts package with this credential's QR code."""
    url = verification_url(base_url, row.public_id)
    return render_pdf(row.snapshot, generated_at=row.issued_at, verification=PdfVerification(url, verification_qr_png(url)))


def describe(row: IssuedCredential, base_url: str) -> dict[str, Any]:
    """An issued credential as the API shows it."""
    return {
        "public_id": row.public_id,
        "credential": row.credential,
        "verification_url": verification_url(base_url, row.public_id),
        "status": row.status,
        "learner_id": row.learner_id,
        "issued_at": row.issued_at,
        "reason": row.reason,
        "status_changed_at": row.status_changed_at,
    }
