"""Revocation and suspension with W3C Bitstring Status Lists.

Every issued credential carries two ``BitstringStatusListEntry`` objects, one per purpose, at its
index (its row id). Indexes are paged into lists of ``LIST_SIZE`` bits (16 KiB, the size the spec
asks for so that a list says little about any one credential); each list is a signed
``BitstringStatusListCredential`` at a stable URL. Changing a bit bumps the list's version; the
``publish_status_list`` job re-signs and stores it. Until it has, readers get a list signed on the
fly from the database, so a revocation is visible the moment it is committed.
"""

from __future__ import annotations

import base64
import gzip
import io
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lrs.db import dialect_insert, utcnow
from lrs.settings import Settings
from reports.credentials import clr, proof
from reports.credentials.did import did_for, verification_method_id
from reports.credentials.keys import load_keyring
from reports.credentials.models import IssuedCredential, StatusList

logger = logging.getLogger(__name__)

LIST_SIZE = 131_072
PURPOSES = ("revocation", "suspension")
LISTS_PATH = "/api/v1/credentials/status-lists"


class StatusListError(ValueError):
    """An encoded list that is not a gzip-compressed, base64url multibase bitstring."""


def list_url(base_url: str, purpose: str, number: int) -> str:
    """The stable URL of one status list."""
    return f"{base_url}{LISTS_PATH}/{purpose}/{number}"


def status_entries(base_url: str, index: int) -> list[dict[str, Any]]:
    """The ``credentialStatus`` of the credential at ``index``: one entry per purpose."""
    number, bit = divmod(index, LIST_SIZE)
    entries = []
    for purpose in PURPOSES:
        url = list_url(base_url, purpose, number)
        entries.append({
            "id": f"{url}#{bit}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": str(bit),
            "statusListCredential": url,
        })
    return entries


def encode_bits(indexes: Iterable[int], size: int = LIST_SIZE) -> str:
    """The ``encodedList`` with ``indexes`` set: multibase base64url (``u``) of the GZIP'd bitstring.

    Bit 0 is the most significant bit of the first byte, as the spec lays it out.
    """
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode_bits(encoded: str) -> bytes:
    """The bitstring an ``encodedList`` holds.

    Raises:
        StatusListError: not multibase base64url of GZIP data, or larger than a list may be.
    """
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusListError("the encodedList is not multibase base64url")
    try:
        compressed = base64.b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4), altchars=b"-_", validate=True)
        with gzip.GzipFile(fileobj=io.BytesIO(compressed)) as stream:
            bits = stream.read(16 * LIST_SIZE + 1)
    except (ValueError, OSError, EOFError):
        raise StatusListError("the encodedList is not GZIP-compressed base64url") from None
    if not bits:
        raise StatusListError("the status list is empty")
    if len(bits) > 16 * LIST_SIZE:
        raise StatusListError("the status list is larger than any list Elimu reads")
    return bits


def is_set(bits: bytes, index: int) -> bool:
    """Whether bit ``index`` of a decoded list is set (an index past the end is not set)."""
    return index // 8 < len(bits) and bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(issuer: str, url: str, purpose: str, encoded: str, now: datetime) -> dict[str, Any]:
    """The unsigned ``BitstringStatusListCredential`` for one list."""
    return {
        "@context": [clr.VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": clr.iso(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded,
        },
    }


def mark_changed(session: Session, purpose: str, index: int) -> int:
    """Record that a bit of ``purpose``'s list changed; returns the list's number (to publish it)."""
    number = index // LIST_SIZE
    upsert = dialect_insert(session, StatusList).values(purpose=purpose, number=number, version=1, published_version=-1)
    session.execute(upsert.on_conflict_do_update(
        index_elements=[StatusList.purpose, StatusList.number], set_={"version": StatusList.version + 1}
    ))
    return number


def build_status_list(session: Session, settings: Settings, purpose: str, number: int) -> dict[str, Any]:
    """The signed list of ``purpose`` page ``number`` as the database says it is now."""
    flag = IssuedCredential.is_revoked if purpose == "revocation" else IssuedCredential.is_suspended
    first = number * LIST_SIZE
    ids = session.scalars(
        select(IssuedCredential.id).where(flag.is_(True), IssuedCredential.id >= first, IssuedCredential.id < first + LIST_SIZE)
    )
    keyring = load_keyring(settings)
    did = did_for(settings.base_url)
    unsigned = status_list_credential(
        did, list_url(settings.base_url, purpose, number), purpose, encode_bits(i - first for i in ids), datetime.now(UTC)
    )
    return proof.sign(unsigned, keyring.current.signer, verification_method_id(did, keyring.current))


def current_status_list(session: Session, settings: Settings, purpose: str, number: int) -> dict[str, Any]:
    """The list as published, or freshly signed when a change is still waiting for the job."""
    row = session.scalars(select(StatusList).where(StatusList.purpose == purpose, StatusList.number == number)).one_or_none()
    if row is not None and not row.is_stale and row.credential is not None:
        return row.credential
    return build_status_list(session, settings, purpose, number)


def publish_status_list(session: Session, settings: Settings, purpose: str, number: int) -> bool:
    """Re-sign and store a stale list; says whether it stored one (running it again changes nothing)."""
    row = session.scalars(select(StatusList).where(StatusList.purpose == purpose, StatusList.number == number)).one_or_none()
    if row is None or not row.is_stale:
        return False
    version = row.version
    credential = build_status_list(session, settings, purpose, number)
    stored = session.execute(
        update(StatusList)
        .where(StatusList.id == row.id, StatusList.published_version < version)
        .values(credential=credential, published_version=version, published_at=utcnow())
        .returning(StatusList.id)
    ).first()
    logger.info("published %s status list %s at version %s", purpose, number, version)
    return stored is not None


def list_exists(session: Session, number: int) -> bool:
    """Whether any issued credential has an index in page ``number`` (else its list is unknown)."""
    first = number * LIST_SIZE
    found = session.scalar(
        select(IssuedCredential.id).where(IssuedCredential.id >= first, IssuedCredential.id < first + LIST_SIZE).limit(1)
    )
    return found is not None
