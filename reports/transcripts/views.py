"""The registrar API: a learner's transcript (JSON, CSV, PDF), the incremental feed, the payroll export."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, request
from flask.views import MethodView

from lrs.api import api_blueprint
from lrs.auth.http import require_role
from lrs.db import request_session, utcnow
from reports.credentials.service import current_verification
from reports.transcripts import schemas
from reports.transcripts.pdf import render_pdf
from reports.transcripts.registrar import feed_page, payroll_rows
from reports.transcripts.service import transcript_for
from reports.transcripts.tabular import payroll_csv, transcript_csv

blp = api_blueprint("transcripts", __name__, "", "Unified transcripts and the registrar's feed")

READERS = ("admin", "registrar")
MEDIA_TYPES = {"application/json": "json", "text/csv": "csv", "application/pdf": "pdf"}


@blp.route("/learners/<int:learner_id>/transcript")
class LearnerTranscript(MethodView):
    @require_role(*READERS)
    @blp.arguments(schemas.TranscriptQuerySchema, location="query")
    @blp.response(200, schemas.TranscriptSchema, content_type="application/json")
    @blp.alt_response(200, content_type="text/csv", description="`?format=csv` or `Accept: text/csv`")
    @blp.alt_response(200, content_type="application/pdf", description="`?format=pdf` or `Accept: application/pdf`")
    def get(self, query: dict[str, Any], learner_id: int) -> Any:
        """The learner's unified transcript: every recognised course with outcome and evidence, and totals.

        JSON by default; CSV or PDF by `?format=` or the `Accept` header.
        """
        session = request_session()
        transcript = transcript_for(session, learner_id)
        chosen = query.get("format") or MEDIA_TYPES[request.accept_mimetypes.best_match(MEDIA_TYPES, "application/json")]
        if chosen == "csv":
            return _download(transcript_csv(transcript).encode(), "text/csv; charset=utf-8", f"transcript-{learner_id}.csv")
        if chosen == "pdf":
            base_url = current_app.extensions["elimu.settings"].base_url
            verification = current_verification(session, base_url, learner_id, transcript)
            pdf = render_pdf(transcript, generated_at=utcnow(), verification=verification)
            return _download(pdf, "application/pdf", f"transcript-{learner_id}.pdf")
        return transcript


@blp.route("/transcripts")
class TranscriptFeed(MethodView):
    @require_role(*READERS)
    @blp.arguments(schemas.FeedQuerySchema, location="query")
    @blp.response(200, schemas.FeedPageSchema)
    def get(self, query: dict[str, Any]) -> Any:
        """Transcripts changed since `updated_since` or after `cursor`, oldest change first.

        Follow `next_cursor` until it is null, keep the last one, and poll with it later: under
        concurrent updates no change is skipped or repeated.
        """
        return feed_page(
            request_session(),
            cursor=query.get("cursor"),
            since=query.get("updated_since"),
            limit=query["limit"],
            secret_key=current_app.extensions["elimu.settings"].secret_key,
        )


@blp.route("/transcripts/export")
class PayrollExport(MethodView):
    @require_role(*READERS)
    @blp.arguments(schemas.ExportQuerySchema, location="query")
    @blp.response(200, content_type="text/csv")
    def get(self, query: dict[str, Any]) -> Response:
        """Every transcript line keyed by a payroll identifier (`scheme`, default `ke-upn`), as CSV for HRIS/IPPIS upload."""
        rows = payroll_rows(request_session(), query["scheme"], since=query.get("updated_since"))
        return _download(payroll_csv(query["scheme"], rows).encode(), "text/csv; charset=utf-8", f"transcripts-{query['scheme']}.csv")


def _download(body: bytes, content_type: str, filename: str) -> Response:
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
