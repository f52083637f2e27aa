"""``more`` cursors: a resumable statement query, signed so that clients cannot forge one."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import uuid
from datetime import datetime
from typing import Any

import orjson

from lrs.errors import BadRequest
from lrs.xapi.statements.params import StatementQuery

_DATES = ("since", "until")


def encode_cursor(query: StatementQuery, secret: str) -> str:
    fields = {key: value for key, value in dataclasses.asdict(query).items() if value is not None}
    payload = base64.urlsafe_b64encode(orjson.dumps(fields, default=str)).rstrip(b"=")
    return f"{payload.decode()}.{_sign(payload, secret)}"


def decode_cursor(token: str, secret: str) -> StatementQuery:
    """The query a ``more`` token resumes.

    Raises:
        BadRequest: the token was not issued by this LRS or has been altered.
    """
    payload, _, signature = token.partition(".")
    if not payload or not hmac.compare_digest(signature, _sign(payload.encode(), secret)):
        raise BadRequest("more: not a cursor this LRS issued")
    fields: dict[str, Any] = orjson.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    for name in _DATES:
        if name in fields:
            fields[name] = datetime.fromisoformat(fields[name])
    if "registration" in fields:
        fields["registration"] = uuid.UUID(fields["registration"])
    return StatementQuery(**fields)


def _sign(payload: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), payload, hashlib.sha256).hexdigest()[:32]
