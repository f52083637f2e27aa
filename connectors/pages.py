"""The administrators' connector pages: Moodle connectors and their runs, roster uploads and their imports,
certificate claims to verify or reject, and a dashboard panel (forms CSRF-protected by ``lrs.web``).

Page uploads pass the CSRF check before any view runs, so they are held to ELIMU_MAX_BODY_BYTES; larger
rosters go through the API (``POST /api/v1/centres/{id}/rosters``), which allows ELIMU_ROSTER_MAX_BYTES.
"""

from __future__ import annotations

from typing import cast

from flask import Blueprint, Flask, Response, current_app, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response as BaseResponse

from connectors.core.jobs import enqueue_run
from connectors.core.runs import latest_runs, request_run
from connectors.core.schedule import describe_schedule
from connectors.core.service import Caller, get_connector, list_connectors
from connectors.huawei_talent.claims import claims_with_status, get_claim, reject_claim, verify_claim
from connectors.huawei_talent.exports import to_csv
from connectors.huawei_talent.jobs import enqueue_import
from connectors.huawei_talent.models import ClaimStatus
from connectors.huawei_talent.roster import get_import, import_errors, latest_imports, submit_roster
from connectors.huawei_talent.rows import COLUMNS
from lrs.centres.models import Centre, CentreStatus
from lrs.centres.service import CentreFilter, list_centres
from lrs.db import request_session
from lrs.errors import BadRequest, ElimuError, Forbidden
from lrs.outbox import notify_normaliser
from lrs.settings import Settings
from lrs.web.auth import admin_required, current_person
from lrs.web.layout import DashboardPanel, NavLink, add_dashboard_panel, add_nav_link, html_errors

bp = Blueprint("connector_pages", __name__, template_folder="templates")
html_errors(bp)

ERRORS_SHOWN = 500


@bp.record_once
def _register(state: BlueprintSetupState) -> None:
    app = cast(Flask, state.app)
    add_nav_link(app, NavLink("Connectors", "connector_pages.connectors", for_admins=True, order=30))
    add_nav_link(app, NavLink("Rosters", "connector_pages.rosters", for_admins=True, order=31))
    add_nav_link(app, NavLink("Claims", "connector_pages.claims", for_admins=True, order=32))
    add_dashboard_panel(app, DashboardPanel("Connectors, rosters and claims", _dashboard_panel, order=30))


@bp.app_template_filter("describe_schedule")
def _describe_schedule(seconds: int | None) -> str | None:
    return describe_schedule(seconds)


def _caller() -> Caller:
    person = current_person()
    if person is None:  # admin_required let the request through, so this cannot happen
        raise Forbidden("sign in first")
    return Caller.of_person(person.email, person.role)


def _settings() -> Settings:
    return current_app.extensions["elimu.settings"]


@bp.get("/admin/connectors")
@admin_required
def connectors() -> str:
    return render_template("connectors/connectors.html", rows=list_connectors(request_session()))


@bp.get("/admin/connectors/<int:connector_id>")
@admin_required
def connector(connector_id: int) -> str:
    session = request_session()
    found = get_connector(session, connector_id, by=_caller())
    return render_template("connectors/connector.html", connector=found, centre=session.get(Centre, found.centre_id),
                           runs=latest_runs(session, connector_id, limit=50))


@bp.post("/admin/connectors/<int:connector_id>/runs")
@admin_required
def start_run(connector_id: int) -> BaseResponse:
    session = request_session()
    try:
        run = request_run(session, get_connector(session, connector_id, by=_caller()), trigger="page")
        session.commit()
        enqueue_run(current_app, run.id)
        flash(f"Run {run.id} is queued.", "success")
    except ElimuError as error:
        session.rollback()
        flash(error.message, "error")
    return redirect(url_for("connector_pages.connector", connector_id=connector_id))


