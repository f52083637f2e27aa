"""The REST API at /api/v1: flask-smorest wiring, documented in OpenAPI at /api/openapi.json.

Errors keep Elimu's one envelope, ``{"error": {"code", "message"}}``; request validation failures
are answered 400 with the offending fields under ``error.fields``.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
import orjson
from flask import Flask
from flask_smorest import Api, Blueprint
from webargs.core import missing
from webargs.flaskparser import FlaskParser, is_json_request

from lrs.errors import error_body

LOCATIONS = frozenset({"json", "query", "form", "files", "headers", "view_args", "cookies"})


class ErrorDetailSchema(ma.Schema):
    code = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    fields = ma.fields.Dict(metadata={"description": "per-field messages for invalid requests"})


class ErrorEnvelopeSchema(ma.Schema):
    error = ma.fields.Nested(ErrorDetailSchema, required=True)


class BadRequestParser(FlaskParser):  # type: ignore[misc]
    """webargs answers an invalid body or query with 400, as every other Elimu error does, not 422.

    Bodies are parsed with orjson, whose nesting limit turns a hostile, deeply nested body into a
    JSON decode error (a 400) where the standard library would raise RecursionError (a 500).
    """

    DEFAULT_VALIDATION_STATUS = 400

    def _raw_load_json(self, req: Any) -> Any:
        if not is_json_request(req):
            return missing
        return orjson.loads(req.get_data(cache=True))  # orjson.JSONDecodeError is a json.JSONDecodeError


class ElimuBlueprint(Blueprint):  # type: ignore[misc]
    ARGUMENTS_PARSER = BadRequestParser()
    PAGINATION_ARGUMENTS_PARSER = BadRequestParser()


class ElimuApi(Api):  # type: ignore[misc]
    """smorest's Api answering errors in Elimu's envelope."""

    ERROR_SCHEMA = ErrorEnvelopeSchema

    def handle_http_exception(self, error: Any) -> tuple[dict[str, Any], int, dict[str, str]]:
        status = error.code or 500
        data = getattr(error, "data", None) or {}
        headers = dict(data.get("headers") or {})
        if status in (400, 422) and ("messages" in data or "errors" in data):  # webargs: schema mismatch
            fields = _flatten(data.get("messages") or data.get("errors") or {})
            body = error_body("invalid_request", "the request is invalid: " + _summary(fields))
            body["error"]["fields"] = fields
            return body, 400, headers
        code = (error.name or "error").lower().replace(" ", "_")
        return error_body(code, data.get("message") or error.description or error.name), status, headers


def _flatten(messages: dict[str, Any]) -> dict[str, Any]:
    """webargs nests messages by location ({"json": {"name": [...]}}); the caller wants them by field."""
    fields: dict[str, Any] = {}
    for key, value in messages.items():
        if key in LOCATIONS and isinstance(value, dict):
            fields.update(value)
        elif key in LOCATIONS:
            fields["body" if key == "json" else key] = value
        else:
            fields[key] = value
    return fields


def _summary(fields: dict[str, Any]) -> str:
    parts = []
    for name, problems in fields.items():
        text = problems if isinstance(problems, str) else "; ".join(map(str, problems)) if isinstance(problems, list) else "invalid"
        parts.append(f"{name}: {text}")
    return ", ".join(parts) or "invalid input"


def api_blueprint(name: str, import_name: str, url_prefix: str, description: str) -> Blueprint:
    """A documented REST blueprint under /api/v1."""
    return ElimuBlueprint(name, import_name, url_prefix=f"/api/v1{url_prefix}", description=description)


def init_app(app: Flask) -> ElimuApi:
    app.config.update(
        API_TITLE="Elimu",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "components": {"securitySchemes": {"basic": {"type": "http", "scheme": "basic"}}},
            "security": [{"basic": []}],
        },
    )
    api = ElimuApi(app)
    app.extensions["elimu.api"] = api
    return api
