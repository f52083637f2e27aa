"""The document resources (state, activity profile, agent profile) and the activities and agents resources."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import format_datetime

from flask import Response, request

from lrs.auth.service import Principal, require_active_centre
from lrs.db import request_session
from lrs.errors import BadRequest, NotFound
from lrs.xapi import documents
from lrs.xapi.activities import activity_object
from lrs.xapi.documents import ACTIVITY_PROFILE, AGENT_PROFILE, STATE, DocumentScope, Preconditions
from lrs.xapi.http import bp, json_response, no_content, principal, xapi_version
from lrs.xapi.ownership import check_activity_ownership, check_agent_ownership
from lrs.xapi.statements.params import parse_agent_param
from lrs.xapi.validation import agent_ifi, parse_timestamp, validate_iri, validate_uuid


@dataclass(frozen=True)
class DocumentResource:
    kind: str
    id_param: str
    required: frozenset[str]
    optional: frozenset[str] = frozenset()
    scope: str = "profile"

    def preconditions_required(self, version: str) -> bool:
        """Whether a PUT over an existing document must carry If-Match/If-None-Match."""
        return self.kind != STATE or version == "2.0.0"


STATE_RESOURCE = DocumentResource(STATE, "stateId", frozenset({"activityId", "agent"}), frozenset({"registration"}), "state")
ACTIVITY_PROFILE_RESOURCE = DocumentResource(ACTIVITY_PROFILE, "profileId", frozenset({"activityId"}))
AGENT_PROFILE_RESOURCE = DocumentResource(AGENT_PROFILE, "profileId", frozenset({"agent"}))


@bp.route("/activities/state", methods=["GET", "PUT", "POST", "DELETE"])
def state_documents() -> Response:
    return _document_request(STATE_RESOURCE)


@bp.route("/activities/profile", methods=["GET", "PUT", "POST", "DELETE"])
def activity_profile_documents() -> Response:
    return _document_request(ACTIVITY_PROFILE_RESOURCE)


@bp.route("/agents/profile", methods=["GET", "PUT", "POST", "DELETE"])
def agent_profile_documents() -> Response:
    return _document_request(AGENT_PROFILE_RESOURCE)


@bp.route("/activities", methods=["GET"])
def activities() -> Response:
    principal().require("read_definitions")
    args = _args(required={"activityId"}, allowed={"activityId"})
    validate_iri(args["activityId"], path="activityId")
    check_activity_ownership(principal(), args["activityId"])
    return json_response(activity_object(request_session(), args["activityId"]))


@bp.route("/agents", methods=["GET"])
def agents() -> Response:
    principal().require("read_definitions")
    args = _args(required={"agent"}, allowed={"agent"})
    agent = parse_agent_param(args["agent"], version=xapi_version())
    person: dict[str, object] = {"objectType": "Person"}
    for key in ("name", "mbox", "mbox_sha1sum", "openid", "account"):
        if key in agent:
            person[key] = [agent[key]]
    return json_response(person)


def _document_request(resource: DocumentResource) -> Response:
    who = principal()
    who.require(resource.scope)
    method = "GET" if request.method == "HEAD" else request.method
    single_required = method in ("PUT", "POST") or (method == "DELETE" and resource.kind != STATE)
    allowed = set(resource.required | resource.optional | {resource.id_param})
    if method == "GET":
        allowed.add("since")
    required = set(resource.required) | ({resource.id_param} if single_required else set())
    args = _args(required=required, allowed=allowed)
    scope = _scope(resource, args, who, writing=method != "GET")
    session = request_session()
    doc_id = args.get(resource.id_param)

    if method == "GET":
        if doc_id is None:
            since = parse_timestamp(args["since"], path="since") if "since" in args else None
            return json_response(documents.list_document_ids(session, scope, since))
        if "since" in args:
            raise BadRequest(f"since: cannot be combined with {resource.id_param}")
        document = documents.get_document(session, scope, doc_id)
        if document is None:
            raise NotFound(f"no document {doc_id!r}")
        response = Response(document.content, content_type=document.content_type)
        response.headers["ETag"] = f'"{document.etag}"'
        response.headers["Last-Modified"] = format_datetime(document.updated, usegmt=True)
        return response

    preconditions = _preconditions()
    if method == "DELETE":
        if doc_id is None:
            documents.delete_documents(session, scope)
        else:
            documents.delete_document(session, scope, doc_id, preconditions)
        session.commit()
        return no_content()

    if doc_id is None:  # unreachable: PUT and POST require the id parameter (``single_required``)
        raise BadRequest(f"{resource.id_param}: required")
    content = request.get_data(cache=False)
    content_type = request.headers.get("Content-Type") or "application/octet-stream"
    if method == "PUT":
        document = documents.put_document(
            session, scope, doc_id, content, content_type, preconditions,
            require_preconditions=resource.preconditions_required(xapi_version()), client_id=who.client_id,
        )
    else:
        document = documents.post_document(
            session, scope, doc_id, content, content_type, preconditions, client_id=who.client_id
        )
    session.commit()
    return no_content({"ETag": f'"{document.etag}"'})


def _scope(resource: DocumentResource, args: dict[str, str], who: Principal, *, writing: bool) -> DocumentScope:
    """The documents a request is about, in the caller's centre; a centre writes only about what it owns."""
    activity_iri = ""
    if "activityId" in args:
        validate_iri(args["activityId"], path="activityId")
        activity_iri = args["activityId"]
    agent = parse_agent_param(args["agent"], version=xapi_version()) if "agent" in args else None
    registration = ""
    if "registration" in args:
        validate_uuid(args["registration"], path="registration")
        registration = args["registration"].lower()
    if writing:
        require_active_centre(who)
        if activity_iri:
            check_activity_ownership(who, activity_iri)
        if agent is not None:
            check_agent_ownership(who, agent)
    ifi = (agent_ifi(agent) or "") if agent is not None else ""
    return DocumentScope(resource.kind, activity_iri, ifi, registration, who.centre_id)


def _args(*, required: set[str], allowed: set[str]) -> dict[str, str]:
    repeated = [name for name, values in request.args.lists() if len(values) > 1]
    if repeated:
        raise BadRequest(f"parameter(s) given more than once: {', '.join(sorted(repeated))}")
    args = dict(request.args)
    unknown = set(args) - allowed
    if unknown:
        raise BadRequest(f"unknown query parameter(s): {', '.join(sorted(unknown))}")
    missing = required - set(args)
    if missing:
        raise BadRequest(f"missing required parameter(s): {', '.join(sorted(missing))}")
    return args


def _preconditions() -> Preconditions:
    return Preconditions(
        if_match=_etags(request.headers.get("If-Match")),
        if_none_match=_etags(request.headers.get("If-None-Match")),
    )


def _etags(header: str | None) -> list[str] | None:
    if header is None:
        return None
    tags = []
    for part in header.split(","):
        tag = part.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        tags.append(tag.strip('"'))
    return tags
