"""Tie the parts of a multipart/mixed Statement request to the Statements' Attachments.

Rules (xAPI 1.0.3 / 2.0.0, Communication §1.5.2 and Data §2.4.11, §2.6):

* Attachment Objects are looked for in each Statement's ``attachments`` and in the
  ``attachments`` of a SubStatement object (the spec recommends, but does not
  require, putting a SubStatement's Attachments on the outer Statement).
* Parts are matched to Attachments only by hash: a part's
  ``X-Experience-API-Hash`` must equal the ``sha2`` of at least one Attachment in
  the batch (hex compares case-insensitively; a base64 digest is accepted too), or
  the request is rejected; so is a part whose data does not hash to that value.
  SHA-224/256/384/512 are recognised by digest length.
* An Attachment without a ``fileUrl`` must have a part.  One with a ``fileUrl``
  may have one (its data is then kept) but needs none.
* The same data is sent once even if several Attachments use it; a repeated part
  with the same (verified) hash is accepted and the first copy kept.
* A signature Attachment (usageType ``…/attachments/signature``) must have
  contentType ``application/octet-stream`` and a part, even when it also has a
  ``fileUrl``; on a Statement its part must be a JWS that verifies against that
  Statement (see ``signatures.py``).  On a SubStatement it is matched and hashed
  like any Attachment but not verified (the spec does not say what it would sign).
* The declared ``length`` is not compared with the part's size: the spec gives no
  such rule for the LRS, and the conformance suite itself sends a part whose size
  differs from the declared length and expects it to be accepted.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

from lrs.errors import InvalidStatement
from lrs.xapi.multipart import Part, media_type
from lrs.xapi.signatures import SIGNATURE_CONTENT_TYPE, SIGNATURE_USAGE_TYPE, verify_statement_signature

__all__ = ["check_attachments", "digest_key"]

_HEX_RE = re.compile(r"[0-9a-fA-F]+")
_BASE64_RE = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
_ALGORITHM_BY_SIZE = {28: "sha224", 32: "sha256", 48: "sha384", 64: "sha512"}


def digest_key(sha2: str) -> tuple[str, str | None]:
    """(comparable key, hashlib algorithm name) for a declared SHA-2 value.

    The key is the lower-case hex digest when the value is a hex or base64 SHA-2
    digest of a known size; otherwise the value itself, with no algorithm.
    """
    value = sha2.strip()
    if _HEX_RE.fullmatch(value) and len(value) % 2 == 0 and len(value) // 2 in _ALGORITHM_BY_SIZE:
        return value.lower(), _ALGORITHM_BY_SIZE[len(value) // 2]
    if _BASE64_RE.fullmatch(value):
        standard = value.replace("-", "+").replace("_", "/")
        try:
            digest = base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
        except (binascii.Error, ValueError):
            digest = b""
        if len(digest) in _ALGORITHM_BY_SIZE:
            return digest.hex(), _ALGORITHM_BY_SIZE[len(digest)]
    return (value.lower() if _HEX_RE.fullmatch(value) else value), None


class _Declared:
    """What the Statements say about Attachments, by hash key."""

    __slots__ = ("names", "needs_part", "signatures")

    def __init__(self) -> None:
        self.names: dict[str, list[str]] = {}
        self.needs_part: dict[str, str] = {}
        self.signatures: list[tuple[dict, str]] = []

    def collect(self, owner: dict, *, verify_signatures: bool) -> None:
        attachments = owner.get("attachments")
        if attachments is None:
            return
        if not isinstance(attachments, list):
            raise InvalidStatement("a Statement's attachments must be an array of Attachment Objects")
        for attachment in attachments:
            if not isinstance(attachment, dict):
                raise InvalidStatement("an Attachment must be an object")
            sha2 = attachment.get("sha2")
            if not isinstance(sha2, str) or not sha2.strip():
                raise InvalidStatement("an Attachment has no sha2")
            key, _ = digest_key(sha2)
            names = self.names.setdefault(key, [])
            if sha2 not in names:
                names.append(sha2)
            signature = attachment.get("usageType") == SIGNATURE_USAGE_TYPE
            if signature:
                content_type = attachment.get("contentType")
                if not isinstance(content_type, str) or media_type(content_type) != SIGNATURE_CONTENT_TYPE:
                    raise InvalidStatement(
                        f"a signature Attachment must have contentType {SIGNATURE_CONTENT_TYPE}, not {content_type!r}"
                    )
                if verify_signatures:
                    self.signatures.append((owner, key))
            if signature or not attachment.get("fileUrl"):
                self.needs_part.setdefault(key, sha2)


def check_attachments(statements: list[dict], parts: list[Part]) -> dict[str, Part]:
    """Check the parts of a multipart request against the Attachments of ``statements``.

    Every Attachment (on a Statement or its SubStatement) without a ``fileUrl``, and
    every signature Attachment, must have a part with the same hash; every part must
    match some Attachment's ``sha2`` and its data must hash to it; a Statement's
    signature Attachments are verified with ``verify_statement_signature``.  Returns
    the parts by ``sha2``, keyed by each spelling the Attachments use.  Raises
    InvalidStatement otherwise.  With no attachments and no parts it does no work.
    """
    declared = _Declared()
    for statement in statements:
        if not isinstance(statement, dict):
            raise InvalidStatement("a Statement must be an object")
        declared.collect(statement, verify_signatures=True)
        target = statement.get("object")
        if isinstance(target, dict) and target.get("objectType") == "SubStatement":
            declared.collect(target, verify_signatures=False)

    by_key: dict[str, Part] = {}
    for number, part in enumerate(parts, start=2):
        sha2 = part.sha2
        if not sha2:
            raise InvalidStatement(f"multipart part {number} has no X-Experience-API-Hash header")
        key, algorithm = digest_key(sha2)
        if key not in declared.names:
            raise InvalidStatement(
                f"multipart part {number} (X-Experience-API-Hash {sha2}) matches no Attachment's sha2"
            )
        if algorithm is None:
            raise InvalidStatement(f"multipart part {number}: {sha2!r} is not a SHA-2 digest this LRS can check")
        if hashlib.new(algorithm, part.body).hexdigest() != key:
            raise InvalidStatement(f"the data of multipart part {number} does not hash to {sha2}")
        by_key.setdefault(key, part)

    for key, sha2 in declared.needs_part.items():
        if key not in by_key:
            raise InvalidStatement(f"the Attachment with sha2 {sha2} has neither a fileUrl nor a multipart part")

    for statement, key in declared.signatures:
        verify_statement_signature(statement, by_key[key].body)

    return {name: by_key[key] for key, names in declared.names.items() if key in by_key for name in names}
