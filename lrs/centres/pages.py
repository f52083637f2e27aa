"""The centres' web pages: the public application form and register, and the administrator's pages to list
centres, read a centre's audit trail and credentials, and decide (all forms CSRF-protected by ``lrs.web``)."""

from __future__ import annotations

import math
from typing import Any, cast

import marshmallow as ma
from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from werkzeug.wrappers import Response

from lrs.auth.service import IssuedCredential
from lrs.centres.audit import Actor, audit_entries, recent_audit_entries
from lrs.centres.countries import COUNTRIES
from lrs.centres.credentials import issue_centre_credential, list_credentials, revoke_credential, rotate_credential
from lrs.centres.models import Centre, CentreStatus
from lrs.centres.schemas import ApplicationSchema, CentreQuerySchema, CredentialRequestSchema, DecisionSchema
from lrs.centres.service import (
    KINDS,
    TRANSITIONS,
    CentreFilter,
    ClaimConflictError,
    apply_for_centre,
    available_actions,
    count_by_status,
    decide,
    find_centre,
    get_centre,
    list_centres,
)
from lrs.db import request_session
from lrs.errors import BadRequest, Forbidden, NotFound, TooManyRequests
from lrs.web.auth import admin_required, current_person
from lrs.web.forms import form_errors, lines
from lrs.web.layout import DashboardPanel, NavLink, add_dashboard_panel, add_nav_link, html_errors
from lrs.web.ratelimit import check_rate

bp = Blueprint("centre_pages", __name__, template_folder="templates")
html_errors(bp)

PAGE_SIZE = 50
MAX_PAGE = 100_000
PUBLIC_STATUSES = (CentreStatus.APPROVED, CentreStatus.SUSPENDED, CentreStatus.REVOKED)


@bp.record_once
def _register(state: BlueprintSetupState) -> None:
    add_nav_link(cast(Flask, state.app), NavLink("Centres", "centre_pages.admin_list", for_admins=True, order=20))
    add_nav_link(cast(Flask, state.app), NavLink(
        "Register of centres", "centre_pages.register", for_admins=False, order=80,
        description="The training centres whose records the government recognises.",
    ))
    add_nav_link(cast(Flask, state.app), NavLink(
        "Apply", "centre_pages.apply", for_admins=False, order=90,
        description="Partner academies, schools of government and LMSs apply to become authorised centres.",
    ))
    add_dashboard_panel(cast(Flask, state.app), DashboardPanel("Authorised centres", _dashboard_panel, order=10))


@bp.context_processor
def _choices() -> dict[str, Any]:
    return {
        "kinds": list(KINDS.items()),
        "countries": sorted(COUNTRIES.items(), key=lambda item: item[1]),
        "country_names": COUNTRIES,
        "kind_names": KINDS,
        "status_options": [(status.value, status.value.capitalize()) for status in CentreStatus],
    }


def _actor() -> Actor:
    person = current_person()
    if person is None:  # admin_required let the request through, so this cannot happen
        raise Forbidden("sign in first")
    return Actor.of_person(person.email)


# ---- public pages ---------------------------------------------------------------------------------


@bp.route("/centres/apply", methods=["GET", "POST"])
def apply() -> str | Response | tuple[str, int]:
    """The application form; a valid one becomes a pending centre."""
    if request.method == "GET":
        return render_template("centres/apply.html", form={}, errors={})
    form = request.form.to_dict()
    try:
        check_rate("applications", current_app.extensions["elimu.settings"].application_rate_limit, 3600)
    except TooManyRequests as error:
        return render_template("centres/apply.html", form=form, errors={"_form": [error.message]}), 429
    data = {
        **{name: form.get(name, "") for name in ("name", "kind", "country", "accreditation_ref", "contact_email")},
        "home_pages": lines(form.get("home_pages")),
        "activity_prefixes": lines(form.get("activity_prefixes")),
    }
    session = request_session()
    try:
        centre = apply_for_centre(session, ApplicationSchema().load(data))
    except ma.ValidationError as error:
        return render_template("centres/apply.html", form=form, errors=form_errors(error)), 400
    except ClaimConflictError as error:
        session.rollback()
        return render_template("centres/apply.html", form=form, errors={"_form": [error.message]}), 409
    session.commit()
    return redirect(url_for("centre_pages.application_received", ref=centre.id))


@bp.get("/centres/apply/received")
def application_received() -> str:
    return render_template("centres/received.html", ref=request.args.get("ref", type=int))


@bp.get("/centres")
def register() -> str:
    """The public register of approved centres."""
    centres, _ = list_centres(request_session(), CentreFilter(status=CentreStatus.APPROVED), limit=1000)
    return render_template("centres/register.html", centres=sorted(centres, key=lambda centre: centre.name.lower()))


@bp.get("/centres/<slug>")
def public_centre(slug: str) -> str:
    """A centre's public page; statements' authority points here."""
    centre = find_centre(request_session(), slug)
    if centre is None or centre.status not in PUBLIC_STATUSES:
        raise NotFound("there is no authorised centre at this address")
    return render_template("centres/public.html", centre=centre)


