"""The statements resource: PUT, POST, GET (and HEAD) of /xapi/statements."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from flask import Response, request

from lrs.auth.service import require_active_centre
from lrs.db import commit_with_retry, request_session
from lrs.errors import BadRequest, NotFound
from lrs.outbox import notify_normaliser
from lrs.xapi.attachments import check_attachments
from lrs.xapi.http import (
    bp,
    json_response,
    no_content,
    principal,
    read_consistency,
    settings,
    xapi_version,
)
from lrs.xapi.multipart import Part, parse_multipart_mixed
from lrs.xapi.ownership import check_statement_ownership
from lrs.xapi.responses import statement_result_response
from lrs.xapi.statements.paging import decode_cursor
from lrs.xapi.statements.params import SingleStatementQuery, parse_statement_params
from lrs.xapi.statements.query import find_statements, get_statement
from lrs.xapi.statements.store import store_statements
from lrs.xapi.timestamps import format_timestamp
from lrs.xapi.validation import validate_statement, validate_statements, validate_uuid


@bp.route("/statements", methods=["PUT"])
def put_statement() -> Response:
    statement_id = _only_param("statementId")
    payload, attachments = _read_body()
    if not isinstance(payload, dict):
        raise BadRequest("a PUT carries exactly one statement object")
    validate_statement(payload, version=xapi_version())
    if "id" in payload and uuid.UUID(payload["id"]) != statement_id:
        raise BadRequest("id: does not match the statementId parameter")
    payload = {**payload, "id": payload.get("id", str(statement_id))}
    _store([payload], attachments)
    return no_content()


@bp.route("/statements", methods=["POST"])
def post_statements() -> Response:
    if request.args:
        raise BadRequest(f"unknown query parameter(s): {', '.join(sorted(request.args))}")
    payload, attachments = _read_body()
    statements = validate_statements(payload, version=xapi_version())
    return json_response(_store(statements, attachments))


@bp.route("/statements", methods=["GET"])
def get_statements() -> Response:
    who = principal()
    who.require("read_own_statements")
    session = request_session()
    consistent_through = format_timestamp(read_consistency(session))
    if "more" in request.args:
        args = _single_valued_args()
        if len(args) > 1:
            raise BadRequest("more: a cursor cannot be combined with other parameters")
        query = decode_cursor(args["more"], settings().secret_key)
    else:
        query = parse_statement_params(
            _single_valued_args(), version=xapi_version(), max_limit=settings().statements_page_size
        )
    if isinstance(query, SingleStatementQuery):
        statement = get_statement(session, query, who)
        if statement is None:
            raise_not_found(query)
        return statement_result_response(
            session, statement, query.format, query.attachments, consistent_through,
            secret_key=settings().secret_key,
        )
    page = find_statements(session, query, who)
    return statement_result_response(
        session, page, query.format, query.attachments, consistent_through,
        secret_key=settings().secret_key,
    )


def raise_not_found(query: SingleStatementQuery) -> None:
    """Say which kind of statement was not there."""
    kind = "voided statement" if query.voided else "statement"
    raise NotFound(f"no {kind} {query.statement_id}")


def _store(statements: list[dict[str, Any]], attachments: list[Part] | None) -> list[str]:
    who = principal()
    who.require("write_statements")
    require_active_centre(who)
    check_statement_ownership(who, statements)
    parts = check_attachments(statements, attachments or [])
    session = request_session()
    batch = commit_with_retry(
        session,
        lambda: store_statements(session, statements, principal=who, version=xapi_version(), attachments=parts),
    )
    if batch.new_seqs:
        notify_normaliser()
    return batch.ids


def _read_body() -> tuple[Any, list[Part] | None]:
    content_type = request.headers.get("Content-Type", "")
    media_type = content_type.split(";")[0].strip().lower()
    if media_type not in ("application/json", "multipart/mixed"):
        raise BadRequest("statements are sent as application/json or, with attachments, multipart/mixed")
    body = request.get_data(cache=False)
    if media_type == "multipart/mixed":
        statement_part, parts = parse_multipart_mixed(body, content_type)
        return _loads(statement_part.body), parts
    return _loads(body), None


def _loads(body: bytes) -> Any:
    if not body:
        raise BadRequest("the request has no body")
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise BadRequest(f"the body is not valid JSON: {error}") from None


def _only_param(name: str) -> uuid.UUID:
    args = _single_valued_args()
    extra = set(args) - {name}
    if extra:
        raise BadRequest(f"unknown query parameter(s): {', '.join(sorted(extra))}")
    if name not in args:
        raise BadRequest(f"the {name} parameter is required")
    validate_uuid(args[name], path=name)
    return uuid.UUID(args[name])


def _single_valued_args() -> dict[str, str]:
    repeated = [name for name, values in request.args.lists() if len(values) > 1]
    if repeated:
        raise BadRequest(f"parameter(s) given more than once: {', '.join(sorted(repeated))}")
    return dict(request.args)
