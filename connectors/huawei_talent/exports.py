"""CSV written by Elimu from what others sent: every cell that a spreadsheet would run as a formula is neutralised.

A cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR gets a leading apostrophe (OWASP's advice for
CSV injection), so opening the file never executes anything a roster or claim smuggled in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from connectors.huawei_talent.rows import FORMULA_START


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV document (RFC 4180, CRLF) with every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()
