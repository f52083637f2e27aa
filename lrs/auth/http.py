"""Who is calling the REST API: HTTP Basic client credentials and the roles they carry."""

from __future__ import annotations

import base64
import binascii
import functools
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, g, request

from lrs.auth.service import Principal, authenticate
from lrs.db import request_session
from lrs.errors import Forbidden, Unauthorised

F = TypeVar("F", bound=Callable[..., Any])
CHALLENGE = {"WWW-Authenticate": 'Basic realm="Elimu"'}


def basic_credentials() -> tuple[str, str]:
    """The key and secret of the request's HTTP Basic Authorization header.

    Raises:
        Unauthorised: no header, or one that is not well-formed Basic credentials.
    """
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "basic" or not token.strip():
        raise Unauthorised("HTTP Basic credentials are required", headers=CHALLENGE)
    try:
        decoded = base64.b64decode(token.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthorised("malformed HTTP Basic credentials", headers=CHALLENGE) from None
    key, sep, secret = decoded.partition(":")
    if not sep:
        raise Unauthorised("malformed HTTP Basic credentials", headers=CHALLENGE)
    return key, secret


def current_principal() -> Principal:
    """The authenticated caller of this request (authenticated once, then remembered)."""
    if "elimu_principal" not in g:
        key, secret = basic_credentials()
        base_url = current_app.extensions["elimu.settings"].base_url
        g.elimu_principal = authenticate(request_session(), key, secret, base_url=base_url)
    return g.elimu_principal


def require_role(*roles: str) -> Callable[[F], F]:
    """Allow the view only to credentials holding one of ``roles`` (401 without credentials, 403 otherwise)."""

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal = current_principal()
            if principal.role not in roles:
                raise Forbidden(f"this needs the {' or '.join(roles)} role")
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
