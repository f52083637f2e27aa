"""Statement read answers: JSON, or multipart/mixed with attachment contents, plus xAPI's headers."""

from __future__ import annotations

from email.utils import format_datetime
from typing import Any

import orjson
from flask import Response, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.xapi.http import CONSISTENT_THROUGH
from lrs.xapi.models import AttachmentContent
from lrs.xapi.multipart import build_multipart_mixed
from lrs.xapi.statements.formats import present
from lrs.xapi.statements.paging import encode_cursor
from lrs.xapi.statements.query import StatementPage
from lrs.xapi.validation import parse_timestamp


def statement_result_response(
    session: Session,
    result: StatementPage | dict[str, Any],
    fmt: str,
    with_attachments: bool,
    consistent_through: str,
    *,
    secret_key: str,
) -> Response:
    """A single statement or a StatementResult, shaped as ``fmt`` asks."""
    languages = [tag for tag, _quality in request.accept_languages]
    if isinstance(result, dict):
        bodies = [result]
        document: Any = present(result, fmt, languages)
    else:
        bodies = result.statements
        more = ""
        if result.next_query is not None:
            more = url_for("xapi.get_statements", more=encode_cursor(result.next_query, secret_key))
        document = {"statements": [present(body, fmt, languages) for body in bodies], "more": more}
    payload = orjson.dumps(document)
    if with_attachments:
        body, content_type = build_multipart_mixed(payload, _attachment_contents(session, bodies))
        response = Response(body, content_type=content_type)
    else:
        response = Response(payload, mimetype="application/json")
    response.headers[CONSISTENT_THROUGH] = consistent_through
    newest = max((body["stored"] for body in bodies), default=consistent_through)
    response.headers["Last-Modified"] = format_datetime(parse_timestamp(newest, path="stored"), usegmt=True)
    return response


def _attachment_contents(session: Session, bodies: list[dict[str, Any]]) -> list[tuple[str, str, bytes]]:
    wanted: list[str] = []
    for body in bodies:
        for attachment in body.get("attachments") or ():
            if "sha2" in attachment and attachment["sha2"] not in wanted:
                wanted.append(attachment["sha2"])
    if not wanted:
        return []
    rows = session.execute(
        select(AttachmentContent.sha2, AttachmentContent.content_type, AttachmentContent.content).where(
            AttachmentContent.sha2.in_(wanted)
        )
    ).all()
    by_sha2 = {row.sha2: (row.content_type, row.sha2, row.content) for row in rows}
    return [by_sha2[sha2] for sha2 in wanted if sha2 in by_sha2]
