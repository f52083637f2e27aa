"""Transcripts as CSV: one learner's lines, and the payroll-shaped export of many learners.

Cells that a spreadsheet would run as a formula (starting with = + - @) are prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

LINE_COLUMNS = (
    "course_code", "course_title", "level", "hours", "credits", "centre", "outcome", "score_percent",
    "completed_at", "certificate_number", "expires_at", "evidence",
)
PAYROLL_COLUMNS = (
    "identifier_scheme", "identifier", "name", "institution", "course_code", "course_title", "level",
    "hours", "credits", "outcome", "score_percent", "completed_at", "certificate_number", "expires_at", "centre",
)


def transcript_csv(transcript: dict[str, Any]) -> str:
    """One row per transcript line, learner columns first."""
    learner = transcript["learner"]
    identifiers = "; ".join(f"{i['scheme']}:{i['value']}" for i in learner["identifiers"])
    rows = (
        {"learner_id": learner["id"], "learner_name": learner["name"], "identifiers": identifiers, **_line_cells(line)}
        for line in transcript["lines"]
    )
    return _write(("learner_id", "learner_name", "identifiers", *LINE_COLUMNS), rows)


def payroll_csv(scheme: str, transcripts: Iterable[tuple[str, dict[str, Any]]]) -> str:
    """Rows keyed by the payroll identifier (``scheme``), one per transcript line, for HRIS/IPPIS upload."""
    rows = (
        {
            "identifier_scheme": scheme,
            "identifier": value,
            "name": transcript["learner"]["name"],
            "institution": transcript["learner"]["institution"],
            **_line_cells(line),
        }
        for value, transcript in transcripts
        for line in transcript["lines"]
    )
    return _write(PAYROLL_COLUMNS, rows)


def _line_cells(line: dict[str, Any]) -> dict[str, Any]:
    course = line["course"]
    return {
        "course_code": course["code"],
        "course_title": course["title"],
        "level": course["level"],
        "hours": course["hours"],
        "credits": course["credits"],
        "centre": (line["centre"] or {}).get("name", ""),
        "outcome": line["outcome"],
        "score_percent": "" if line["score_percent"] is None else line["score_percent"],
        "completed_at": line["completed_at"] or "",
        "certificate_number": line.get("certificate_number", ""),
        "expires_at": line.get("expires_at", ""),
        "evidence": " ".join(line["evidence"]),
    }


def _write(columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: _safe(value) for key, value in row.items()})
    return buffer.getvalue()


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value
