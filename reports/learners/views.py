"""The learners REST API: register and find learners, link identities, import HR rosters, review unmatched actors."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from sqlalchemy import select

from lrs.api import api_blueprint
from lrs.auth.http import require_role
from lrs.db import request_session
from lrs.errors import BadRequest
from reports.learners import schemas
from reports.learners.identifiers import parse_identifier_query
from reports.learners.models import Identity, Learner
from reports.learners.review import unmatched_identities
from reports.learners.roster import RosterReport, import_roster
from reports.learners.service import (
    NewLearner,
    create_learner,
    find_by_identifier,
    get_learner,
    link_identity,
    list_learners,
)

blp = api_blueprint("learners", __name__, "/learners", "Learners: civil servants, their identifiers and xAPI identities")
review_blp = api_blueprint("identity_review", __name__, "/review/identities", "Actors whose statements match no learner yet")


@blp.route("")
class Learners(MethodView):
    @require_role("admin")
    @blp.arguments(schemas.NewLearnerSchema)
    @blp.response(201, schemas.LearnerSchema)
    @blp.alt_response(409, description="an identifier already belongs to another learner")
    def post(self, data: dict[str, Any]) -> Learner:
        """Register a learner under one or more national identifiers."""
        session = request_session()
        learner = create_learner(
            session, NewLearner(data["name"], data["institution"], data["cohort"], schemas.identifier_pairs(data))
        )
        session.commit()
        return learner

    @require_role("admin", "registrar")
    @blp.arguments(schemas.LearnerQuerySchema, location="query")
    @blp.response(200, schemas.LearnerPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Find learners by identifier (`?identifier=scheme:value`), or list them by id."""
        session = request_session()
        if "identifier" in query:
            return {"items": find_by_identifier(session, *parse_identifier_query(query["identifier"]))}
        return {"items": list_learners(session, after_id=query["after"], limit=query["limit"])}


@blp.route("/<int:learner_id>")
class LearnerDetail(MethodView):
    @require_role("admin", "registrar")
    @blp.response(200, schemas.LearnerDetailSchema)
    def get(self, learner_id: int) -> dict[str, Any]:
        """A learner with their identifiers and linked xAPI identities."""
        session = request_session()
        learner = get_learner(session, learner_id)
        identities = session.scalars(select(Identity).where(Identity.learner_id == learner.id).order_by(Identity.id))
        fields = ("id", "name", "institution", "cohort", "identifiers", "created_at", "updated_at")
        return {**{name: getattr(learner, name) for name in fields}, "identities": list(identities)}


@blp.route("/<int:learner_id>/identities")
class LearnerIdentities(MethodView):
    @require_role("admin")
    @blp.arguments(schemas.LinkIdentitySchema)
    @blp.response(201, schemas.IdentitySchema)
    @blp.alt_response(200, schema=schemas.IdentitySchema, description="already linked to this learner")
    @blp.alt_response(409, description="the actor is linked to another learner")
    def post(self, data: dict[str, Any], learner_id: int) -> tuple[Identity, int]:
        """Link an xAPI actor to the learner; their statements so far are normalised again."""
        session = request_session()
        identity, is_new = link_identity(session, get_learner(session, learner_id), data["agent"], source="admin")
        session.commit()
        return identity, 201 if is_new else 200


@blp.route("/roster")
class LearnerRoster(MethodView):
    @require_role("admin")
    @blp.arguments(schemas.RosterFileSchema, location="files")
    @blp.response(200, schemas.RosterReportSchema)
    def post(self, files: dict[str, Any]) -> RosterReport:
        """Import an HR roster CSV (multipart field `file`).

        Columns: `name`, `institution` (required), `cohort`, `email`, and identifier columns
        (`ke-upn`, `ke-national-id`, `rw-ippis`, `rw-national-id`). Valid rows import; each invalid
        row is reported with its line, column and reason and leaves nothing behind. Importing the
        same file again changes nothing.
        """
        upload = files["file"]
        if not hasattr(upload, "read"):
            raise BadRequest("file: a CSV file upload is required")
        session = request_session()
        report = import_roster(session, upload.read())
        session.commit()
        return report


@review_blp.route("")
class IdentityReview(MethodView):
    @require_role("admin")
    @review_blp.arguments(schemas.ReviewQuerySchema, location="query")
    @review_blp.response(200, schemas.UnmatchedIdentityPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Actors with statements but no learner, busiest first; link one with POST /learners/{id}/identities."""
        return {"items": unmatched_identities(request_session(), limit=query["limit"], offset=query["offset"])}
