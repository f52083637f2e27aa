"""Verifying a credential offline: proof, issuer key, status, validity window and schema.

Nothing is fetched. Keys come from the deployment's own DID document (its keyring) or from a
``did:key`` verification method, which carries its key; status lists come from ``Trust.status_list``.
Each check is answered on its own, so a page can say exactly what is wrong:

- proof: every proof (the transcript's and each embedded AchievementCredential's) verifies under
  the key its verificationMethod names: nothing was changed since it was signed;
- issuer: the issuer is this deployment's DID and each proof was made by one of its keys (current
  or retired); a credential re-signed by anyone else fails here;
- status: no status list marks the credential revoked or suspended;
- validity: now is inside the validity window, and the proof was not made in the future;
- schema: the JSON has the members of its type and says only what the signed RDF says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from reports.credentials import proof
from reports.credentials.did import issuer_key
from reports.credentials.keys import Keyring
from reports.credentials.multikey import MultibaseError, public_key_from_multikey
from reports.credentials.schema import SchemaError, check_schema, parse_datetime
from reports.credentials.status import PURPOSES, StatusListError, decode_bits, is_set

CHECKS = ("proof", "issuer", "status", "validity", "schema")
CLOCK_SKEW = timedelta(minutes=5)
# Bounds on the work anyone can ask of the public endpoint: signatures and status entries checked.
MAX_SIGNED = 201
MAX_STATUS_ENTRIES = 16


@dataclass(frozen=True)
class Trust:
    """What verification trusts: this deployment's DID and keys, its status lists, and the time."""

    did: str
    keyring: Keyring
    status_list: Callable[[str], dict[str, Any] | None]  # list URL -> its signed credential, None if not ours
    now: datetime


@dataclass
class Verification:
    """The answer of each check, with a sentence saying why."""

    checks: dict[str, bool] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)
    credential_status: str = "unknown"  # active | revoked | suspended | unknown

    @property
    def verified(self) -> bool:
        return all(self.checks.get(name) is True for name in CHECKS)

    def record(self, check: str, ok: bool, detail: str) -> None:
        self.checks[check], self.details[check] = ok, detail

    def as_json(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "checks": {name: self.checks[name] for name in CHECKS},
            "details": {name: self.details[name] for name in CHECKS},
            "credential_status": self.credential_status,
        }


@dataclass(frozen=True)
class _Signed:
    """One signed document inside what was submitted (the transcript or an embedded credential)."""

    label: str
    document: dict[str, Any]


def verify_credential(document: Any, trust: Trust) -> Verification:
    """Run every check on ``document`` (anything parsed from JSON, hostile or not)."""
    result = Verification()
    if not isinstance(document, dict):
        for check in CHECKS:
            result.record(check, False, "this is not a credential: a credential is a JSON object")
        return result
    try:
        check_schema(document)
        result.record("schema", True, "the credential has every member its type requires")
    except SchemaError as error:
        result.record("schema", False, str(error))
    signed = _signed_documents(document)
    _check_proofs_and_issuer(signed, trust, result)
    _check_status(signed, trust, result)
    _check_validity(document, trust.now, result)
    return result


def _signed_documents(document: dict[str, Any]) -> list[_Signed]:
    found = [_Signed("the credential", document)]
    subject = document.get("credentialSubject")
    members = subject.get("verifiableCredential") if isinstance(subject, dict) else None
    if isinstance(members, list):
        found += [_Signed(f"embedded credential {n + 1}", m) for n, m in enumerate(members) if isinstance(m, dict)]
    return found


def _check_proofs_and_issuer(signed: list[_Signed], trust: Trust, result: Verification) -> None:
    if len(signed) > MAX_SIGNED:
        for check in ("proof", "issuer"):
            result.record(check, False, f"more than {MAX_SIGNED - 1} embedded credentials: not checked")
        return
    proof_problems, issuer_problems = [], []
    for item in signed:
        key, is_issuers = None, False
        try:
            method = proof.select_proof(item.document)["verificationMethod"]
            key, is_issuers = _resolve(method, trust)
            if key is None:
                raise proof.ProofError(f"its key {method} is not this deployment's and cannot be resolved offline")
            proof.verify(item.document, key)
        except proof.ProofError as error:
            proof_problems.append(f"{item.label}: {error}")
            issuer_problems.append(f"{item.label}: not shown to be signed by the issuer, its proof does not verify")
            continue
        issuer = item.document.get("issuer")
        issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
        if issuer_id != trust.did:
            issuer_problems.append(f"{item.label}: the issuer {issuer_id!r} is not this deployment ({trust.did})")
        elif not is_issuers:
            issuer_problems.append(f"{item.label}: signed by {method}, which is not a key of {trust.did}")
    count = f"{len(signed)} signature(s)"
    result.record("proof", not proof_problems, "; ".join(proof_problems) or f"{count} verified: nothing changed since signing")
    result.record("issuer", not issuer_problems, "; ".join(issuer_problems) or f"signed by {trust.did}, with a key its DID document lists")


