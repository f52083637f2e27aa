"""The Huawei Talent REST API: roster uploads and their imports, certificates on record, certificate claims."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint
from werkzeug.datastructures import FileStorage

from connectors.core.http import caller
from connectors.huawei_talent import schemas
from connectors.huawei_talent.claims import (
    Submission,
    centre_claims,
    get_claim,
    reject_claim,
    submit_claim,
    verify_claim,
)
from connectors.huawei_talent.exports import to_csv
from connectors.huawei_talent.jobs import enqueue_import
from connectors.huawei_talent.models import CertificateClaim, ClaimStatus, RosterImport
from connectors.huawei_talent.records import certificates_of_centre
from connectors.huawei_talent.roster import centre_imports, get_import, import_errors, import_report, submit_roster
from lrs.api import api_blueprint
from lrs.auth.http import require_role
from lrs.db import request_session
from lrs.errors import BadRequest, PayloadTooLarge
from lrs.outbox import notify_normaliser
from lrs.settings import Settings

centre_blp = api_blueprint("huawei_talent", __name__, "/centres", "Huawei Talent: roster uploads, certificates and claims of a centre")
imports_blp = api_blueprint("roster_imports", __name__, "/imports", "Roster imports and their progress")
claims_blp = api_blueprint("certificate_claims", __name__, "/claims", "Certificate claims and their verification")
MULTIPART_OVERHEAD = 64 * 1024


def blueprints() -> list[Blueprint]:
    return [centre_blp, imports_blp, claims_blp]


def _settings() -> Settings:
    return current_app.extensions["elimu.settings"]


def upload_limit(setting: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Let this view's requests be as large as the setting allows (413 beyond), before the body is parsed."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            limit = getattr(_settings(), setting)
            if (request.content_length or 0) > limit + MULTIPART_OVERHEAD:
                raise PayloadTooLarge(f"the upload is larger than the {limit // (1024 * 1024)} MB allowed")
            request.max_content_length = limit + MULTIPART_OVERHEAD
            return view(*args, **kwargs)

        return wrapper

    return decorate


def _file(files: dict[str, Any], limit: int) -> tuple[bytes, str]:
    upload = files.get("file")
    if not isinstance(upload, FileStorage):
        raise BadRequest("file: a file upload (multipart field 'file') is required")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"the file is larger than the {limit // (1024 * 1024)} MB allowed")
    return data, upload.filename or ""


@centre_blp.route("/<int:centre_id>/rosters")
class Rosters(MethodView):
    @require_role("admin", "centre")
    @upload_limit("roster_max_bytes")
    @centre_blp.arguments(schemas.UploadSchema, location="files")
    @centre_blp.response(202, schemas.ImportSchema)
    @centre_blp.alt_response(413, description="the file is larger than ELIMU_ROSTER_MAX_BYTES")
    def post(self, files: dict[str, Any], centre_id: int) -> RosterImport:
        """Upload a Huawei Talent roster (CSV or JSON, multipart field `file`); it imports in the background.

        The encoding and header are checked at once (400 when wrong). Follow the import with
        `GET /api/v1/imports/{id}`: valid rows import, invalid ones are listed with line, column and reason.
        """
        data, filename = _file(files, _settings().roster_max_bytes)
        session = request_session()
        upload = submit_roster(session, _settings(), centre_id, data, filename=filename, by=caller())
        session.commit()
        enqueue_import(current_app, upload.id)
        return upload

    @require_role("admin", "centre")
    @centre_blp.response(200, schemas.ImportListSchema)
    def get(self, centre_id: int) -> dict[str, list[RosterImport]]:
        """The centre's latest roster imports, newest first."""
        return {"items": centre_imports(request_session(), centre_id, by=caller())}


@centre_blp.route("/<int:centre_id>/certificates")
class Certificates(MethodView):
    @require_role("admin", "registrar", "centre")
    @centre_blp.arguments(schemas.CertificateQuerySchema, location="query")
    @centre_blp.response(200, schemas.CertificateListSchema)
    def get(self, query: dict[str, Any], centre_id: int) -> dict[str, list[dict[str, Any]]]:
        """Certificates on record from this academy (of one `learner`, if given).

        `status` is `current` through the expiry date and `expired` after it.
        """
        records = certificates_of_centre(request_session(), centre_id, learner_id=query.get("learner"), by=caller())
        return {"items": records}


