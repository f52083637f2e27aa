"""The centres REST API under /api/v1: applications, decisions, credentials and the audit log."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import current_app
from flask.views import MethodView

from lrs.api import api_blueprint
from lrs.auth.http import current_principal, require_role
from lrs.auth.models import Client
from lrs.auth.service import IssuedCredential
from lrs.centres import schemas
from lrs.centres.audit import Actor, audit_entries
from lrs.centres.credentials import issue_centre_credential, list_credentials, revoke_credential, rotate_credential
from lrs.centres.models import AuditEntry, Centre, CentreStatus
from lrs.centres.service import (
    TRANSITIONS,
    Application,
    CentreFilter,
    Decision,
    apply_for_centre,
    authorise_centre_read,
    decide,
    get_centre,
    list_centres,
)
from lrs.db import request_session
from lrs.errors import Forbidden
from lrs.web.ratelimit import check_rate

blp = api_blueprint("centres", __name__, "/centres", "Authorised centres: applications, decisions and credentials")
audit_blp = api_blueprint("audit", __name__, "/audit", "The append-only audit log of decisions about centres")

READERS = ("admin", "registrar", "centre")


def guarded(*roles: str, by_centre: bool = True) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``require_role``, with the answers it (and an unknown centre id) gives documented in OpenAPI."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        view = blp.alt_response(401, description="no credentials, or wrong or revoked ones")(view)
        view = blp.alt_response(403, description=f"the credential lacks the {' or '.join(roles)} role, or is another centre's")(view)
        if by_centre:
            view = blp.alt_response(404, description="no such centre (or credential)")(view)
        return require_role(*roles)(view)

    return decorate


def rate_limited_applications(view: Callable[..., Any]) -> Callable[..., Any]:
    """Count every application attempt from the caller's address, valid or not, before parsing it."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        check_rate("applications", current_app.extensions["elimu.settings"].application_rate_limit, 3600)
        return view(*args, **kwargs)

    return wrapper


@blp.route("/applications")
class Applications(MethodView):
    @blp.doc(security=[])
    @rate_limited_applications
    @blp.arguments(schemas.ApplicationSchema)
    @blp.response(201, schemas.ApplicationReceivedSchema)
    @blp.alt_response(409, description="a prefix or home page is already claimed by another centre")
    @blp.alt_response(429, description="too many applications from this address")
    def post(self, application: Application) -> Centre:
        """Apply to become an authorised centre.

        No credentials are needed. The application waits, `pending`, for the ministry's decision.
        Activity prefixes and home pages must not overlap those another centre claims.
        """
        session = request_session()
        centre = apply_for_centre(session, application)
        session.commit()
        return centre


