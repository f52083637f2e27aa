"""Which xAPI version a request speaks: 1.0.x requests are answered as 1.0.3, 2.0.x as 2.0.0.

A request that names no version is refused, and the refusal is worded in the version that client
last spoke (a 1.0.3 client expects ``1.0.3`` in the answer's version header, a 2.0 client ``2.0.0``).
"""

from __future__ import annotations

import re

from flask import current_app
from sqlalchemy import update

from lrs.auth.models import Client
from lrs.db import engine_of
from lrs.errors import BadRequest

NEWEST = "2.0.0"
SUPPORTED = ("1.0.3", "2.0.0")
_VERSION = re.compile(r"^(1\.0|2\.0)(\.\d+)?$")


def parse_version(header: str | None) -> str | None:
    """The version a header value asks for, None when absent.

    Raises:
        BadRequest: a version Elimu does not speak.
    """
    if header is None:
        return None
    match = _VERSION.match(header.strip())
    if not match:
        raise BadRequest(f"X-Experience-API-Version {header!r} is not supported; use 1.0.x or 2.0.x")
    return "1.0.3" if match.group(1) == "1.0" else "2.0.0"


def remember_version(client_id: int, known: str | None, version: str) -> None:
    """Record the version a client speaks, so a later unversioned request is answered in it."""
    if known == version:
        return
    with engine_of(current_app).begin() as connection:
        connection.execute(update(Client).where(Client.id == client_id).values(xapi_version=version))
