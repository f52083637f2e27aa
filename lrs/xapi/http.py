"""The xAPI HTTP surface at /xapi: version negotiation, authentication, CORS and JSON answers.

Resources live in their own modules (``statement_views``, ``document_views``, ``about``) and register
on ``bp``; this module holds what every one of them shares.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from flask import Blueprint, Flask, Response, current_app, g, request
from sqlalchemy.orm import Session

from lrs.auth.http import basic_credentials
from lrs.auth.service import Principal, authenticate, require_readable_centre
from lrs.db import request_session
from lrs.errors import BadRequest
from lrs.settings import Settings
from lrs.xapi.alternate import ERROR_KEY, AlternateRequestSyntax
from lrs.xapi.consistency import WritesInFlight, consistent_through
from lrs.xapi.timestamps import format_timestamp
from lrs.xapi.versions import NEWEST, parse_version, remember_version

bp = Blueprint("xapi", __name__, url_prefix="/xapi")

VERSION_HEADER = "X-Experience-API-Version"
CONSISTENT_THROUGH = "X-Experience-API-Consistent-Through"
CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, HEAD, POST, PUT, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "Authorization, Content-Type, If-Match, If-None-Match, X-Experience-API-Version, Accept-Language"
    ),
    "Access-Control-Expose-Headers": (
        "ETag, Last-Modified, Cache-Control, Content-Type, Content-Length, WWW-Authenticate, "
        "X-Experience-API-Version, X-Experience-API-Consistent-Through"
    ),
}


def settings() -> Settings:
    return current_app.extensions["elimu.settings"]


def principal() -> Principal:
    return g.xapi_principal


def xapi_version() -> str:
    return g.xapi_version


def writes_in_flight() -> WritesInFlight:
    return current_app.extensions["elimu.writes_in_flight"]


def read_consistency(session: Session) -> datetime:
    """The consistent-through instant for a statement read on ``session``."""
    return consistent_through(session, writes_in_flight())


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    response = Response(orjson.dumps(value), status=status, mimetype="application/json")
    for name, header in (headers or {}).items():
        response.headers[name] = header
    return response


def no_content(headers: dict[str, str] | None = None) -> Response:
    response = Response(status=204)
    for name, header in (headers or {}).items():
        response.headers[name] = header
    return response


@bp.before_request
def _negotiate_and_authenticate() -> Response | None:
    if request.method == "OPTIONS":
        return Response(status=200)
    if ERROR_KEY in request.environ:
        raise BadRequest(request.environ[ERROR_KEY])
    if request.endpoint == "xapi.about":
        g.xapi_version = parse_version(request.headers.get(VERSION_HEADER)) or NEWEST
        return None
    key, secret = basic_credentials()
    who = authenticate(request_session(), key, secret, base_url=settings().base_url)
    g.xapi_principal = who
    g.xapi_version = who.xapi_version or NEWEST
    version = parse_version(request.headers.get(VERSION_HEADER))
    if version is None:
        raise BadRequest(f"the {VERSION_HEADER} header is required")
    remember_version(who.client_id, who.xapi_version, version)
    g.xapi_version = version
    require_readable_centre(who)
    return None


@bp.after_request
def _common_headers(response: Response) -> Response:
    response.headers[VERSION_HEADER] = g.get("xapi_version") or NEWEST
    if request.endpoint == "xapi.get_statements" and request.method in ("GET", "HEAD") and CONSISTENT_THROUGH not in response.headers:
        # xAPI wants this header on every statement read, errors included.
        response.headers[CONSISTENT_THROUGH] = format_timestamp(read_consistency(request_session()))
    for name, value in CORS_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_app(app: Flask) -> None:
    """Mount the xAPI resources and unwrap alternate-syntax requests before routing."""
    from lrs.xapi import about, document_views, statement_views  # noqa: F401 - they register on bp

    app.extensions["elimu.writes_in_flight"] = WritesInFlight()
    app.register_blueprint(bp)
    app.wsgi_app = AlternateRequestSyntax(app.wsgi_app)  # type: ignore[method-assign]
