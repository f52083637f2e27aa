"""The Huawei Talent roster format: reading a CSV or JSON export into rows, and checking each row.

A file is refused whole (``RosterRefused``) only when it cannot be read as a roster at all: not UTF-8
(or UTF-16 with a BOM), binary, malformed CSV, a header that is not exactly the roster's columns, or
more rows than allowed. Otherwise every row is checked on its own and either becomes a
``CertificateRow`` or is rejected with its line, column and reason (``RowRejected``).
Cells that start like a spreadsheet formula (``=``, ``+``, ``-``, ``@``, tab, CR) are refused.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson

from lrs.errors import BadRequest, ElimuError
from reports.learners.identifiers import normalise_identifier

COLUMNS = (
    "national_id", "upn", "full_name", "email", "huawei_account", "course_code", "course_title",
    "certificate_name", "certificate_level", "track", "certificate_number", "exam_date", "issue_date",
    "expiry_date", "training_hours", "score", "pass_mark",
)
REQUIRED = ("full_name", "course_code", "course_title", "certificate_name", "certificate_level", "track",
            "certificate_number", "issue_date")
LEVELS = ("HCIA", "HCIP", "HCIE", "HCSA", "HCSP", "HCSE", "HCCDA", "HCCDP", "HCCDE")
VALIDITY_YEARS = 3  # Huawei certificates are valid for three years from issue
MAX_ROWS = 200_000
MAX_CELL = 300
MAX_SCORE = 1000  # Huawei certification exams are marked out of 1000
MAX_HOURS = 2000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMERIC = ("training_hours", "score", "pass_mark")
# Which learner identifier scheme the national_id and upn columns hold, by the centre's country.
SCHEMES_BY_COUNTRY = {"KE": ("ke-national-id", "ke-upn"), "RW": ("rw-national-id", "rw-ippis")}

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_NUMBER = re.compile(r"\d{1,7}(\.\d{1,4})?")
_CERTIFICATE_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9_/-]{3,63}")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/+-]{0,39}")
_ACCOUNT = re.compile(r"[^\s\x00-\x1f\x7f]{1,100}")


class RosterRefused(BadRequest):
    """The file as a whole cannot be read as a roster."""

    code = "roster_refused"

    def __init__(self, message: str, *, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


class RowRejected(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column, self.reason = column, reason


@dataclass(frozen=True)
class RawRow:
    line: int  # the CSV line the row starts on, or the JSON record's position (from 1)
    cells: dict[str, str]


@dataclass(frozen=True)
class CertificateRow:
    """A checked roster row: who, which certificate, and its dates and marks."""

    identifiers: tuple[tuple[str, str], ...]  # (scheme, canonical value), national id first
    full_name: str
    email: str | None
    huawei_account: str | None
    course_code: str
    course_title: str
    certificate_name: str
    certificate_level: str
    track: str
    certificate_number: str
    exam_date: date | None
    issue_date: date
    expiry_date: date
    training_hours: float | None
    score: float | None
    pass_mark: float | None

    def fingerprint_fields(self) -> list[Any]:
        return [
            list(self.identifiers), self.full_name, self.email, self.huawei_account, self.course_code, self.course_title,
            self.certificate_name, self.certificate_level, self.track, self.certificate_number,
            _iso(self.exam_date), _iso(self.issue_date), _iso(self.expiry_date), self.training_hours, self.score, self.pass_mark,
        ]


def read_roster(data: bytes, *, filename: str = "") -> list[RawRow]:
    """The rows of a CSV or JSON roster (JSON when the name ends in .json or the content opens with [ or {).

    Raises:
        RosterRefused: the file cannot be read as a roster.
    """
    text = decode(data)
    if is_json(text, filename):
        rows = list(_json_rows(text))
    else:
        rows = list(_csv_rows(text))
    if not rows:
        raise RosterRefused("the roster has a header but no rows")
    return rows


def is_json(text: str, filename: str) -> bool:
    return filename.lower().endswith(".json") or text.lstrip()[:1] in ("[", "{")


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a BOM), or UTF-16 with a BOM; anything else is refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise RosterRefused("the file starts like UTF-16 but is not valid UTF-16") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            raise RosterRefused(
                f"the file is not UTF-8 text (byte 0x{data[error.start]:02X} on line {line}); "
                "export it as 'CSV UTF-8' (or JSON)", line=line,
            ) from None
    if "\x00" in text:
        raise RosterRefused("the file contains NUL bytes: it is not a text roster")
    if not text.strip():
        raise RosterRefused("the file is empty")
    return text


def _csv_rows(text: str) -> Iterator[RawRow]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise RosterRefused("the file is empty")
        columns = check_header(header)
        line, count = reader.line_num + 1, 0
        for cells in reader:
            start, line = line, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            count += 1
            if count > MAX_ROWS:
                raise RosterRefused(f"the roster has more than {MAX_ROWS} rows; split it into several files")
            if len(cells) != len(columns):
                yield RawRow(start, {"*": f"the row has {len(cells)} cells; the header has {len(columns)}"})
                continue
            yield RawRow(start, dict(zip(columns, cells, strict=True)))
    except csv.Error as error:
        raise RosterRefused(f"malformed CSV near line {reader.line_num}: {error}", line=reader.line_num) from None


def check_header(header: list[str]) -> list[str]:
    """The header's columns, if it holds exactly the roster's columns (any order, any case).

    Raises:
        RosterRefused: a missing, unknown or repeated column.
    """
    columns = [name.strip().lower().lstrip("\ufeff") for name in header]
    repeated = sorted({name for name in columns if columns.count(name) > 1})
    unknown = [name for name in columns if name not in COLUMNS]
    missing = [name for name in COLUMNS if name not in columns]
    problems = []
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column(s): {', '.join(name[:40] for name in unknown)}")
    if repeated:
        problems.append(f"repeated column(s): {', '.join(repeated)}")
    if problems:
        raise RosterRefused(f"the header must hold exactly the roster's columns ({', '.join(COLUMNS)}); " + "; ".join(problems), line=1)
    return columns


def _json_rows(text: str) -> Iterator[RawRow]:
    try:
        document = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise RosterRefused(f"the file is not valid JSON: {error}") from None
    records = document.get("rows") if isinstance(document, dict) else document
    if not isinstance(records, list):
        raise RosterRefused('a JSON roster is an array of row objects (or {"rows": [...]})')
    if len(records) > MAX_ROWS:
        raise RosterRefused(f"the roster has more than {MAX_ROWS} rows; split it into several files")
    for position, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            yield RawRow(position, {"*": "the record is not an object"})
            continue
        unknown = [key for key in record if key not in COLUMNS]
        if unknown:
            yield RawRow(position, {"*": f"unknown field(s): {', '.join(str(key)[:40] for key in unknown)}"})
            continue
        cells: dict[str, str] = {}
        for key in COLUMNS:
            value = record.get(key)
            if isinstance(value, bool) or not isinstance(value, str | int | float | type(None)):
                yield RawRow(position, {"*": f"{key} must be text or a number"})
                break
            cells[key] = "" if value is None else str(value)
        else:
            yield RawRow(position, cells)


def check_row(raw: RawRow, *, country: str, today: date) -> CertificateRow:
    """The row as a certificate, or the first thing wrong with it.

    Raises:
        RowRejected: the column and the reason.
    """
    if "*" in raw.cells:
        raise RowRejected("*", raw.cells["*"])
    cells = {name: raw.cells.get(name, "").strip() for name in COLUMNS}
    for name, value in cells.items():
        if len(value) > MAX_CELL:
            raise RowRejected(name, f"is longer than {MAX_CELL} characters")
        if name not in NUMERIC and raw.cells.get(name, "").lstrip(" ").startswith(FORMULA_START):
            raise RowRejected(name, "starts with = + - @ or a control character (a spreadsheet formula); remove it")
    for name in REQUIRED:
        if not cells[name]:
            raise RowRejected(name, "is required")
    identifiers = _identifiers(cells, country)
    email = cells["email"].lower() or None
    if email is not None and not _EMAIL.fullmatch(email):
        raise RowRejected("email", "is not an e-mail address")
    account = cells["huawei_account"] or None
    if account is not None and not _ACCOUNT.fullmatch(account):
        raise RowRejected("huawei_account", "must be 1 to 100 characters without spaces")
    if email is None and account is None:
        raise RowRejected("huawei_account", "a row needs the learner's huawei_account or email")
    level = cells["certificate_level"].upper()
    if level not in LEVELS:
        raise RowRejected("certificate_level", f"must be one of {', '.join(LEVELS)}")
    number = cells["certificate_number"].upper()
    if not _CERTIFICATE_NUMBER.fullmatch(number):
        raise RowRejected("certificate_number", "must be 4 to 64 letters, digits, -, _ or /")
    if not _CODE.fullmatch(cells["course_code"]):
        raise RowRejected("course_code", "must be up to 40 letters, digits, spaces or . _ / + -")
    exam, issue, expiry = _dates(cells, today)
    hours = _number(cells, "training_hours", MAX_HOURS)
    score, pass_mark = _number(cells, "score", MAX_SCORE), _number(cells, "pass_mark", MAX_SCORE)
    if score is not None and pass_mark is not None and score < pass_mark:
        raise RowRejected("score", f"{score:g} is below the pass mark {pass_mark:g}: no certificate is issued for it")
    return CertificateRow(
        identifiers=identifiers,
        full_name=" ".join(cells["full_name"].split()),
        email=email,
        huawei_account=account,
        course_code=cells["course_code"].upper(),
        course_title=" ".join(cells["course_title"].split()),
        certificate_name=" ".join(cells["certificate_name"].split()),
        certificate_level=level,
        track=" ".join(cells["track"].split()),
        certificate_number=number,
        exam_date=exam,
        issue_date=issue,
        expiry_date=expiry,
        training_hours=hours,
        score=score,
        pass_mark=pass_mark,
    )


def _identifiers(cells: dict[str, str], country: str) -> tuple[tuple[str, str], ...]:
    schemes = SCHEMES_BY_COUNTRY.get(country)
    if schemes is None:
        raise RowRejected("national_id", f"no identifier schemes are known for the centre's country {country}")
    found = []
    for column, scheme in zip(("national_id", "upn"), schemes, strict=True):
        if cells[column]:
            try:
                found.append((scheme, normalise_identifier(scheme, cells[column])))
            except ElimuError as error:
                raise RowRejected(column, error.message) from None
    if not found:
        raise RowRejected("upn", "a row needs the learner's national_id or upn")
    return tuple(found)


def _dates(cells: dict[str, str], today: date) -> tuple[date | None, date, date]:
    exam = _date(cells, "exam_date")
    issue = _date(cells, "issue_date")
    if issue is None:
        raise RowRejected("issue_date", "is required")
    if issue > today:
        raise RowRejected("issue_date", "is in the future")
    if exam is not None and exam > issue:
        raise RowRejected("exam_date", "is after the issue date")
    longest = valid_until(issue)
    expiry = _date(cells, "expiry_date") or longest
    if expiry <= issue:
        raise RowRejected("expiry_date", "must be after the issue date")
    if expiry > longest:
        raise RowRejected("expiry_date", f"Huawei certificates are valid {VALIDITY_YEARS} years: at most {longest.isoformat()}")
    return exam, issue, expiry


def valid_until(issue: date) -> date:
    """The last day a certificate issued on ``issue`` is valid: three years on (29 February gives 28 February)."""
    try:
        return issue.replace(year=issue.year + VALIDITY_YEARS)
    except ValueError:
        return issue.replace(year=issue.year + VALIDITY_YEARS, day=28)


def _date(cells: dict[str, str], name: str) -> date | None:
    value = cells[name]
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise RowRejected(name, "must be a date written YYYY-MM-DD") from None


def _number(cells: dict[str, str], name: str, maximum: float) -> float | None:
    value = cells[name]
    if not value:
        return None
    if not _NUMBER.fullmatch(value):
        raise RowRejected(name, "must be a number of 0 or more (digits, optionally with a decimal point)")
    number = float(value)
    if number > maximum:
        raise RowRejected(name, f"must be at most {maximum:g}")
    return number


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
