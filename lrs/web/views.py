"""The web layer's own pages: the public home page, sign-in and sign-out, and the administrator's dashboard."""

from __future__ import annotations

import logging
from typing import cast

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from werkzeug.wrappers import Response

from lrs.db import request_session
from lrs.errors import TooManyRequests
from lrs.people.service import check_sign_in
from lrs.web.auth import current_person, login_required, safe_next, sign_in, sign_out
from lrs.web.layout import NAV_KEY, NavLink, add_nav_link, dashboard_panels, html_errors, set_up
from lrs.web.ratelimit import check_rate

logger = logging.getLogger(__name__)

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/static/web")
html_errors(bp)


@bp.record_once
def _set_up(state: BlueprintSetupState) -> None:
    set_up(cast(Flask, state.app))
    add_nav_link(cast(Flask, state.app), NavLink(
        "Dashboard", "web.dashboard", for_admins=True, order=10,
        description="Ministry staff: decide on applications, manage centres and follow the programmes.",
    ))


@bp.get("/")
def home() -> str:
    """What each visitor can do here: every registered link that has a description."""
    links = [link for link in current_app.extensions.get(NAV_KEY, []) if link.description]
    return render_template("web/home.html", links=links)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int]:
    """Sign in with e-mail and password; a wrong pair says only that it is wrong."""
    next_url = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_person() is not None:
            return redirect(next_url or url_for("web.dashboard"))
        return render_template("web/login.html", next_url=next_url, email="")
    email = request.form.get("email", "")
    try:
        check_rate("login", current_app.extensions["elimu.settings"].login_rate_limit, 900)
    except TooManyRequests as error:
        return render_template("web/login.html", next_url=next_url, email=email, error=error.message), 429
    session = request_session()
    person = check_sign_in(session, email, request.form.get("password", ""))
    if person is None:
        session.rollback()
        logger.info("sign-in refused")
        return render_template(
            "web/login.html", next_url=next_url, email=email, error="The e-mail address or password is wrong."
        )
    session.commit()
    sign_in(person)
    logger.info("person %s signed in", person.id)
    return redirect(next_url or url_for("web.dashboard"))


@bp.route("/logout", methods=["GET", "POST"])
def logout() -> Response | str:
    """GET shows a sign-out button (so a link cannot sign anyone out); POST signs out."""
    if request.method == "GET":
        return render_template("web/logout.html")  # type: ignore[return-value]
    sign_out()
    flash("You have signed out.", "info")
    return redirect(url_for("web.login"))


@bp.get("/dashboard")
@login_required
def dashboard() -> str:
    """The administrator's home: each package's panel, in order."""
    return render_template("web/dashboard.html", panels=dashboard_panels())