@bp.route("/admin/rosters", methods=["GET", "POST"])
@admin_required
def rosters() -> str | BaseResponse | tuple[str, int]:
    session = request_session()
    centres, _ = list_centres(session, CentreFilter(status=CentreStatus.APPROVED), limit=1000)
    if request.method == "GET":
        return _rosters_page(centres, {})
    upload = request.files.get("file")
    try:
        if not isinstance(upload, FileStorage) or not upload.filename:
            raise BadRequest("choose a roster file (CSV or JSON)")
        centre_id = request.form.get("centre", type=int)
        if centre_id is None:
            raise BadRequest("choose the academy the roster comes from")
        submitted = submit_roster(session, _settings(), centre_id, upload.read(), filename=upload.filename, by=_caller())
        session.commit()
        enqueue_import(current_app, submitted.id)
    except ElimuError as error:
        session.rollback()
        return _rosters_page(centres, {"file": [error.message]}), error.status
    return redirect(url_for("connector_pages.roster_import", import_id=submitted.id))


def _rosters_page(centres: list[Centre], errors: dict[str, list[str]]) -> str:
    return render_template("connectors/rosters.html", centres=[(centre.id, centre.name) for centre in centres],
                           imports=latest_imports(request_session()), columns=COLUMNS, errors=errors)


@bp.get("/admin/rosters/<int:import_id>")
@admin_required
def roster_import(import_id: int) -> str:
    session = request_session()
    upload = get_import(session, import_id, by=_caller())
    return render_template("connectors/import.html", upload=upload, centre=session.get(Centre, upload.centre_id),
                           errors=import_errors(session, import_id, limit=ERRORS_SHOWN), shown=ERRORS_SHOWN)


@bp.get("/admin/rosters/<int:import_id>/errors.csv")
@admin_required
def roster_errors(import_id: int) -> Response:
    session = request_session()
    get_import(session, import_id, by=_caller())
    errors = import_errors(session, import_id, limit=1_000_000)
    body = to_csv(("line", "column", "reason"), ((error.line, error.column, error.reason) for error in errors))
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="import-{import_id}-errors.csv"'})


@bp.get("/admin/claims")
@admin_required
def claims() -> str:
    session = request_session()
    return render_template("connectors/claims.html", waiting=claims_with_status(session, ClaimStatus.CLAIMED),
                           verified=claims_with_status(session, ClaimStatus.VERIFIED, limit=50),
                           rejected=claims_with_status(session, ClaimStatus.REJECTED, limit=50))


@bp.get("/admin/claims/<int:claim_id>")
@admin_required
def claim(claim_id: int) -> str:
    session = request_session()
    found = get_claim(session, claim_id, by=_caller())
    return render_template("connectors/claim.html", claim=found, centre=session.get(Centre, found.centre_id), errors={})


@bp.get("/admin/claims/<int:claim_id>/file")
@admin_required
def claim_file(claim_id: int) -> Response:
    found = get_claim(request_session(), claim_id, by=_caller())
    return Response(found.file_content, mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="claim-{found.id}.pdf"'})


@bp.post("/admin/claims/<int:claim_id>/decision")
@admin_required
def decide_claim(claim_id: int) -> str | BaseResponse | tuple[str, int]:
    session = request_session()
    action, reason = request.form.get("action", ""), request.form.get("reason", "")
    try:
        if action == "verify":
            verify_claim(session, _settings(), claim_id, by=_caller(), reason=reason)
        elif action == "reject":
            reject_claim(session, claim_id, by=_caller(), reason=reason)
        else:
            raise BadRequest("choose verify or reject")
        session.commit()
    except ElimuError as error:
        session.rollback()
        found = get_claim(session, claim_id, by=_caller())
        page = render_template("connectors/claim.html", claim=found, centre=session.get(Centre, found.centre_id),
                               errors={"reason": [error.message]})
        return page, error.status
    if action == "verify":
        notify_normaliser(current_app)
    flash(f"Claim {claim_id} is {'verified' if action == 'verify' else 'rejected'}.", "success")
    return redirect(url_for("connector_pages.claim", claim_id=claim_id))


def _dashboard_panel() -> str:
    session = request_session()
    rows = list_connectors(session)
    failing = [(connector, centre, run) for connector, centre, run in rows if run is not None and run.status.value in ("failed", "partial")]
    return render_template("connectors/dashboard_panel.html", connectors=len(rows), failing=failing,
                           imports=latest_imports(session, limit=5), waiting=len(claims_with_status(session, ClaimStatus.CLAIMED)))