@centre_blp.route("/<int:centre_id>/claims")
class CentreClaims(MethodView):
    @require_role("admin", "registrar", "centre")
    @upload_limit("claim_max_bytes")
    @centre_blp.arguments(schemas.ClaimFormSchema, location="form")
    @centre_blp.arguments(schemas.UploadSchema, location="files")
    @centre_blp.response(201, schemas.ClaimSchema)
    @centre_blp.alt_response(409, description="the certificate is already on record or claimed")
    @centre_blp.alt_response(413, description="the PDF is larger than ELIMU_CLAIM_MAX_BYTES")
    def post(self, form: dict[str, Any], files: dict[str, Any], centre_id: int) -> CertificateClaim:
        """Claim a Huawei certificate for a learner: its number and details (form fields) and its PDF (`file`).

        The claim waits, `claimed`, until an administrator verifies or rejects it; only verified claims count.
        """
        data, filename = _file(files, _settings().claim_max_bytes)
        identifier = form.pop("identifier")
        session = request_session()
        claim = submit_claim(
            session, _settings(), centre_id, Submission(identifier, form, filename, data), by=caller()
        )
        session.commit()
        return claim

    @require_role("admin", "centre")
    @centre_blp.arguments(schemas.ClaimQuerySchema, location="query")
    @centre_blp.response(200, schemas.ClaimListSchema)
    def get(self, query: dict[str, Any], centre_id: int) -> dict[str, list[CertificateClaim]]:
        """The centre's claims (filter by `status`: claimed, verified, rejected), oldest first."""
        status = ClaimStatus(query["status"]) if "status" in query else None
        return {"items": centre_claims(request_session(), centre_id, status=status, by=caller())}


@imports_blp.route("/<int:import_id>")
class ImportResource(MethodView):
    @require_role("admin", "centre")
    @imports_blp.arguments(schemas.ImportQuerySchema, location="query")
    @imports_blp.response(200, schemas.ImportReportSchema)
    def get(self, query: dict[str, Any], import_id: int) -> dict[str, Any]:
        """An import's status and progress (`rows_done` of `rows_total`), counts, and rejected rows (line, column, reason)."""
        return import_report(request_session(), import_id, by=caller(), errors_limit=query["errors_limit"])


@imports_blp.route("/<int:import_id>/errors.csv")
class ImportErrorsCsv(MethodView):
    @require_role("admin", "centre")
    @imports_blp.response(200, content_type="text/csv")
    def get(self, import_id: int) -> Response:
        """The rejected rows as CSV (line, column, reason), every cell safe to open in a spreadsheet."""
        session = request_session()
        get_import(session, import_id, by=caller())
        errors = import_errors(session, import_id, limit=1_000_000)
        body = to_csv(("line", "column", "reason"), ((error.line, error.column, error.reason) for error in errors))
        return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="import-{import_id}-errors.csv"'})


@claims_blp.route("/<int:claim_id>")
class ClaimResource(MethodView):
    @require_role("admin", "registrar", "centre")
    @claims_blp.response(200, schemas.ClaimSchema)
    def get(self, claim_id: int) -> CertificateClaim:
        """A claim, with its evidence (file name, size, SHA-256) and decision."""
        return get_claim(request_session(), claim_id, by=caller())


@claims_blp.route("/<int:claim_id>/file")
class ClaimFile(MethodView):
    @require_role("admin", "centre")
    @claims_blp.response(200, content_type="application/pdf")
    def get(self, claim_id: int) -> Response:
        """The PDF submitted with the claim."""
        claim = get_claim(request_session(), claim_id, by=caller())
        return Response(claim.file_content, mimetype="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="claim-{claim.id}.pdf"'})


@claims_blp.route("/<int:claim_id>/verify")
class ClaimVerification(MethodView):
    @require_role("admin")
    @claims_blp.arguments(schemas.VerifySchema)
    @claims_blp.response(200, schemas.ClaimSchema)
    @claims_blp.alt_response(409, description="the claim was decided already, or conflicts with what is on record")
    def post(self, data: dict[str, Any], claim_id: int) -> CertificateClaim:
        """Verify a claim (after checking it on Huawei's public verification page): it goes on record and counts."""
        session = request_session()
        claim = verify_claim(session, _settings(), claim_id, by=caller(), reason=data["reason"])
        session.commit()
        notify_normaliser(current_app)
        return claim


@claims_blp.route("/<int:claim_id>/reject")
class ClaimRejection(MethodView):
    @require_role("admin")
    @claims_blp.arguments(schemas.RejectSchema)
    @claims_blp.response(200, schemas.ClaimSchema)
    def post(self, data: dict[str, Any], claim_id: int) -> CertificateClaim:
        """Reject a claim, saying why; it never counts."""
        session = request_session()
        claim = reject_claim(session, claim_id, by=caller(), reason=data["reason"])
        session.commit()
        return claim