def _resolve(method: str, trust: Trust) -> tuple[Ed25519PublicKey | None, bool]:
    """The public key a verificationMethod names, and whether it is one of the issuer's keys."""
    key = issuer_key(trust.did, trust.keyring, method)
    if key is not None:
        return key.public_key, True
    did, _, fragment = method.partition("#")
    if did.startswith("did:key:"):
        multikey = did[len("did:key:"):]
        if fragment and fragment != multikey:
            return None, False
        try:
            return public_key_from_multikey(multikey), False
        except (MultibaseError, ValueError):
            return None, False
    return None, False


def _check_status(signed: list[_Signed], trust: Trust, result: Verification) -> None:
    entries: dict[tuple[str, str, str], dict[str, Any]] = {}
    for item in signed:
        raw = item.document.get("credentialStatus", [])
        for entry in raw if isinstance(raw, list) else [raw]:
            if isinstance(entry, dict):
                key = (str(entry.get("statusListCredential")), str(entry.get("statusListIndex")), str(entry.get("statusPurpose")))
                entries[key] = entry
    if len(entries) > MAX_STATUS_ENTRIES:
        result.record("status", False, f"more than {MAX_STATUS_ENTRIES} different status entries: not checked")
        return
    if not entries:
        result.record("status", True, "the credential names no status list, so it cannot be revoked")
        result.credential_status = "active"
        return
    problems, flags = [], set()
    for entry in entries.values():
        try:
            if _status_bit(entry, trust):
                flags.add(entry["statusPurpose"])
        except StatusListError as error:
            problems.append(str(error))
    if "revocation" in flags:
        result.credential_status = "revoked"
        problems.insert(0, "the credential has been revoked by its issuer")
    elif "suspension" in flags:
        result.credential_status = "suspended"
        problems.insert(0, "the credential is suspended by its issuer")
    elif not problems:
        result.credential_status = "active"
    result.record("status", not problems, "; ".join(problems) or "not revoked and not suspended")


def _status_bit(entry: dict[str, Any], trust: Trust) -> bool:
    """Whether the entry's bit is set in its (verified) status list.

    Raises:
        StatusListError: the entry or its list cannot be checked.
    """
    purpose, url = entry.get("statusPurpose"), entry.get("statusListCredential")
    if entry.get("type") != "BitstringStatusListEntry" or purpose not in PURPOSES:
        raise StatusListError(f"unsupported status entry {entry.get('type')!r} for {purpose!r}")
    listed = trust.status_list(url) if isinstance(url, str) else None
    if listed is None:
        raise StatusListError(f"the status list {url} is not this deployment's and cannot be checked offline")
    try:
        method = proof.select_proof(listed)["verificationMethod"]
        key = issuer_key(trust.did, trust.keyring, method)
        if key is None or listed.get("issuer") != trust.did:
            raise proof.ProofError("it is not signed by this deployment")
        proof.verify(listed, key.public_key)
    except proof.ProofError as error:
        raise StatusListError(f"the status list {url} does not verify: {error}") from None
    subject = listed.get("credentialSubject") or {}
    if subject.get("statusPurpose") != purpose:
        raise StatusListError(f"the status list {url} is not a {purpose} list")
    index = entry.get("statusListIndex")
    if not isinstance(index, str) or not index.isdigit():
        raise StatusListError("statusListIndex must be a whole number")
    return is_set(decode_bits(subject.get("encodedList", "")), int(index))


def _check_validity(document: dict[str, Any], now: datetime, result: Verification) -> None:
    try:
        valid_from = parse_datetime(document.get("validFrom"), "validFrom")
        valid_until = parse_datetime(document["validUntil"], "validUntil") if "validUntil" in document else None
        made = document.get("proof")
        created = parse_datetime(made["created"], "proof.created") if isinstance(made, dict) and "created" in made else None
    except SchemaError as error:
        result.record("validity", False, str(error))
        return
    if valid_from > now + CLOCK_SKEW:
        result.record("validity", False, f"not valid before {valid_from.isoformat()}")
    elif valid_until is not None and valid_until <= now - CLOCK_SKEW:
        result.record("validity", False, f"expired on {valid_until.isoformat()}")
    elif created is not None and created > now + CLOCK_SKEW:
        result.record("validity", False, f"the proof claims to be made in the future ({created.isoformat()})")
    else:
        expired = _expired_members(document, now)
        note = f"; {expired} embedded certificate(s) have since expired" if expired else ""
        result.record("validity", True, f"valid since {valid_from.date().isoformat()}" + note)


def _expired_members(document: dict[str, Any], now: datetime) -> int:
    subject = document.get("credentialSubject")
    members = subject.get("verifiableCredential") if isinstance(subject, dict) else None
    expired = 0
    for member in members if isinstance(members, list) else []:
        try:
            if isinstance(member, dict) and "validUntil" in member and parse_datetime(member["validUntil"], "") <= now:
                expired += 1
        except SchemaError:
            continue
    return expired
