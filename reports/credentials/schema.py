"""Structural checks of a credential's JSON: the VC 2.0, OB 3.0 and CLR 2.0 members Elimu relies on.

The proof signs the RDF the JSON expands to, while people and policies read the JSON, so the JSON
must say only what the RDF says: every member is a plain term of the pinned contexts (no IRIs or
compact IRIs as keys, no JSON-LD keywords but ``@context``), so no member can be hidden from a
reader or re-spelled past one. The rest are the required members of each credential type.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from reports.credentials.clr import VC_CONTEXT

MAX_DEPTH = 32
_TERM = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
ACHIEVEMENT_TYPES = {"AchievementCredential", "OpenBadgeCredential"}


class SchemaError(ValueError):
    """The JSON is not the shape of a credential Elimu can read."""


def check_schema(document: Any) -> None:
    """Check ``document`` is a credential of a known type with every member it needs.

    Raises:
        SchemaError: what is wrong, first problem only.
    """
    if not isinstance(document, dict):
        raise SchemaError("a credential is a JSON object")
    _check_terms(document, "", 0)
    types = _types(document)
    if {"ClrCredential"} & types:
        _check_clr(document)
    elif ACHIEVEMENT_TYPES & types:
        _check_achievement_credential(document, "")
    elif "BitstringStatusListCredential" in types:
        _check_credential(document, "")
        _require(document["credentialSubject"], "encodedList", str, "credentialSubject")
    else:
        raise SchemaError("not a ClrCredential, AchievementCredential or BitstringStatusListCredential")


def parse_datetime(value: Any, where: str) -> datetime:
    """An XML Schema dateTime with a time zone.

    Raises:
        SchemaError: anything else.
    """
    if not isinstance(value, str) or not _DATETIME.fullmatch(value):
        raise SchemaError(f"{where} must be a dateTime with a time zone, like 2026-12-01T09:00:00Z")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise SchemaError(f"{where} is not a real date and time") from None


def _check_terms(node: Any, path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise SchemaError(f"the credential is nested more than {MAX_DEPTH} levels deep")
    if isinstance(node, list):
        for position, item in enumerate(node):
            _check_terms(item, f"{path}[{position}]", depth + 1)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key != "@context" and not _TERM.fullmatch(key):
                raise SchemaError(f"{path or 'the credential'} has a member {key!r} that is not a plain term")
            if key != "@context":
                _check_terms(value, f"{path}.{key}" if path else key, depth + 1)


def _check_credential(document: dict[str, Any], path: str) -> None:
    where = path or "the credential"
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts or contexts[0] != VC_CONTEXT:
        raise SchemaError(f"{where}: @context must be a list starting with {VC_CONTEXT}")
    if "VerifiableCredential" not in _types(document):
        raise SchemaError(f"{where}: type must include VerifiableCredential")
    if not isinstance(document.get("id"), str) or ":" not in document["id"]:
        raise SchemaError(f"{where}: id must be a URI")
    issuer = document.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer_id, str) or ":" not in issuer_id:
        raise SchemaError(f"{where}: issuer must be a URI or an object with one as its id")
    parse_datetime(document.get("validFrom"), f"{path}.validFrom" if path else "validFrom")
    if "validUntil" in document:
        parse_datetime(document["validUntil"], f"{path}.validUntil" if path else "validUntil")
    if not isinstance(document.get("credentialSubject"), dict):
        raise SchemaError(f"{where}: credentialSubject must be an object")
    statuses = document.get("credentialStatus", [])
    for entry in statuses if isinstance(statuses, list) else [statuses]:
        if not isinstance(entry, dict) or not isinstance(entry.get("type"), str | list):
            raise SchemaError(f"{where}: each credentialStatus must be an object with a type")


def _check_clr(document: dict[str, Any]) -> None:
    _check_credential(document, "")
    _require(document, "name", str, "the credential")
    subject = document["credentialSubject"]
    if "ClrSubject" not in _types(subject):
        raise SchemaError("credentialSubject must be a ClrSubject")
    members = subject.get("verifiableCredential")
    if not isinstance(members, list) or not members:
        raise SchemaError("credentialSubject.verifiableCredential must list at least one credential")
    for position, member in enumerate(members):
        where = f"credentialSubject.verifiableCredential[{position}]"
        if not isinstance(member, dict) or not ACHIEVEMENT_TYPES & _types(member):
            raise SchemaError(f"{where} must be an AchievementCredential")
        _check_achievement_credential(member, where)


def _check_achievement_credential(document: dict[str, Any], path: str) -> None:
    _check_credential(document, path)
    where = path or "the credential"
    subject = document["credentialSubject"]
    if "AchievementSubject" not in _types(subject):
        raise SchemaError(f"{where}: credentialSubject must be an AchievementSubject")
    if not subject.get("id") and not subject.get("identifier"):
        raise SchemaError(f"{where}: credentialSubject needs an id or an identifier")
    achievement = subject.get("achievement")
    if not isinstance(achievement, dict) or "Achievement" not in _types(achievement):
        raise SchemaError(f"{where}: credentialSubject.achievement must be an Achievement")
    for member in ("id", "name", "description"):
        _require(achievement, member, str, f"{where} achievement")
    if not isinstance(achievement.get("criteria"), dict):
        raise SchemaError(f"{where}: achievement.criteria must be an object")


def _require(node: dict[str, Any], member: str, kind: type, where: str) -> None:
    if not isinstance(node.get(member), kind) or not node[member]:
        raise SchemaError(f"{where}: {member} is required")


def _types(node: dict[str, Any]) -> set[str]:
    raw = node.get("type")
    values = raw if isinstance(raw, list) else [raw]
    return {value for value in values if isinstance(value, str)}
