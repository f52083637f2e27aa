"""A centre's xAPI credentials: issued on approval and on request, listed, rotated and revoked, each audited."""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lrs.auth.models import Client
from lrs.auth.service import IssuedCredential, issue_credential
from lrs.centres.audit import Actor, record
from lrs.centres.lookup import get_centre
from lrs.centres.models import Centre
from lrs.db import utcnow
from lrs.errors import Conflict, NotFound

logger = logging.getLogger(__name__)

# What a centre's credential may do in the LRS: write and read its own statements and documents.
CENTRE_SCOPES = ("statements/write", "statements/read/mine", "state", "profile")


def _require_approved(centre: Centre) -> None:
    if not centre.is_approved:
        raise Conflict(f"centre {centre.id} is {centre.status.value}; credentials are issued only to approved centres")


def issue_centre_credential(session: Session, centre_id: int, *, by: Actor, name: str | None = None) -> IssuedCredential:
    """A credential for an approved centre (one per LMS, say); the clear secret exists only in the result.

    Raises:
        NotFound: no such centre.
        Conflict: the centre is not approved.
    """
    centre = get_centre(session, centre_id)
    _require_approved(centre)
    count = session.scalar(select(func.count()).select_from(Client).where(Client.centre_id == centre.id)) or 0
    issued = issue_credential(
        session, name=name or f"{centre.name}: credential {count + 1}", scopes=CENTRE_SCOPES, role="centre", centre=centre
    )
    record(session, centre, by, "issue_credential", None, credential_key=issued.client.key)
    logger.info("centre %s credential %s issued", centre.id, issued.client.id)
    return issued


def list_credentials(session: Session, centre_id: int) -> list[Client]:
    """The centre's credentials, active and revoked, oldest first.

    Raises:
        NotFound: no such centre.
    """
    centre = get_centre(session, centre_id)
    return list(session.scalars(select(Client).where(Client.centre_id == centre.id).order_by(Client.id)))


def _active_credential(session: Session, centre_id: int, key: str) -> tuple[Centre, Client]:
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
        NotFound: no such centre, or it has no such credential.
        Conflict: it was already revoked.
    """
    centre, client = _active_credential(session, centre_id, key)
    client.is_active = False
    client.revoked_at = utcnow()
    record(session, centre, by, "revoke_credential", reason, credential_key=key)
    logger.info("centre %s credential %s revoked", centre.id, client.id)
    return client


def rotate_credential(session: Session, centre_id: int, key: str, *, by: Actor, reason: str) -> IssuedCredential:
    """Replace a credential with a new one of the same name and scopes, revoking the old one.

    Raises:
        NotFound: no such centre, or it has no such credential.
        Conflict: it was already revoked, or the centre is not approved.
    """
    centre, client = _active_credential(session, centre_id, key)
    _require_approved(centre)
    client.is_active = False
    client.revoked_at = utcnow()
    issued = issue_credential(session, name=client.name, scopes=client.scopes, role="centre", centre=centre)
    record(session, centre, by, "rotate_credential", f"{reason} (replaces {key})", credential_key=issued.client.key)
    logger.info("centre %s credential %s rotated into %s", centre.id, client.id, issued.client.id)
    return issued
