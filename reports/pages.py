"""The administrator's pages for learners, a learner's transcript and the two review queues (on ``lrs.web``)."""

from __future__ import annotations

from typing import cast

from flask import Blueprint, Flask, render_template, request
from flask.blueprints import BlueprintSetupState

from lrs.db import request_session
from lrs.errors import ElimuError
from lrs.web.auth import admin_required
from lrs.web.layout import NavLink, add_nav_link, html_errors
from reports.catalogue.review import unmapped_activities
from reports.learners.identifiers import parse_identifier_query
from reports.learners.review import unmatched_identities
from reports.learners.service import find_by_identifier, list_learners
from reports.transcripts.service import transcript_for

bp = Blueprint("report_pages", __name__, template_folder="templates", url_prefix="/admin")
html_errors(bp)

PAGE_SIZE = 50


@bp.record_once
def _register(state: BlueprintSetupState) -> None:
    app = cast(Flask, state.app)
    add_nav_link(app, NavLink("Learners", "report_pages.learners", for_admins=True, order=30))
    add_nav_link(app, NavLink("Review", "report_pages.review", for_admins=True, order=40))


@bp.get("/learners")
@admin_required
def learners() -> str:
    """Learners by id, or the one holding ``?identifier=scheme:value``."""
    session = request_session()
    identifier = request.args.get("identifier", "").strip()
    after = request.args.get("after", "0")
    error = None
    if identifier:
        try:
            found = find_by_identifier(session, *parse_identifier_query(identifier))
        except ElimuError as problem:
            found, error = [], problem.message
    else:
        found = list_learners(session, after_id=int(after) if after.isdigit() else 0, limit=PAGE_SIZE)
    return render_template("reports/learners.html", learners=found, identifier=identifier, error=error,
                           next_after=found[-1].id if len(found) == PAGE_SIZE else None)


@bp.get("/learners/<int:learner_id>")
@admin_required
def transcript(learner_id: int) -> str:
    """A learner's unified transcript."""
    return render_template("reports/transcript.html", transcript=transcript_for(request_session(), learner_id))


@bp.get("/review")
@admin_required
def review() -> str:
    """The unmatched identities and unmapped activities waiting for an administrator."""
    session = request_session()
    return render_template("reports/review.html",
                           identities=unmatched_identities(session, limit=PAGE_SIZE, offset=0),
                           activities=unmapped_activities(session, limit=PAGE_SIZE, offset=0))