# ---- administrators' pages ------------------------------------------------------------------------


@bp.get("/admin/centres")
@admin_required
def admin_list() -> str:
    """Every centre, filtered by status, kind, country or name."""
    raw = {key: value for key, value in request.args.items() if value.strip() and key != "page"}
    try:
        query = CentreQuerySchema().load({**raw, "limit": PAGE_SIZE})
    except ma.ValidationError as error:
        raise BadRequest("invalid filter: " + "; ".join(f"{k}: {' '.join(v)}" for k, v in form_errors(error).items())) from None
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    where = CentreFilter(
        CentreStatus(query["status"]) if "status" in query else None, query.get("kind"), query.get("country"), query.get("q")
    )
    centres, total = list_centres(request_session(), where, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    return render_template(
        "centres/admin_list.html", centres=centres, total=total, page=page,
        pages=max(math.ceil(total / PAGE_SIZE), 1), filters=raw,
    )


@bp.get("/admin/centres/<int:centre_id>")
@admin_required
def admin_detail(centre_id: int) -> str:
    return _detail(get_centre(request_session(), centre_id))


def _detail(centre: Centre, *, errors: dict[str, list[str]] | None = None, form: dict[str, str] | None = None) -> str:
    session = request_session()
    return render_template(
        "centres/admin_detail.html",
        centre=centre,
        actions=available_actions(centre),
        transitions=TRANSITIONS,
        credentials=list_credentials(session, centre.id),
        audit=audit_entries(session, centre_id=centre.id, after=None, limit=1000),
        errors=errors or {},
        form=form or {},
    )


@bp.post("/admin/centres/<int:centre_id>/decision")
@admin_required
def admin_decide(centre_id: int) -> str | Response | tuple[str, int]:
    """Take a decision (approve, reject, suspend, reinstate, revoke) with its reason."""
    session = request_session()
    centre = get_centre(session, centre_id)
    action = request.form.get("action", "")
    if action not in available_actions(centre):
        return _detail(centre, errors={"action": [f"a {centre.status.value} centre cannot be {action or 'changed'} now"]}), 409
    try:
        reason = DecisionSchema().load({"reason": request.form.get("reason", "")})["reason"]
    except ma.ValidationError as error:
        return _detail(centre, errors={"reason": form_errors(error)["reason"]}, form=request.form.to_dict()), 400
    decision = decide(session, centre_id, action, by=_actor(), reason=reason)
    session.commit()
    if decision.credential is not None:
        return _secret_page(decision.centre, decision.credential, f"{centre.name} is approved.")
    flash(f"{centre.name} is now {decision.centre.status.value}.", "success")
    return redirect(url_for("centre_pages.admin_detail", centre_id=centre_id))


@bp.post("/admin/centres/<int:centre_id>/credentials")
@admin_required
def admin_issue_credential(centre_id: int) -> str | tuple[str, int]:
    session = request_session()
    centre = get_centre(session, centre_id)
    raw = {"name": request.form["name"]} if request.form.get("name", "").strip() else {}
    try:
        name = CredentialRequestSchema().load(raw).get("name")
    except ma.ValidationError as error:
        return _detail(centre, errors=form_errors(error)), 400
    issued = issue_centre_credential(session, centre.id, by=_actor(), name=name)
    session.commit()
    return _secret_page(centre, issued, "A new credential was issued.")


@bp.post("/admin/centres/<int:centre_id>/credentials/<key>/<any(revoke, rotate):operation>")
@admin_required
def admin_credential(centre_id: int, key: str, operation: str) -> str | Response | tuple[str, int]:
    session = request_session()
    centre = get_centre(session, centre_id)
    try:
        reason = DecisionSchema().load({"reason": request.form.get("reason", "")})["reason"]
    except ma.ValidationError as error:
        return _detail(centre, errors={f"reason-{key}": form_errors(error)["reason"]}), 400
    if operation == "revoke":
        revoke_credential(session, centre.id, key, by=_actor(), reason=reason)
        session.commit()
        flash(f"Credential {key} is revoked.", "success")
        return redirect(url_for("centre_pages.admin_detail", centre_id=centre_id))
    issued = rotate_credential(session, centre.id, key, by=_actor(), reason=reason)
    session.commit()
    return _secret_page(centre, issued, f"Credential {key} was replaced.")


def _secret_page(centre: Centre, issued: IssuedCredential, headline: str) -> str:
    """The one time a secret is shown: rendered directly (never put in the cookie or a redirect)."""
    return render_template("centres/credential_issued.html", centre=centre, issued=issued, headline=headline)


def _dashboard_panel() -> str:
    session = request_session()
    pending, _ = list_centres(session, CentreFilter(status=CentreStatus.PENDING), limit=20)
    return render_template(
        "centres/dashboard_panel.html",
        counts=count_by_status(session),
        pending=sorted(pending, key=lambda centre: centre.created_at),
        recent=recent_audit_entries(session, 10),
        kind_names=KINDS,
    )