@blp.route("")
class Centres(MethodView):
    @guarded("admin", "registrar", by_centre=False)
    @blp.arguments(schemas.CentreQuerySchema, location="query", unknown=ma.RAISE)
    @blp.response(200, schemas.CentrePageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """List centres, newest application first, filtered by status, kind, country or name."""
        status = CentreStatus(query["status"]) if "status" in query else None
        where = CentreFilter(status, query.get("kind"), query.get("country"), query.get("q"))
        items, total = list_centres(request_session(), where, limit=query["limit"], offset=query["offset"])
        return {"items": items, "total": total}


@blp.route("/<int:centre_id>")
class CentreResource(MethodView):
    @guarded(*READERS)
    @blp.response(200, schemas.CentreSchema)
    def get(self, centre_id: int) -> Centre:
        """A centre, with its status. A centre's own credential may read it; admins and registrars read any."""
        authorise_centre_read(current_principal(), centre_id)
        return get_centre(request_session(), centre_id)


@blp.route("/<int:centre_id>/approve")
class Approval(MethodView):
    @guarded("admin")
    @blp.arguments(schemas.DecisionSchema)
    @blp.response(200, schemas.ApprovalSchema)
    @blp.alt_response(409, description="the centre is not pending")
    def post(self, decision: dict[str, str], centre_id: int) -> Decision:
        """Approve a pending centre and issue its first xAPI credential (the secret is shown only now)."""
        return _decide(centre_id, "approve", decision["reason"])


def _decide(centre_id: int, action: str, reason: str) -> Decision:
    session = request_session()
    result = decide(session, centre_id, action, by=Actor.of_client(current_principal()), reason=reason)
    session.commit()
    return result


def _decision_view(action: str) -> Callable[..., Any]:
    transition = TRANSITIONS[action]
    allowed = " or ".join(sorted(status.value for status in transition.allowed_from))

    @guarded("admin")
    @blp.arguments(schemas.DecisionSchema)
    @blp.response(200, schemas.CentreSchema)
    @blp.alt_response(409, description=f"the centre is not {allowed}")
    def view(decision: dict[str, str], centre_id: int) -> Centre:
        return _decide(centre_id, action, decision["reason"]).centre

    view.__name__ = f"{action}_centre"
    article = "an" if allowed[0] in "aeiou" else "a"
    view.__doc__ = (
        f"{action.capitalize()} {article} {allowed} centre; it becomes {transition.to.value}.\n\n"
        "The reason is recorded in the audit log. Its statements and documents stay in the store."
    )
    return view


for _action in ("reject", "suspend", "reinstate", "revoke"):
    blp.route(f"/<int:centre_id>/{_action}", methods=["POST"], endpoint=f"{_action}_centre")(_decision_view(_action))


@blp.route("/<int:centre_id>/credentials")
class Credentials(MethodView):
    @guarded(*READERS)
    @blp.response(200, schemas.CredentialListSchema)
    def get(self, centre_id: int) -> dict[str, list[Client]]:
        """The centre's credentials (keys, never secrets), active and revoked."""
        authorise_centre_read(current_principal(), centre_id)
        return {"items": list_credentials(request_session(), centre_id)}

    @guarded("admin")
    @blp.arguments(schemas.CredentialRequestSchema)
    @blp.response(201, schemas.IssuedCredentialSchema)
    @blp.alt_response(409, description="the centre is not approved")
    def post(self, body: dict[str, str], centre_id: int) -> IssuedCredential:
        """Issue a further credential to an approved centre (one per LMS, say); the secret is shown only now."""
        session = request_session()
        issued = issue_centre_credential(session, centre_id, by=Actor.of_client(current_principal()), name=body.get("name"))
        session.commit()
        return issued


@blp.route("/<int:centre_id>/credentials/<key>/revoke")
class CredentialRevocation(MethodView):
    @guarded("admin")
    @blp.arguments(schemas.DecisionSchema)
    @blp.response(200, schemas.CredentialSchema)
    @blp.alt_response(409, description="the credential was already revoked")
    def post(self, decision: dict[str, str], centre_id: int, key: str) -> Client:
        """Revoke one credential of a centre at once; what it wrote stays."""
        session = request_session()
        client = revoke_credential(session, centre_id, key, by=Actor.of_client(current_principal()), reason=decision["reason"])
        session.commit()
        return client


@blp.route("/<int:centre_id>/credentials/<key>/rotate")
class CredentialRotation(MethodView):
    @guarded("admin")
    @blp.arguments(schemas.DecisionSchema)
    @blp.response(201, schemas.IssuedCredentialSchema)
    @blp.alt_response(409, description="the credential was already revoked, or the centre is not approved")
    def post(self, decision: dict[str, str], centre_id: int, key: str) -> IssuedCredential:
        """Replace a credential with a new key and secret (shown only now); the old one stops working."""
        session = request_session()
        issued = rotate_credential(session, centre_id, key, by=Actor.of_client(current_principal()), reason=decision["reason"])
        session.commit()
        return issued


@audit_blp.route("")
class Audit(MethodView):
    @guarded(*READERS, by_centre=False)
    @audit_blp.arguments(schemas.AuditQuerySchema, location="query", unknown=ma.RAISE)
    @audit_blp.response(200, schemas.AuditPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The audit log, oldest first: who decided what about which centre, when and why.

        Filter by `centre`; page with `after` (the `next_cursor` of the previous page). A centre's
        credential reads only its own centre's entries and must name it.
        """
        principal = current_principal()
        centre_id = query.get("centre")
        if principal.role == "centre" and centre_id is None:
            raise Forbidden("a centre's credential must ask for its own centre's entries (centre=<id>)")
        if centre_id is not None:
            authorise_centre_read(principal, centre_id)
        items: list[AuditEntry] = audit_entries(
            request_session(), centre_id=centre_id, after=query.get("after"), limit=query["limit"]
        )
        next_cursor = str(items[-1].id) if len(items) == query["limit"] else None
        return {"items": items, "next_cursor": next_cursor}
