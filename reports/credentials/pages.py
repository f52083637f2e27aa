"""The issuer's public documents and the human verification page.

``/.well-known/did.json`` (and ``/did.json``, where did:web looks when Elimu is mounted under a
path) is the DID document; ``/verify/<id>`` is where the QR code on a PDF transcript leads: it runs
the same checks as the API on the credential as issued and says what they mean in plain words.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template

from lrs.db import request_session
from lrs.web.layout import html_errors
from reports.credentials.did import did_document, did_for
from reports.credentials.keys import load_keyring
from reports.credentials.service import get_issued_credential, verification_url, verify_document

bp = Blueprint("credential_pages", __name__, template_folder="templates")
html_errors(bp)

# Each check in plain words: what passing means, and what failing means.
PLAIN_WORDS = {
    "proof": ("The record has not been changed since it was signed.",
              "The record has been changed since it was signed, or its signature is damaged."),
    "issuer": ("It was signed by {issuer}, with a key {issuer} publishes.",
               "It was not signed by {issuer}."),
    "status": ("{issuer} has not revoked or suspended it.",
               "Whether {issuer} still stands by it could not be checked."),
    "validity": ("It is within its period of validity.",
                 "It is outside its period of validity."),
    "schema": ("It is a well-formed transcript credential.",
               "It is not a well-formed transcript credential."),
}


def _settings() -> Any:
    return current_app.extensions["elimu.settings"]


@bp.get("/.well-known/did.json")
@bp.get("/did.json")
def did_json() -> Response:
    """The DID document of this deployment's did:web, listing its current and retired keys."""
    settings = _settings()
    response = jsonify(did_document(did_for(settings.base_url), load_keyring(settings)))
    response.mimetype = "application/did+json"
    return response


@bp.get("/verify/<uuid:credential_id>")
def verify_page(credential_id: uuid.UUID) -> str:
    """What a person sees after scanning a transcript's QR code."""
    session = request_session()
    row = get_issued_credential(session, credential_id)
    result = verify_document(session, _settings(), row.credential)
    issuer = _settings().issuer_name
    checks = [
        {
            "name": name,
            "ok": result.checks[name],
            "sentence": _sentence(name, result.checks[name], result.credential_status).format(issuer=issuer),
            "detail": result.details[name],
        }
        for name in PLAIN_WORDS
    ]
    return render_template(
        "credentials/verify.html",
        row=row,
        result=result,
        checks=checks,
        issuer=issuer,
        did=did_for(_settings().base_url),
        url=verification_url(_settings().base_url, row.public_id),
        lines=_lines(row.credential),
    )


def _sentence(check: str, ok: bool, standing: str) -> str:
    if check == "status" and not ok and standing in ("revoked", "suspended"):
        return f"{{issuer}} has {standing} it."
    return PLAIN_WORDS[check][0 if ok else 1]


@bp.get("/verify/<uuid:credential_id>/credential.json")
def credential_json(credential_id: uuid.UUID) -> Response:
    """The signed credential itself, for any W3C verifier."""
    row = get_issued_credential(request_session(), credential_id)
    response = jsonify(row.credential)
    response.mimetype = "application/vc+ld+json"
    response.headers["Content-Disposition"] = f'attachment; filename="transcript-{row.public_id}.json"'
    return response


def _lines(credential: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The achievements the credential states, as the page lists them."""
    lines = []
    for member in (credential or {}).get("credentialSubject", {}).get("verifiableCredential", []):
        subject = member["credentialSubject"]
        achievement = subject["achievement"]
        result = (subject.get("result") or [{}])[0]
        lines.append({
            "code": achievement.get("humanCode"),
            "title": achievement.get("name"),
            "status": result.get("status"),
            "score": result.get("value"),
            "credits": subject.get("creditsEarned"),
            "level": ", ".join(a.get("targetName", "") for a in achievement.get("alignment", [])),
            "completed": (subject.get("activityEndDate") or "")[:10],
            "certificate": subject.get("licenseNumber"),
            "expires": (member.get("validUntil") or "")[:10],
            "centre": (subject.get("source") or {}).get("name"),
        })
    return lines
