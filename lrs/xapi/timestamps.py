"""xAPI timestamps as the LRS writes them: UTC, ISO 8601, millisecond precision, ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime


def format_timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
