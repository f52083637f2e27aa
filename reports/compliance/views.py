"""The reports REST API: every report as JSON, as CSV (``?format=csv``) and, where it has one, as an SVG chart
(``?format=svg``). Administrators and registrars read them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView
from markupsafe import Markup

from lrs.api import api_blueprint
from lrs.auth.http import require_role
from lrs.db import request_session, utcnow
from reports.compliance import charts, schemas, tables
from reports.compliance.activity import centre_activity
from reports.compliance.cache import breakdown_of, cached, officers_of, summary_of
from reports.compliance.export import csv_response, download_name, svg_response
from reports.compliance.institutions import institution_compliance
from reports.compliance.integrity import integrity_signals
from reports.compliance.performers import outstanding_performers
from reports.programmes.models import Programme
from reports.programmes.service import get_programme

blp = api_blueprint("reports", __name__, "/reports", "Programme progress, compliance, centre activity, performers and integrity signals")
CSV = {"content_type": "text/csv", "description": "the report as CSV (format=csv)"}
SVG = {"content_type": "image/svg+xml", "description": "the report as an SVG chart (format=svg)"}


def _answer(query: dict[str, Any], data: Any, name: str, table: Callable[[], tables.Table],
            chart: Callable[[], Markup] | None = None) -> Any:
    """``data`` as JSON, or its table as CSV, or its chart as SVG, as ``?format=`` asks."""
    stamped = download_name(name, utcnow().date().isoformat())
    if query["format"] == "csv":
        return csv_response(table(), stamped)
    if query["format"] == "svg" and chart is not None:
        return svg_response(chart(), stamped)
    return data


def _programme(programme_id: int | None) -> Programme | None:
    return get_programme(request_session(), programme_id) if programme_id is not None else None


@blp.route("/programmes/<int:programme_id>/progress")
class ProgressReport(MethodView):
    @require_role("admin", "registrar")
    @blp.arguments(schemas.FormatQuerySchema, location="query")
    @blp.response(200, schemas.ProgressSchema)
    @blp.alt_response(200, success=True, **CSV)
    @blp.alt_response(200, success=True, **SVG)
    def get(self, query: dict[str, Any], programme_id: int) -> Any:
        """Programme progress over time against the target.

        `reached` counts everyone who got at least that far (enrolled ⊇ in progress ⊇ completed ⊇ certified);
        `current` puts each learner in the furthest stage reached; `series` gives the cumulative counts at
        each month (or week) end, with the target on a straight line from the start to the deadline.
        """
        programme = get_programme(request_session(), programme_id)
        progress = summary_of(request_session(), programme, utcnow()).progress
        return _answer(query, progress, f"progress-{programme.slug}", lambda: tables.progress_table(progress),
                       lambda: charts.progress_chart(programme, progress))


@blp.route("/programmes/<int:programme_id>/breakdown")
class BreakdownReport(MethodView):
    @require_role("admin", "registrar")
    @blp.arguments(schemas.BreakdownQuerySchema, location="query")
    @blp.response(200, schemas.BreakdownSchema)
    @blp.alt_response(200, success=True, **CSV)
    @blp.alt_response(200, success=True, **SVG)
    def get(self, query: dict[str, Any], programme_id: int) -> Any:
        """Stages reached by institution or cohort (learners), or by track or centre (learners in those courses)."""
        session, now = request_session(), utcnow()
        programme = get_programme(session, programme_id)
        rows = breakdown_of(session, programme, now, query["by"], summary_of(session, programme, now))
        return _answer(query, {"by": query["by"], "items": rows}, f"{query['by']}-{programme.slug}",
                       lambda: tables.breakdown_table(rows, query["by"]),
                       lambda: charts.breakdown_chart(rows, query["by"], f"by-{query['by']}"))


@blp.route("/programmes/<int:programme_id>/compliance")
class ComplianceReport(MethodView):
    @require_role("admin", "registrar")
    @blp.arguments(schemas.FormatQuerySchema, location="query")
    @blp.response(200, schemas.ComplianceSchema)
    @blp.alt_response(200, success=True, **CSV)
    @blp.alt_response(200, success=True, **SVG)
    def get(self, query: dict[str, Any], programme_id: int) -> Any:
        """Compliance per institution: the share of its head count that met the requirement, against its deadline."""
        session, now = request_session(), utcnow()
        programme = get_programme(session, programme_id)
        rows = institution_compliance(session, programme, now, summary_of(session, programme, now))
        return _answer(query, {"items": rows}, f"compliance-{programme.slug}", lambda: tables.compliance_table(rows),
                       lambda: charts.compliance_chart(programme, rows))


def _officers(query: dict[str, Any], programme_id: int, *, overdue_only: bool) -> Any:
    programme = get_programme(request_session(), programme_id)
    officers = officers_of(request_session(), programme, utcnow(), institution=query["institution"],
                           overdue_only=overdue_only, limit=query["limit"])
    name = f"{'overdue' if overdue_only else 'outstanding'}-{programme.slug}-{query['institution'] or 'all'}"
    return _answer(query, {"items": officers}, name, lambda: tables.officers_table(officers))


@blp.route("/programmes/<int:programme_id>/overdue")
class OverdueReport(MethodView):
    @require_role("admin", "registrar")
    @blp.arguments(schemas.OfficersQuerySchema, location="query")
    @blp.response(200, schemas.OfficersSchema)
    @blp.alt_response(200, success=True, **CSV)
    def get(self, query: dict[str, Any], programme_id: int) -> Any:
        """Officers past their institution's deadline who have not met the requirement, with what each still lacks."""
        return _officers(query, programme_id, overdue_only=True)


