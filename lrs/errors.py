"""The one error hierarchy of Elimu and its JSON envelope.

Domain code raises these; ``init_app`` turns them (and Werkzeug's HTTP errors)
into ``{"error": {"code": ..., "message": ...}}`` with the right status.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException

logger = logging.getLogger(__name__)


class ElimuError(Exception):
    """Base of every error Elimu answers on purpose."""

    status: int = 400
    code: str = "bad_request"

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class BadRequest(ElimuError):
    status, code = 400, "bad_request"


class InvalidStatement(BadRequest):
    code = "invalid_statement"


class Unauthorised(ElimuError):
    status, code = 401, "unauthorised"


class Forbidden(ElimuError):
    status, code = 403, "forbidden"


class NotFound(ElimuError):
    status, code = 404, "not_found"


class MethodNotAllowed(ElimuError):
    status, code = 405, "method_not_allowed"


class Conflict(ElimuError):
    status, code = 409, "conflict"


class StatementConflict(Conflict):
    code = "statement_conflict"


class PreconditionFailed(ElimuError):
    status, code = 412, "precondition_failed"


class PayloadTooLarge(ElimuError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(ElimuError):
    status, code = 415, "unsupported_media_type"


class TooManyRequests(ElimuError):
    status, code = 429, "too_many_requests"


def error_body(code: str, message: str) -> dict[str, Any]:
    """The JSON envelope every error answer carries."""
    return {"error": {"code": code, "message": message}}


def _answer(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    response = jsonify(error_body(code, message))
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    """Answer every error, expected or not, as JSON."""

    @app.errorhandler(ElimuError)
    def handle_elimu_error(error: ElimuError) -> Response:
        return _answer(error.status, error.code, error.message, error.headers)

    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException) -> Response:
        status = error.code or 500
        code = (error.name or "error").lower().replace(" ", "_")
        headers = {k: v for k, v in error.get_headers() if k.lower() not in ("content-type", "content-length")}
        return _answer(status, code, error.description or error.name, headers)

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def handle_value_out_of_range(error: Exception) -> Response:
        # A number or text the database cannot hold (an id past 64 bits, a string past its column):
        # the client's input, not our fault. The request's session is rolled back when it closes.
        logger.warning("refused a value the database cannot hold", exc_info=True)
        return _answer(400, "value_out_of_range", "a value in the request is too large for this field")

    @app.errorhandler(OperationalError)
    def handle_database_error(error: OperationalError) -> Response:
        if not error.connection_invalidated:
            return handle_unexpected(error)
        logger.warning("the database connection was lost; the pool reconnects", exc_info=True)
        session = g.get("elimu_session")
        if session is not None:  # later hooks of this request (response headers) may still query
            session.rollback()
        return _answer(503, "database_unavailable", "the database is unavailable; retry shortly",
                       {"Retry-After": "5"})

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception) -> Response:
        logger.exception("unhandled error")
        return _answer(500, "internal_error", "an internal error occurred")
