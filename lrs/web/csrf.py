"""CSRF protection for every form POST of the web pages: a per-session random token, checked in constant time.

The token lives in the signed session cookie; each form carries it in a hidden ``csrf_token`` field (scripts may
send the ``X-CSRF-Token`` header instead). The xAPI (/xapi) and REST (/api) surfaces authenticate every
request with HTTP Basic, never with the cookie, so they are outside this check.
"""

from __future__ import annotations

import hmac
import secrets

from flask import request, session

from lrs.errors import BadRequest

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
EXEMPT_PREFIXES = ("/xapi/", "/api/")


class CSRFError(BadRequest):
    code = "csrf_failed"


def csrf_token() -> str:
    """This session's token, created on first use (templates call it as ``csrf_token()``)."""
    token = session.get(FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[FIELD] = token
    return token


def rotate_csrf_token() -> None:
    """Give the session a fresh token (after signing in or out)."""
    session[FIELD] = secrets.token_urlsafe(32)


def is_exempt(path: str) -> bool:
    return path.startswith(EXEMPT_PREFIXES) or path in ("/xapi", "/api")


def check_csrf() -> None:
    """Refuse an unsafe request to a page unless it carries this session's token.

    Raises:
        CSRFError: the token is missing or wrong (or the session has none: cookies off, or it expired).
    """
    if request.method in SAFE_METHODS or is_exempt(request.path):
        return
    sent = request.form.get(FIELD) or request.headers.get(HEADER) or ""
    expected = session.get(FIELD)
    if not isinstance(expected, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CSRFError("the form could not be verified (its security token is missing or has expired); reload the page and try again")