@blp.route("/programmes/<int:programme_id>/outstanding")
class OutstandingReport(MethodView):
    @require_role("admin", "registrar")
    @blp.arguments(schemas.OfficersQuerySchema, location="query")
    @blp.response(200, schemas.OfficersSchema)
    @blp.alt_response(200, success=True, **CSV)
    def get(self, query: dict[str, Any], programme_id: int) -> Any:
        """Every officer of the population who has not met the requirement yet, overdue or not."""
        return _officers(query, programme_id, overdue_only=False)


@blp.route("/centres")
class CentresReport(MethodView):
    @require_role("admin", "registrar")
    @blp.arguments(schemas.CentresQuerySchema, location="query")
    @blp.response(200, schemas.CentresSchema)
    @blp.alt_response(200, success=True, **CSV)
    @blp.alt_response(200, success=True, **SVG)
    def get(self, query: dict[str, Any]) -> Any:
        """Centre activity: learners, enrolments, completions, pass rate, average score and hours delivered."""
        session, programme = request_session(), _programme(query["programme"])
        rows = cached(session, f"centres:{query['since']}", programme, utcnow(),
                      lambda: centre_activity(session, programme=programme, since=query["since"]))
        return _answer(query, {"items": rows}, "centre-activity", lambda: tables.centres_table(rows),
                       lambda: charts.centre_chart(rows))


@blp.route("/performers")
class PerformersReport(MethodView):
    @require_role("admin", "registrar")
    @blp.arguments(schemas.PerformersQuerySchema, location="query")
    @blp.response(200, schemas.PerformersSchema)
    @blp.alt_response(200, success=True, **CSV)
    def get(self, query: dict[str, Any]) -> Any:
        """Outstanding performers: per cohort, the best average score over completed courses (ties: more credits)."""
        session, programme = request_session(), _programme(query["programme"])
        rows = cached(session, f"performers:{query['per_cohort']}:{query['min_courses']}", programme, utcnow(), lambda: outstanding_performers(
            session, programme=programme, per_cohort=query["per_cohort"], min_courses=query["min_courses"]))
        return _answer(query, {"items": rows}, "performers", lambda: tables.performers_table(rows))


@blp.route("/integrity")
class IntegrityReport(MethodView):
    @require_role("admin", "registrar")
    @blp.arguments(schemas.IntegrityQuerySchema, location="query")
    @blp.response(200, schemas.IntegritySchema)
    @blp.alt_response(200, success=True, **CSV)
    def get(self, query: dict[str, Any]) -> Any:
        """Records worth a second look: completions implausibly fast for the notional hours, and many attempts."""
        session, programme = request_session(), _programme(query["programme"])
        kind = f"integrity:{query['fast_fraction']}:{query['many_attempts']}:{query['limit']}"
        rows = cached(session, kind, programme, utcnow(), lambda: integrity_signals(
            session, programme=programme, fast_fraction=query["fast_fraction"], many_attempts=query["many_attempts"], limit=query["limit"]))
        return _answer(query, {"items": rows}, "integrity-signals", lambda: tables.integrity_table(rows))

