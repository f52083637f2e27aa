"""xAPI 1.0.3's alternate request syntax: a form POST with ``?method=`` that stands for another request.

Browsers that cannot send custom headers or methods cross-origin use it. We unwrap it at the WSGI
layer, before Flask routes the request, so every resource sees an ordinary request. xAPI 2.0 dropped
the syntax: a 2.0 request carrying ``method`` is left alone and refused as an unknown parameter.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

HEADER_FIELDS = {
    "authorization": "HTTP_AUTHORIZATION",
    "x-experience-api-version": "HTTP_X_EXPERIENCE_API_VERSION",
    "content-type": "CONTENT_TYPE",
    "content-length": None,  # recomputed from the content we unwrap
    "if-match": "HTTP_IF_MATCH",
    "if-none-match": "HTTP_IF_NONE_MATCH",
}
METHODS = frozenset({"GET", "PUT", "POST", "DELETE", "HEAD"})
ERROR_KEY = "elimu.alternate_syntax_error"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class AlternateRequestSyntax:
    """WSGI middleware that turns an alternate-syntax POST under ``prefix`` into the request it encodes."""

    def __init__(self, app: WSGIApp, prefix: str = "/xapi/") -> None:
        self.app = app
        self.prefix = prefix

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") == "POST" and environ.get("PATH_INFO", "").startswith(self.prefix):
            query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
            if any(name == "method" for name, _ in query):
                _unwrap(environ, query)
        return self.app(environ, start_response)


def _unwrap(environ: dict[str, Any], query: list[tuple[str, str]]) -> None:
    content_type = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    form = _read_form(environ) if content_type == "application/x-www-form-urlencoded" else None
    fields = dict(form or ())
    version = fields.get("X-Experience-API-Version") or environ.get("HTTP_X_EXPERIENCE_API_VERSION", "")
    if not version.startswith("1.0"):
        if form is not None:
            _set_body(environ, urlencode(form).encode())  # leave the request as it came
        return
    method = dict(query)["method"].upper()
    if len(query) != 1:
        environ[ERROR_KEY] = "alternate request syntax: the query string may hold only the method parameter"
    elif method not in METHODS:
        environ[ERROR_KEY] = f"alternate request syntax: unsupported method {method!r}"
    elif form is None:
        environ[ERROR_KEY] = "alternate request syntax: the body must be application/x-www-form-urlencoded"
    if ERROR_KEY in environ:
        return

    params: list[tuple[str, str]] = []
    content = b""
    environ["CONTENT_TYPE"] = "application/json"
    for name, value in form or ():
        header = name.lower()
        if header in HEADER_FIELDS:
            if HEADER_FIELDS[header] is not None:
                environ[HEADER_FIELDS[header]] = value
        elif name == "content":
            content = value.encode()
        else:
            params.append((name, value))
    environ["REQUEST_METHOD"] = method
    environ["QUERY_STRING"] = urlencode(params)
    environ["elimu.alternate_syntax"] = True
    _set_body(environ, content)


def _read_form(environ: dict[str, Any]) -> list[tuple[str, str]]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length > 0 else b""
    try:
        return parse_qsl(raw.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        environ[ERROR_KEY] = "alternate request syntax: the form is not valid UTF-8"
        return []


def _set_body(environ: dict[str, Any], body: bytes) -> None:
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
