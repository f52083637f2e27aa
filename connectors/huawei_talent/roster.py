"""Roster imports: an academy's upload checked at once, then imported by a background job with progress.

The upload is refused at once (and nothing kept) when it is too large, not UTF-8, or its header is not
the roster's. The job reads every row, rejects the bad ones with line, column and reason, and puts the
good ones on record ``CHUNK`` at a time: one transaction per chunk holding the rows' learners, links,
records, statements and the import's progress. Rows exactly as on record already are passed over;
plainly new ones go in a table at a time (``bulk``); the rest each in a savepoint, so a refused row
leaves nothing. If the chunk's statements are refused as a whole, the chunk is redone row by row so
only the offending row is refused. A job stopped midway resumes after the last committed chunk.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flask import Flask
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from connectors.core.ingest import connector_principal, ingest_statements
from connectors.core.models import Connector
from connectors.core.service import Caller, authorise_centre_manage, importer_of
from connectors.huawei_talent.bulk import place_new, plainly_new, unchanged
from connectors.huawei_talent.models import ImportStatus, RosterImport, RosterImportError
from connectors.huawei_talent.records import CREATED, UNCHANGED, UPDATED, Placed, place_certificate
from connectors.huawei_talent.rows import (
    CertificateRow,
    RawRow,
    RosterRefused,
    RowRejected,
    check_header,
    check_row,
    decode,
    is_json,
    read_roster,
)
from lrs.auth.service import Principal
from lrs.centres.lookup import get_centre
from lrs.centres.models import Centre
from lrs.db import session_scope, utcnow
from lrs.errors import Conflict, ElimuError, NotFound
from lrs.settings import Settings

logger = logging.getLogger(__name__)

CHUNK = 500


def submit_roster(session: Session, settings: Settings, centre_id: int, data: bytes, *, filename: str, by: Caller) -> RosterImport:
    """Check an uploaded roster's encoding and header and queue it (the caller enqueues after committing).

    Raises:
        NotFound: no such centre.
        Conflict: the centre is not approved, or has no activity prefix for its certificates.
        RosterRefused: not a UTF-8 roster with exactly the roster's columns.
    """
    authorise_centre_manage(by, centre_id)
    centre = get_centre(session, centre_id)
    if not centre.is_approved:
        raise Conflict(f"centre {centre.id} is {centre.status.value}; only approved centres import rosters")
    if not centre.activity_prefixes:
        raise Conflict(f"centre {centre.id} claims no activity prefix to record its certificates under")
    precheck(data, filename)
    connector = importer_of(session, settings, centre, by=by)
    upload = RosterImport(
        centre_id=centre.id, connector_id=connector.id, status=ImportStatus.QUEUED, filename=filename[:255] or "roster",
        sha256=hashlib.sha256(data).hexdigest(), size_bytes=len(data), content=data, submitted_by=by.label,
    )
    session.add(upload)
    session.flush()
    logger.info("roster import %s queued for centre %s (%d bytes)", upload.id, centre.id, len(data))
    return upload


def precheck(data: bytes, filename: str) -> None:
    """What can be told at once: the encoding, and for CSV the header (JSON is checked by the job)."""
    text = decode(data)
    if is_json(text, filename):
        return
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), strict=True), [])
    except csv.Error as error:
        raise RosterRefused(f"malformed CSV on line 1: {error}", line=1) from None
    check_header(header)


@dataclass
class ChunkReport:
    ok: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)

    def add(self, placed: Placed, *, keep_statements: bool) -> None:
        self.ok += 1
        self.created += placed.outcome == CREATED
        self.updated += placed.outcome == UPDATED
        self.unchanged += placed.outcome == UNCHANGED
        if keep_statements:
            self.statements.extend(placed.statements)


def run_import(app: Flask, import_id: int, *, today: date | None = None) -> RosterImport:
    """Import a queued (or interrupted) roster to its end."""
    today = today or utcnow().date()
    settings: Settings = app.extensions["elimu.settings"]
    with session_scope(app) as session:
        upload = _claim(session, import_id)
        if upload is None or upload.content is None:
            return session.get(RosterImport, import_id)  # type: ignore[return-value]
        data, filename, done = upload.content, upload.filename, upload.rows_done
        centre_id, connector = upload.centre_id, session.get(Connector, upload.connector_id)
        if connector is None:
            raise NotFound(f"roster import {import_id} has no connector")
    try:
        rows = read_roster(data, filename=filename)
    except RosterRefused as refused:
        return _finish(app, import_id, error=refused.message, line=refused.line)
    first_line = _first_lines(rows)
    with session_scope(app) as session:
        session.execute(update(RosterImport).where(RosterImport.id == import_id).values(rows_total=len(rows)))
    for start in range(done, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        with session_scope(app) as session:
            centre = get_centre(session, centre_id)
            principal = connector_principal(session, connector.client_id, base_url=settings.base_url)
            report = _import_chunk(session, centre, principal, chunk, first_line, today)
            _progress(session, import_id, report, len(chunk))
    return _finish(app, import_id, error=None, line=0)


def _claim(session: Session, import_id: int) -> RosterImport | None:
    upload = session.get(RosterImport, import_id)
    if upload is None:
        raise NotFound(f"no roster import {import_id}")
    if upload.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return None
    upload.status = ImportStatus.RUNNING
    upload.started_at = upload.started_at or utcnow()
    return upload


def _first_lines(rows: list[RawRow]) -> dict[str, int]:
    """Where each certificate number first appears (a second row for one number is refused)."""
    first: dict[str, int] = {}
    for row in rows:
        number = row.cells.get("certificate_number", "").strip().upper()
        if number:
            first.setdefault(number, row.line)
    return first


def _import_chunk(
    session: Session, centre: Centre, principal: Principal, chunk: list[RawRow], first_line: dict[str, int], today: date
) -> ChunkReport:
    errors: list[tuple[int, str, str]] = []
    checked = _checked(chunk, centre.country, first_line, today, errors)
    try:
        with session.begin_nested():
            report = _place(session, centre, checked, store_each=None)
            ingest_statements(session, principal, report.statements)
    except (ElimuError, IntegrityError) as failure:
        logger.info("a chunk could not be placed at once (%s); placing it row by row", type(failure).__name__)
        report = _place(session, centre, checked, store_each=principal)
    report.errors = sorted(errors + report.errors)
    return report


def _checked(
    chunk: list[RawRow], country: str, first_line: dict[str, int], today: date, errors: list[tuple[int, str, str]]
) -> list[tuple[int, CertificateRow]]:
    """The chunk's rows that pass their checks; the others' errors go to ``errors``."""
    checked = []
    for raw in chunk:
        try:
            row = check_row(raw, country=country, today=today)
            if first_line.get(row.certificate_number, raw.line) != raw.line:
                raise RowRejected("certificate_number", f"appears already on line {first_line[row.certificate_number]}")
        except RowRejected as rejected:
            errors.append((raw.line, rejected.column, rejected.reason))
            continue
        checked.append((raw.line, row))
    return checked


def _place(
    session: Session, centre: Centre, checked: list[tuple[int, CertificateRow]], *, store_each: Principal | None
) -> ChunkReport:
    """Put checked rows on record: plainly new ones at once (unless storing row by row), the others each in a savepoint.

    With ``store_each`` every row also stores its statements inside its savepoint; otherwise they are
    collected for one store of the whole chunk.
    """
    report = ChunkReport()
    same = unchanged(session, centre, [row for _, row in checked])
    pending = []
    for line, row in checked:
        if row.certificate_number in same:
            report.add(Placed(UNCHANGED, None), keep_statements=False)
        else:
            pending.append((line, row))
    if store_each is None:
        new = plainly_new(session, centre, [row for _, row in pending])
        for placed in place_new(session, centre, new):
            report.add(placed, keep_statements=True)
        placed_at_once = {id(candidate.row) for candidate in new}
        pending = [(line, row) for line, row in pending if id(row) not in placed_at_once]
    for line, row in pending:
        try:
            with session.begin_nested():
                placed = place_certificate(session, centre, row, source="roster")
                if store_each is not None:
                    ingest_statements(session, store_each, placed.statements)
        except RowRejected as rejected:
            report.errors.append((line, rejected.column, rejected.reason))
            continue
        except ElimuError as refused:
            report.errors.append((line, "*", refused.message[:500]))
            continue
        report.add(placed, keep_statements=store_each is None)
    return report


def _progress(session: Session, import_id: int, report: ChunkReport, rows: int) -> None:
    upload = session.get(RosterImport, import_id)
    if upload is None:
        raise NotFound(f"no roster import {import_id}")
    upload.rows_done += rows
    upload.rows_ok += report.ok
    upload.rows_failed += len(report.errors)
    upload.created += report.created
    upload.updated += report.updated
    upload.unchanged += report.unchanged
    session.add_all(RosterImportError(import_id=import_id, line=line, column=column, reason=reason) for line, column, reason in report.errors)


def _finish(app: Flask, import_id: int, *, error: str | None, line: int) -> RosterImport:
    with session_scope(app) as session:
        upload = session.get(RosterImport, import_id)
        if upload is None:
            raise NotFound(f"no roster import {import_id}")
        upload.status = ImportStatus.FAILED if error else ImportStatus.SUCCEEDED
        upload.error = error
        upload.finished_at = utcnow()
        upload.content = None
        if error:
            session.add(RosterImportError(import_id=import_id, line=line, column="*", reason=error[:500]))
    logger.info("roster import %s %s: %d ok, %d failed", import_id, upload.status.value, upload.rows_ok, upload.rows_failed)
    return upload


def get_import(session: Session, import_id: int, *, by: Caller) -> RosterImport:
    """Raises: NotFound, Forbidden."""
    upload = session.get(RosterImport, import_id)
    if upload is None:
        raise NotFound(f"no roster import {import_id}")
    authorise_centre_manage(by, upload.centre_id)
    return upload


def import_report(session: Session, import_id: int, *, by: Caller, errors_limit: int) -> dict[str, Any]:
    """The import's status, progress and counts, with its first ``errors_limit`` rejected rows.

    Raises:
        NotFound, Forbidden: as ``get_import``.
    """
    upload = get_import(session, import_id, by=by)
    report = {column.key: getattr(upload, column.key) for column in RosterImport.__table__.columns if column.key != "content"}
    return {**report, "errors": import_errors(session, import_id, limit=errors_limit)}


def import_errors(session: Session, import_id: int, *, limit: int) -> list[RosterImportError]:
    query = select(RosterImportError).where(RosterImportError.import_id == import_id).order_by(RosterImportError.line, RosterImportError.id)
    return list(session.scalars(query.limit(limit)))


def centre_imports(session: Session, centre_id: int, *, by: Caller, limit: int = 200) -> list[RosterImport]:
    """The centre's latest imports, newest first."""
    authorise_centre_manage(by, centre_id)
    query = select(RosterImport).where(RosterImport.centre_id == centre_id).order_by(RosterImport.id.desc())
    return list(session.scalars(query.limit(limit)))


def latest_imports(session: Session, *, limit: int = 50) -> list[tuple[RosterImport, Centre]]:
    """The latest imports of every centre, newest first (for the administrators' pages)."""
    query = select(RosterImport, Centre).join(Centre, Centre.id == RosterImport.centre_id).order_by(RosterImport.id.desc())
    return list(session.execute(query.limit(limit)).tuples())
