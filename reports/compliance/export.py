"""CSV and SVG downloads of the reports. Spreadsheet formula injection is defused: a text cell starting with
``= + - @`` (or a tab or carriage return) is prefixed with a quote, so it stays text when opened."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from flask import Response
from markupsafe import Markup

from reports.compliance.tables import Table

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value``, with text that a spreadsheet would run as a formula made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(table: Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.header)
    writer.writerows([safe_cell(value) for value in row] for row in table.rows)
    return buffer.getvalue()


def download_name(*parts: str) -> str:
    """A safe file name from its parts: ``compliance-rwanda-ai-2026-12-01``."""
    text = "-".join(part for part in parts if part)
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-").lower() or "report"


def csv_response(table: Table, name: str) -> Response:
    """The table as a UTF-8 CSV attachment (with a byte-order mark, so spreadsheets read the accents)."""
    response = Response("\ufeff" + csv_text(table), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def svg_response(chart: Markup, name: str) -> Response:
    response = Response('<?xml version="1.0" encoding="UTF-8"?>\n' + str(chart), mimetype="image/svg+xml")
    response.headers["Content-Disposition"] = f'inline; filename="{name}.svg"'
    return response
