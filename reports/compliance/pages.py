"""The programme pages on top of ``lrs.web``: the programme overview panel of /dashboard, each programme's
page (progress chart, compliance by institution, breakdowns), the per-institution drill-down with the
officers still to complete, and the CSV downloads behind their buttons."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from flask import Blueprint, Flask, render_template, url_for
from flask.blueprints import BlueprintSetupState
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from lrs.db import request_session, utcnow
from lrs.errors import NotFound
from lrs.web.auth import login_required
from lrs.web.layout import DashboardPanel, NavLink, add_dashboard_panel, add_nav_link, html_errors
from reports.compliance import charts, tables
from reports.compliance.cache import breakdown_of, officers_of, summary_of
from reports.compliance.export import csv_response, download_name
from reports.compliance.institutions import (
    STATUS_LABELS,
    InstitutionCompliance,
    institution_compliance,
)
from reports.programmes.models import Programme
from reports.programmes.service import REQUIREMENTS, courses_of, get_programme, list_programmes
from reports.programmes.standing import STAGE_LABELS

bp = Blueprint("programme_pages", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/compliance")
html_errors(bp)

OFFICERS_SHOWN = 200
PROGRESS_LABELS = {"met": "Target met", "on_track": "On track", "behind": "Behind", "overdue": "Overdue", "no_target": "No deadline"}


@bp.record_once
def _register(state: BlueprintSetupState) -> None:
    add_nav_link(cast(Flask, state.app), NavLink("Programmes", "programme_pages.programmes", for_admins=True, order=12))
    add_dashboard_panel(cast(Flask, state.app), DashboardPanel("Programmes", _dashboard_panel, order=5))


@bp.app_template_filter("number")
def number(value: float | int | None) -> str:
    """1234 as "1,234" and 7.5 as "7.5": figures as people read them."""
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {"stage_labels": STAGE_LABELS, "status_labels": STATUS_LABELS, "progress_labels": PROGRESS_LABELS,
            "requirements": REQUIREMENTS}


def _dashboard_panel() -> str:
    """The programme overview administrators land on: each programme's standing, chart and what needs attention."""
    session, now = request_session(), utcnow()
    cards = []
    for programme in list_programmes(session):
        summary = summary_of(session, programme, now)
        progress = summary.progress
        attention = [row for row in institution_compliance(session, programme, now, summary) if row.status in ("overdue", "due_soon", "behind")]
        cards.append({
            "programme": programme, "progress": progress, "attention": attention[:3], "attention_count": len(attention),
            "chart": charts.progress_chart(programme, progress, chart_id=f"overview-{programme.id}"),
        })
    return render_template("compliance/dashboard_panel.html", cards=cards, **_labels())  # rendered in lrs.web's request


@bp.get("/programmes")
@login_required
def programmes() -> str:
    """Every programme with where it stands."""
    session, now = request_session(), utcnow()
    rows = [(programme, summary_of(session, programme, now).progress) for programme in list_programmes(session)]
    return render_template("compliance/programmes.html", rows=rows)


@bp.get("/programmes/<int:programme_id>")
@login_required
def programme(programme_id: int) -> str:
    """One programme: progress against target, compliance by institution, and the breakdowns."""
    session, now = request_session(), utcnow()
    item = get_programme(session, programme_id)
    summary = summary_of(session, item, now)
    progress = summary.progress
    compliance = institution_compliance(session, item, now, summary)
    groups = {by: breakdown_of(session, item, now, by, summary) for by in ("cohort", "track", "centre")}
    links = {row.name: url_for("programme_pages.institution", programme_id=item.id, name=row.name) for row in compliance}
    return render_template(
        "compliance/programme.html", programme=item, progress=progress, compliance=compliance, groups=groups,
        courses=courses_of(session, item), progress_table=tables.progress_table(progress),
        progress_chart=charts.progress_chart(item, progress), stage_chart=charts.stage_chart(progress),
        compliance_chart=charts.compliance_chart(item, compliance, links=links) if compliance else None,
        group_charts={by: charts.breakdown_chart(rows, by, f"by-{by}") for by, rows in groups.items() if rows},
    )


@bp.get("/programmes/<int:programme_id>/institutions/<path:name>")
@login_required
def institution(programme_id: int, name: str) -> str:
    """One institution's compliance and the officers it still has to get through the programme."""
    session, now = request_session(), utcnow()
    item = get_programme(session, programme_id)
    row = _institution_row(item, institution_compliance(session, item, now, summary_of(session, item, now)), name)
    officers = officers_of(session, item, now, institution=name, limit=OFFICERS_SHOWN)
    return render_template("compliance/institution.html", programme=item, row=row, officers=officers,
                           shown=OFFICERS_SHOWN, is_past=bool(row.deadline and now.date() > row.deadline))


@bp.get("/programmes/<int:programme_id>/institutions/<path:name>/officers.csv")
@login_required
def institution_officers_csv(programme_id: int, name: str) -> Response:
    """Every officer of the institution not yet compliant (all of them, not only those shown)."""
    session, now = request_session(), utcnow()
    item = get_programme(session, programme_id)
    _institution_row(item, institution_compliance(session, item, now, summary_of(session, item, now)), name)
    officers = officers_of(session, item, now, institution=name)
    return csv_response(tables.officers_table(officers), download_name("officers", item.slug, name, now.date().isoformat()))


@bp.get("/programmes/<int:programme_id>/<any(progress, compliance, institution, cohort, track, centre, outstanding):report>.csv")
@login_required
def programme_csv(programme_id: int, report: str) -> Response:
    """The programme's reports as CSV, as the API's ``?format=csv`` gives them."""
    session, now = request_session(), utcnow()
    item = get_programme(session, programme_id)
    table = _programme_table(session, item, report, now)
    return csv_response(table, download_name(report, item.slug, now.date().isoformat()))


def _programme_table(session: Session, item: Programme, report: str, now: datetime) -> tables.Table:
    if report == "outstanding":
        return tables.officers_table(officers_of(session, item, now))
    summary = summary_of(session, item, now)
    if report == "progress":
        return tables.progress_table(summary.progress)
    if report == "compliance":
        return tables.compliance_table(institution_compliance(session, item, now, summary))
    return tables.breakdown_table(breakdown_of(session, item, now, report, summary), report)  # the route admits only BREAKDOWNS


def _institution_row(item: Programme, rows: list[InstitutionCompliance], name: str) -> InstitutionCompliance:
    row = next((row for row in rows if row.name == name), None)
    if row is None:
        raise NotFound(f"{name} is not among the institutions of {item.name}")
    return row
