"""The reports' other pages: centre activity, outstanding performers, integrity signals, institutions and
their head counts, and operations (centres, connector runs, roster imports, the review queues)."""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint, Flask, current_app, render_template, request
from flask.blueprints import BlueprintSetupState
from sqlalchemy import select
from werkzeug.wrappers import Response

from connectors.core.models import Connector, ConnectorRun
from connectors.huawei_talent.models import RosterImport
from lrs.centres.models import Centre
from lrs.centres.service import count_by_status
from lrs.db import request_session, utcnow
from lrs.outbox import pending_count
from lrs.web.auth import login_required
from lrs.web.layout import NavLink, add_nav_link, html_errors
from reports.catalogue.review import unmapped_activities
from reports.compliance import charts, tables
from reports.compliance.activity import centre_activity
from reports.compliance.cache import cached
from reports.compliance.export import csv_response, download_name
from reports.compliance.integrity import integrity_signals
from reports.compliance.performers import outstanding_performers
from reports.learners.review import unmatched_identities
from reports.programmes.institutions import institution_counts
from reports.programmes.models import Programme
from reports.programmes.service import get_programme, list_programmes

bp = Blueprint("compliance_reports", __name__, template_folder="templates")
html_errors(bp)

QUEUE_SHOWN = 10
RECENT = 15


@bp.record_once
def _register(state: BlueprintSetupState) -> None:
    add_nav_link(cast(Flask, state.app), NavLink("Reports", "compliance_reports.centres", for_admins=True, order=14))
    add_nav_link(cast(Flask, state.app), NavLink("Operations", "compliance_reports.operations", for_admins=True, order=16))


def _chosen_programme() -> Programme | None:
    """The programme a report page is filtered to (``?programme=id``), if any."""
    chosen = request.args.get("programme", type=int)
    return get_programme(request_session(), chosen) if chosen else None


def _page(template: str, **values: Any) -> str:
    return render_template(template, programmes=list_programmes(request_session()), chosen=values.pop("chosen"), **values)


@bp.get("/reports/centres")
@login_required
def centres() -> str | Response:
    """What each centre delivered."""
    chosen = _chosen_programme()
    session = request_session()
    rows = cached(session, "centres:None", chosen, utcnow(), lambda: centre_activity(session, programme=chosen))
    if request.args.get("format") == "csv":
        return csv_response(tables.centres_table(rows), download_name("centre-activity", chosen.slug if chosen else "", utcnow().date().isoformat()))
    return _page("compliance/centres.html", chosen=chosen, rows=rows, chart=charts.centre_chart(rows) if rows else None,
                 table=tables.centres_table(rows))


@bp.get("/reports/performers")
@login_required
def performers() -> str | Response:
    """The best performers of each cohort."""
    chosen = _chosen_programme()
    session = request_session()
    rows = cached(session, "performers:10:1", chosen, utcnow(), lambda: outstanding_performers(session, programme=chosen, per_cohort=10))
    if request.args.get("format") == "csv":
        return csv_response(tables.performers_table(rows), download_name("performers", chosen.slug if chosen else "", utcnow().date().isoformat()))
    cohorts: dict[str | None, list[Any]] = {}
    for row in rows:
        cohorts.setdefault(row.cohort, []).append(row)
    return _page("compliance/performers.html", chosen=chosen, cohorts=cohorts)


@bp.get("/reports/integrity")
@login_required
def integrity() -> str | Response:
    """Records worth a second look."""
    chosen = _chosen_programme()
    session = request_session()
    rows = cached(session, "integrity:page", chosen, utcnow(), lambda: integrity_signals(session, programme=chosen))
    if request.args.get("format") == "csv":
        return csv_response(tables.integrity_table(rows), download_name("integrity-signals", chosen.slug if chosen else "", utcnow().date().isoformat()))
    return _page("compliance/integrity.html", chosen=chosen, rows=rows)


@bp.get("/institutions")
@login_required
def institutions() -> str:
    """Institutions with their HR head counts and the learners registered under each."""
    return render_template("compliance/institutions.html", rows=institution_counts(request_session()))


@bp.get("/operations")
@login_required
def operations() -> str:
    """The state of the pipeline: centres, connector runs, roster imports, the normaliser and the review queues."""
    session = request_session()
    runs = session.execute(
        select(ConnectorRun, Connector.kind, Centre.name)
        .join(Connector, Connector.id == ConnectorRun.connector_id).join(Centre, Centre.id == Connector.centre_id)
        .order_by(ConnectorRun.id.desc()).limit(RECENT)
    ).all()
    imports = session.execute(
        select(RosterImport, Centre.name).join(Centre, Centre.id == RosterImport.centre_id).order_by(RosterImport.id.desc()).limit(RECENT)
    ).all()
    return render_template(
        "compliance/operations.html", centre_counts=count_by_status(session), runs=runs, imports=imports,
        pending=pending_count(session), identities=unmatched_identities(session, limit=QUEUE_SHOWN, offset=0),
        activities=unmapped_activities(session, limit=QUEUE_SHOWN, offset=0),
        has_connector_pages="connector_pages" in current_app.blueprints,  # link to them once they are there
    )
