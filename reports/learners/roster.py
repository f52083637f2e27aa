"""HR roster import: a CSV of civil servants from the personnel system creates or updates learners.

Columns (header row, any order): ``name`` and ``institution`` (required), ``cohort`` and ``email``
(optional), and one column per identifier scheme (``ke-upn``, ``ke-national-id``, ``rw-ippis``,
``rw-national-id``; ``_`` may stand for ``-``), at least one of them filled in each row. A row's
learner is found by any of its identifiers; its e-mail, which the employer vouches for, links the
``mailto:`` identity. Each row imports whole or not at all and is reported with line, column and
reason; importing the same file again changes nothing.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from lrs.errors import BadRequest, ElimuError
from reports.learners.identifiers import SCHEMES, normalise_identifier
from reports.learners.models import Learner, LearnerIdentifier
from reports.learners.service import NewLearner, create_learner, get_learner, link_identity, owners_of, update_learner
from reports.normalise.locks import hold_normaliser_lock
from reports.transcripts.feed import mark_changed

logger = logging.getLogger(__name__)

TEXT_COLUMNS = ("name", "institution", "cohort", "email")
REQUIRED = ("name", "institution")
MAX_ROWS = 100_000
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str


@dataclass
class RosterReport:
    rows_ok: int = 0
    rows_failed: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


class RowRejected(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


def import_roster(session: Session, data: bytes) -> RosterReport:
    """Import every valid row of an HR roster CSV; invalid rows are reported, never half-written.

    Raises:
        BadRequest: the file is not UTF-8 CSV with a usable header.
    """
    reader = csv.DictReader(io.StringIO(_decode(data), newline=""))
    columns = _check_header(reader.fieldnames)
    hold_normaliser_lock(session)
    report = RosterReport()
    for number, raw in enumerate(reader, start=1):
        if number > MAX_ROWS:
            raise BadRequest(f"the roster has more than {MAX_ROWS} rows; split it")
        line = reader.line_num
        if None in raw:
            _fail(report, line, "*", "the row has more cells than the header")
            continue
        row = {columns[name]: (value or "").strip() for name, value in raw.items() if name in columns}
        if not any(row.values()):
            continue
        try:
            with session.begin_nested():
                outcome = _import_row(session, row)
        except RowRejected as rejected:
            _fail(report, line, rejected.column, rejected.reason)
            continue
        report.rows_ok += 1
        setattr(report, outcome, getattr(report, outcome) + 1)
    logger.info("roster import: %d rows ok, %d failed", report.rows_ok, report.rows_failed)
    return report


def _fail(report: RosterReport, line: int, column: str, reason: str) -> None:
    report.rows_failed += 1
    report.errors.append(RowError(line, column, reason))


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadRequest("the roster must be a UTF-8 encoded CSV file") from None


def _check_header(fieldnames: Any) -> dict[str, str]:
    """Map each header cell to its canonical column name."""
    if not fieldnames:
        raise BadRequest("the roster is empty: a header row is required")
    columns: dict[str, str] = {}
    unknown = []
    for name in fieldnames:
        canonical = (name or "").strip().lower().replace("_", "-")
        canonical = canonical if canonical in SCHEMES else canonical.replace("-", "_")
        if canonical not in SCHEMES and canonical not in TEXT_COLUMNS:
            unknown.append(name)
        columns[name] = canonical
    if unknown:
        raise BadRequest(f"unknown roster column(s): {', '.join(map(str, unknown))}; expected {', '.join((*TEXT_COLUMNS, *SCHEMES))}")
    missing = [name for name in REQUIRED if name not in columns.values()]
    if missing:
        raise BadRequest(f"the roster lacks the required column(s): {', '.join(missing)}")
    if not set(columns.values()) & SCHEMES.keys():
        raise BadRequest(f"the roster needs at least one identifier column: {', '.join(SCHEMES)}")
    return columns


def _import_row(session: Session, row: dict[str, str]) -> str:
    """Create or update the row's learner; 'created', 'updated' or 'unchanged'."""
    for column in TEXT_COLUMNS:
        if row.get(column, "").startswith(_FORMULA_START):
            raise RowRejected(column, "must not start with = + - @ (spreadsheet formula)")
    for column in REQUIRED:
        if not row.get(column):
            raise RowRejected(column, "is required")
        if len(row[column]) > 200:
            raise RowRejected(column, "is longer than 200 characters")
    email = row.get("email") or None
    if email is not None and not _EMAIL.fullmatch(email):
        raise RowRejected("email", "is not an e-mail address")
    identifiers = []
    for scheme in SCHEMES:
        if row.get(scheme):
            try:
                identifiers.append((scheme, normalise_identifier(scheme, row[scheme])))
            except ElimuError as error:
                raise RowRejected(scheme, error.message) from None
    if not identifiers:
        raise RowRejected("identifiers", "at least one identifier column must be filled in")
    owners = owners_of(session, identifiers)
    learners = sorted(set(owners.values()))
    if len(learners) > 1:
        scheme, value = next(key for key, owner in owners.items() if owner == learners[1])
        raise RowRejected(scheme, f"{value} belongs to learner {learners[1]}, the row's other identifiers to learner {learners[0]}")
    try:
        if learners:
            learner = get_learner(session, learners[0])
            outcome = _update(session, learner, row, [pair for pair in identifiers if pair not in owners])
        else:
            learner = create_learner(session, NewLearner(row["name"], row["institution"], row.get("cohort"), identifiers))
            outcome = "created"
        if email is not None:
            _, is_new = link_identity(session, learner, {"mbox": f"mailto:{email}"}, source="roster")
            if outcome == "unchanged" and is_new:
                outcome = "updated"
    except ElimuError as error:
        raise RowRejected("email" if email and "identity" in error.message else "identifiers", error.message) from None
    return outcome


def _update(session: Session, learner: Learner, row: dict[str, str], new_identifiers: list[tuple[str, str]]) -> str:
    held = {identifier.scheme: identifier.value for identifier in learner.identifiers}
    for scheme, value in new_identifiers:
        if scheme in held:
            raise RowRejected(scheme, f"learner {learner.id} already has {scheme} {held[scheme]}")
        learner.identifiers.append(LearnerIdentifier(scheme=scheme, value=value))
    cohort = row["cohort"] if "cohort" in row else learner.cohort
    changed = update_learner(session, learner, name=row["name"], institution=row["institution"], cohort=cohort)
    if new_identifiers and not changed:
        mark_changed(session, [learner.id])
    return "updated" if changed or new_identifiers else "unchanged"
