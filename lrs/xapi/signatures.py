"""Signed Statements (xAPI Data §2.6, 1.0.3 and 2.0.0).

A signed Statement carries, as an Attachment with usageType
``http://adlnet.gov/expapi/attachments/signature`` and contentType
``application/octet-stream``, a JWS (RFC 7515) whose payload is the Statement as
it was before the signature was added.  The LRS must reject malformed signatures
with 400: it decodes the JWS, checks that the signed Statement is logically
equivalent to the one received, checks the algorithm is RS256, RS384 or RS512 and,
when the JWS header carries an X.509 certificate (``x5c``), checks the signature
against that certificate's key.

What "logically equivalent" means here (Data §2.3.1, the Statement comparison
requirements, and 2.0's rule on Durations):

* the signature Attachment(s) are left out of the received Statement (an
  ``attachments`` list left empty is dropped) and likewise out of the payload;
  every other Attachment Object must be the same, in the same order;
* ``authority``, ``stored`` and ``version`` are the LRS's to set and are ignored;
  ``id`` and ``timestamp`` are ignored when the payload has none (the LRS may have
  assigned them), otherwise they must match;
* UUIDs (Statement ids, StatementRef ids, registrations) compare case-insensitively;
* timestamps compare as points in time, to the millisecond;
* Durations compare with their seconds truncated to hundredths;
* the ``mailto:`` scheme and the domain of an ``mbox``, ``mbox_sha1sum``, language
  tags (language map keys, ``context.language``) compare case-insensitively;
* a Group's ``member`` list is unordered; a single object under a
  ``contextActivities`` key equals a one-element list; an absent ``objectType``
  equals its default (``Agent`` for actors, ``Activity`` for objects);
* a Verb's ``display`` and an Activity's ``definition`` are not part of the
  Statement, so differences there are ignored;
* everything else (extensions included) must be equal as JSON values.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from datetime import datetime, timezone
from typing import Any

from lrs.errors import InvalidStatement

__all__ = [
    "SIGNATURE_USAGE_TYPE",
    "SIGNATURE_CONTENT_TYPE",
    "SUPPORTED_ALGORITHMS",
    "verify_statement_signature",
    "signed_payload_matches",
]

SIGNATURE_USAGE_TYPE = "http://adlnet.gov/expapi/attachments/signature"
SIGNATURE_CONTENT_TYPE = "application/octet-stream"
SUPPORTED_ALGORITHMS = ("RS256", "RS384", "RS512")

_B64URL_RE = re.compile(r"[A-Za-z0-9_-]*")
_LRS_ASSIGNED = ("authority", "stored", "version")
_ASSIGNED_IF_ABSENT = ("id", "timestamp")
_DURATION_FRACTION_RE = re.compile(r"^(P.*?\d+)[.,](\d+)S$")


# --------------------------------------------------------------------------- JWS


def _fail(message: str) -> InvalidStatement:
    return InvalidStatement(f"invalid statement signature: {message}")


def _b64url_decode(segment: str, what: str) -> bytes:
    stripped = segment.rstrip("=")
    if not _B64URL_RE.fullmatch(stripped) or len(stripped) % 4 == 1:
        raise _fail(f"the JWS {what} is not base64url")
    return base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _json(data: bytes, what: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"), parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError) as error:
        raise _fail(f"the JWS {what} is not valid JSON") from error


def _decode_compact(jws: bytes) -> tuple[dict[str, Any], Any, bytes, bytes]:
    try:
        text = (jws if isinstance(jws, str) else bytes(jws).decode("ascii")).strip()
        text.encode("ascii")
    except UnicodeError:
        raise _fail("the signature attachment is not a JWS compact serialization") from None
    if text.startswith("{"):
        raise _fail("the JWS JSON serialization is not supported; use the compact serialization")
    segments = text.split(".")
    if len(segments) != 3:
        raise _fail("the signature attachment is not a JWS compact serialization (header.payload.signature)")
    header = _json(_b64url_decode(segments[0], "header"), "header")
    if not isinstance(header, dict):
        raise _fail("the JWS header is not a JSON object")
    payload = _json(_b64url_decode(segments[1], "payload"), "payload")
    signature = _b64url_decode(segments[2], "signature")
    signing_input = (segments[0] + "." + segments[1]).encode("ascii")
    return header, payload, signing_input, signature


def _certificate_der(value: Any) -> bytes:
    if not isinstance(value, str) or not value:
        raise _fail("the x5c header is not a list of base64 certificates")
    compact = "".join(value.split())
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        pass
    try:  # some signers use base64url here; accept it rather than guess wrong
        return _b64url_decode(compact, "x5c certificate")
    except InvalidStatement:
        raise _fail("an x5c certificate is not base64") from None


def _verify_with_x5c(header: dict[str, Any], alg: str, signing_input: bytes, signature: bytes) -> None:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    chain = header["x5c"]
    if not isinstance(chain, list) or not chain:
        raise _fail("the x5c header is not a non-empty list of certificates")
    der = _certificate_der(chain[0])
    for name, digest in (("x5t", hashlib.sha1), ("x5t#S256", hashlib.sha256)):
        thumbprint = header.get(name)
        if thumbprint is not None:
            if not isinstance(thumbprint, str) or _b64url_decode(thumbprint, name) != digest(der).digest():
                raise _fail(f"the {name} thumbprint does not match the x5c certificate")
    try:
        certificate = x509.load_der_x509_certificate(der)
        key = certificate.public_key()
    except Exception as error:  # noqa: BLE001 - whatever the parser dislikes is the client's mistake
        raise _fail("the x5c certificate cannot be read") from error
    if not isinstance(key, rsa.RSAPublicKey):
        raise _fail(f"{alg} needs an RSA key but the x5c certificate holds another kind")
    algorithm = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}[alg]()
    try:
        key.verify(signature, signing_input, padding.PKCS1v15(), algorithm)
    except (InvalidSignature, ValueError):
        raise _fail("the JWS signature does not verify with the x5c certificate's key") from None


def verify_statement_signature(statement: dict, jws: bytes) -> None:
    """Raise InvalidStatement unless jws is a compact JWS (RS256/RS384/RS512) whose payload equals the statement as it was before signing (ignore the signature attachment itself and LRS-set properties as the spec says), and whose signature verifies (with the x5c certificate's key when the header has one)."""
    header, payload, signing_input, signature = _decode_compact(jws)
    alg = header.get("alg")
    if alg not in SUPPORTED_ALGORITHMS:
        raise _fail(f"the JWS algorithm must be one of {', '.join(SUPPORTED_ALGORITHMS)}, not {alg!r}")
    if "crit" in header or header.get("b64") is False:
        raise _fail("the JWS uses header extensions this LRS does not support")
    if not signature:
        raise _fail("the JWS has an empty signature")
    if not isinstance(payload, dict):
        raise _fail("the JWS payload is not a Statement (JSON object)")
    if not signed_payload_matches(statement, payload):
        raise _fail("the JWS payload does not match the Statement it signs")
    if "x5c" in header:
        _verify_with_x5c(header, alg, signing_input, signature)


# ------------------------------------------------------------------ comparison


def signed_payload_matches(statement: dict, payload: dict) -> bool:
    """Whether a signed Statement ``payload`` is logically equivalent to the received ``statement``."""
    received = dict(statement)
    signed = dict(payload)
    for name in _LRS_ASSIGNED:
        received.pop(name, None)
        signed.pop(name, None)
    for name in _ASSIGNED_IF_ABSENT:
        if name not in signed:
            received.pop(name, None)
    _drop_signatures(received)
    _drop_signatures(signed)
    return _statement(received) == _statement(signed)


def _drop_signatures(statement: dict) -> None:
    attachments = statement.get("attachments")
    if not isinstance(attachments, list):
        return
    kept = [a for a in attachments if not (isinstance(a, dict) and a.get("usageType") == SIGNATURE_USAGE_TYPE)]
    if kept:
        statement["attachments"] = kept
    else:
        del statement["attachments"]


def _plain(value: Any) -> Any:
    """A JSON value in a form where == is JSON equality (true is not 1)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, bool):
        return ("bool", value)
    return value


def _sort_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=repr)


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else _plain(value)


def _language_map(value: Any) -> Any:
    if not isinstance(value, dict):
        return _plain(value)
    lowered = {key.lower(): _plain(item) for key, item in value.items()}
    return lowered if len(lowered) == len(value) else _plain(value)


def _instant(value: Any) -> Any:
    if not isinstance(value, str):
        return _plain(value)
    try:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:  # xAPI: a timestamp without an offset is UTC
            moment = moment.replace(tzinfo=timezone.utc)
        moment = moment.astimezone(timezone.utc)
    except (ValueError, OverflowError):
        return value
    return ("instant", moment.replace(microsecond=moment.microsecond // 1000 * 1000).isoformat())


def _duration(value: Any) -> Any:
    if not isinstance(value, str):
        return _plain(value)
    match = _DURATION_FRACTION_RE.match(value)
    if not match:
        return value
    hundredths = (match.group(2) + "00")[:2]
    return f"{match.group(1)}S" if hundredths == "00" else f"{match.group(1)}.{hundredths}S"


def _mbox(value: Any) -> Any:
    if not isinstance(value, str) or value[:7].lower() != "mailto:":
        return _plain(value)
    local, at, domain = value[7:].rpartition("@")
    return "mailto:" + (local + at + domain.lower() if at else value[7:])


def _agent(value: Any) -> Any:
    if not isinstance(value, dict):
        return _plain(value)
    out: dict[str, Any] = {"objectType": value.get("objectType", "Agent")}
    for key, item in value.items():
        if key == "objectType":
            continue
        if key == "mbox":
            out[key] = _mbox(item)
        elif key == "mbox_sha1sum":
            out[key] = _lower(item)
        elif key == "member" and isinstance(item, list):
            out[key] = sorted((_agent(member) for member in item), key=_sort_key)
        else:
            out[key] = _plain(item)
    return out


def _activity(value: Any) -> Any:
    if not isinstance(value, dict):
        return _plain(value)
    out: dict[str, Any] = {"objectType": value.get("objectType", "Activity")}
    for key, item in value.items():
        if key not in ("objectType", "definition"):
            out[key] = _plain(item)
    return out


def _verb(value: Any) -> Any:
    if not isinstance(value, dict):
        return _plain(value)
    return {key: _plain(item) for key, item in value.items() if key != "display"}


def _statement_ref(value: Any) -> Any:
    if not isinstance(value, dict):
        return _plain(value)
    return {key: (_lower(item) if key == "id" else _plain(item)) for key, item in value.items()}


def _object(value: Any) -> Any:
    if not isinstance(value, dict):
        return _plain(value)
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        return _activity(value)
    if kind in ("Agent", "Group"):
        return _agent(value)
    if kind == "StatementRef":
        return _statement_ref(value)
    if kind == "SubStatement":
        return _statement(value)
    return _plain(value)


def _result(value: Any) -> Any:
    if not isinstance(value, dict):
        return _plain(value)
    return {key: (_duration(item) if key == "duration" else _plain(item)) for key, item in value.items()}


def _context_agents(value: Any, role: str) -> Any:
    if not isinstance(value, list):
        return _plain(value)
    return [
        {key: (_agent(item) if key == role else _plain(item)) for key, item in entry.items()}
        if isinstance(entry, dict)
        else _plain(entry)
        for entry in value
    ]


def _context(value: Any) -> Any:
    if not isinstance(value, dict):
        return _plain(value)
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "registration":
            out[key] = _lower(item)
        elif key in ("instructor", "team"):
            out[key] = _agent(item)
        elif key == "contextActivities" and isinstance(item, dict):
            out[key] = {
                kind: [_activity(a) for a in (activities if isinstance(activities, list) else [activities])]
                for kind, activities in item.items()
            }
        elif key == "statement":
            out[key] = _statement_ref(item)
        elif key == "language":
            out[key] = _lower(item)
        elif key == "contextAgents":
            out[key] = _context_agents(item, "agent")
        elif key == "contextAgentGroups":
            out[key] = _context_agents(item, "group")
        else:
            out[key] = _plain(item)
    return out


def _attachment(value: Any) -> Any:
    if not isinstance(value, dict):
        return _plain(value)
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key in ("display", "description"):
            out[key] = _language_map(item)
        elif key == "sha2":
            out[key] = _lower(item)
        else:
            out[key] = _plain(item)
    return out


def _statement(value: dict) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "id":
            out[key] = _lower(item)
        elif key in ("actor", "authority"):
            out[key] = _agent(item)
        elif key == "verb":
            out[key] = _verb(item)
        elif key == "object":
            out[key] = _object(item)
        elif key == "result":
            out[key] = _result(item)
        elif key == "context":
            out[key] = _context(item)
        elif key in ("timestamp", "stored"):
            out[key] = _instant(item)
        elif key == "attachments" and isinstance(item, list):
            out[key] = [_attachment(a) for a in item]
        else:
            out[key] = _plain(item)
    return out
