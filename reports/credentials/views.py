"""The credentials REST API under /api/v1: issue, read, revoke/suspend/reinstate, verify, status lists."""

from __future__ import annotations

import json
import uuid
from typing import Any

from flask import Response, current_app, jsonify, request

from lrs.api import api_blueprint
from lrs.auth.http import current_principal, require_role
from lrs.db import request_session
from lrs.errors import BadRequest, NotFound, PayloadTooLarge
from reports.credentials import schemas, status
from reports.credentials.jobs import request_publication
from reports.credentials.service import (
    StatusChange,
    describe,
    get_issued_credential,
    issue_transcript_credential,
    issued_transcript_pdf,
    reinstate_credential,
    revoke_credential,
    suspend_credential,
    verify_document,
)
from reports.transcripts.service import transcript_for

blp = api_blueprint("credentials", __name__, "", "Verifiable transcripts: signed CLR 2.0 credentials, their status and verification")

ISSUERS = ("admin", "registrar")
MAX_VERIFY_BYTES = 1024 * 1024


def _settings() -> Any:
    return current_app.extensions["elimu.settings"]


@blp.route("/learners/<int:learner_id>/credentials", methods=["POST"])
@require_role(*ISSUERS)
@blp.response(201, schemas.IssuedTranscriptSchema)
@blp.alt_response(404, description="no such learner")
@blp.alt_response(409, description="the learner has no transcript lines to certify")
def issue(learner_id: int) -> dict[str, Any]:
    """Issue the learner's transcript as a signed credential.

    The transcript as it stands now becomes a 1EdTech CLR 2.0 `ClrCredential` holding one Open
    Badges 3.0 `AchievementCredential` per line, each signed (`DataIntegrityProof`,
    `eddsa-rdfc-2022`) by the deployment's did:web, with revocation and suspension entries.
    """
    session = request_session()
    row = issue_transcript_credential(
        session, _settings(), transcript_for(session, learner_id), issued_by=current_principal().client_id
    )
    session.commit()
    return describe(row, _settings().base_url)


@blp.route("/credentials/<uuid:credential_id>")
@require_role(*ISSUERS)
@blp.response(200, schemas.TranscriptCredentialSchema)
@blp.alt_response(404, description="no such credential")
def read(credential_id: uuid.UUID) -> dict[str, Any]:
    """An issued credential, its standing and why."""
    return describe(get_issued_credential(request_session(), credential_id), _settings().base_url)


@blp.route("/credentials/<uuid:credential_id>/transcript.pdf")
@require_role(*ISSUERS)
@blp.alt_response(200, content_type="application/pdf", description="the transcript as issued, with its QR code")
@blp.alt_response(404, description="no such credential")
def transcript_pdf(credential_id: uuid.UUID) -> Response:
    """The issued transcript as a PDF whose QR code and address lead to its verification page."""
    row = get_issued_credential(request_session(), credential_id)
    response = Response(issued_transcript_pdf(row, _settings().base_url), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="transcript-{row.public_id}.pdf"'
    return response


def _change_status(change: Any, credential_id: uuid.UUID, reason: dict[str, str]) -> Any:
    session = request_session()
    result: StatusChange = change(session, str(credential_id), reason=reason["reason"], by=current_principal().client_id)
    session.commit()
    request_publication()
    return result.credential


@blp.route("/credentials/<uuid:credential_id>/revoke", methods=["POST"])
@require_role(*ISSUERS)
@blp.arguments(schemas.CredentialReasonSchema)
@blp.response(200, schemas.CredentialStatusChangeSchema)
@blp.alt_response(404, description="no such credential")
@blp.alt_response(409, description="already revoked")
def revoke(reason: dict[str, str], credential_id: uuid.UUID) -> Any:
    """Revoke a credential for good; verifiers see it revoked, with the reason."""
    return _change_status(revoke_credential, credential_id, reason)


@blp.route("/credentials/<uuid:credential_id>/suspend", methods=["POST"])
@require_role(*ISSUERS)
@blp.arguments(schemas.CredentialReasonSchema)
@blp.response(200, schemas.CredentialStatusChangeSchema)
@blp.alt_response(404, description="no such credential")
@blp.alt_response(409, description="revoked or already suspended")
def suspend(reason: dict[str, str], credential_id: uuid.UUID) -> Any:
    """Suspend a credential until it is reinstated."""
    return _change_status(suspend_credential, credential_id, reason)


@blp.route("/credentials/<uuid:credential_id>/reinstate", methods=["POST"])
@require_role(*ISSUERS)
@blp.arguments(schemas.CredentialReasonSchema)
@blp.response(200, schemas.CredentialStatusChangeSchema)
@blp.alt_response(404, description="no such credential")
@blp.alt_response(409, description="not suspended")
def reinstate(reason: dict[str, str], credential_id: uuid.UUID) -> Any:
    """Lift a credential's suspension."""
    return _change_status(reinstate_credential, credential_id, reason)


@blp.route("/credentials/verify", methods=["POST"])
@blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": {"type": "object"}}}}, security=[])
@blp.response(200, schemas.VerificationSchema)
@blp.alt_response(400, description="the body is not JSON")
def verify() -> dict[str, Any]:
    """Verify any credential (no credentials needed).

    The body is the credential itself (or `{"verifiableCredential": ...}`). The answer gives each
    check — proof, issuer key, status, validity window, schema — with a sentence saying why;
    `verified` is true only when all pass. A tampered or foreign credential is an answer, not an error.
    """
    if (request.content_length or 0) > MAX_VERIFY_BYTES:
        raise PayloadTooLarge(f"a credential to verify must be under {MAX_VERIFY_BYTES} bytes")
    document = _json_body()
    if isinstance(document, dict) and set(document) == {"verifiableCredential"}:
        document = document["verifiableCredential"]
    return verify_document(request_session(), _settings(), document).as_json()


def _json_body() -> Any:
    raw = request.get_data(cache=False)
    if len(raw) > MAX_VERIFY_BYTES:
        raise PayloadTooLarge(f"a credential to verify must be under {MAX_VERIFY_BYTES} bytes")
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise BadRequest("the body must be a JSON credential") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


@blp.route("/credentials/status-lists/<string:purpose>/<int:number>")
@blp.doc(security=[])
@blp.alt_response(404, description="no such status list")
def status_list(purpose: str, number: int) -> Response:
    """A signed Bitstring Status List credential (no credentials needed).

    Every issued credential names its place in the `revocation` and `suspension` lists by URL.
    """
    session = request_session()
    if purpose not in status.PURPOSES or not status.list_exists(session, number):
        raise NotFound(f"no {purpose} status list {number}")
    response = jsonify(status.current_status_list(session, _settings(), purpose, number))
    response.headers["Cache-Control"] = "no-cache"
    return response
