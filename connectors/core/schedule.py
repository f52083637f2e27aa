"""Connector schedules: how often a connector runs on its own, written as an ISO 8601 duration or a word.

The due times live in the database (``Connector.next_run_at``); one dispatcher job, rescheduled through
rq's scheduler every minute while any connector has a schedule, starts the runs that are due.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from lrs.errors import BadRequest

MINIMUM_SECONDS = 60
ALIASES = {"hourly": 3600, "daily": 86400, "weekly": 7 * 86400}
_DURATION = re.compile(r"P(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?")


def parse_schedule(text: str | None) -> int | None:
    """Seconds between runs, or None for no schedule (``None`` or ``""``).

    Raises:
        BadRequest: neither a word (hourly, daily, weekly) nor an ISO 8601 duration of at least a minute.
    """
    if text is None or not text.strip():
        return None
    value = text.strip()
    if value.lower() in ALIASES:
        return ALIASES[value.lower()]
    match = _DURATION.fullmatch(value.upper())
    if match is None or not any(match.groupdict().values()):
        raise BadRequest("schedule: use hourly, daily, weekly or an ISO 8601 duration such as PT30M or P1D")
    parts = {name: int(number) for name, number in match.groupdict().items() if number}
    seconds = parts.get("d", 0) * 86400 + parts.get("h", 0) * 3600 + parts.get("m", 0) * 60 + parts.get("s", 0)
    if seconds < MINIMUM_SECONDS:
        raise BadRequest(f"schedule: runs must be at least {MINIMUM_SECONDS} seconds apart")
    return seconds


def describe_schedule(seconds: int | None) -> str | None:
    """The schedule as an ISO 8601 duration (what the API returns)."""
    if seconds is None:
        return None
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    time = "".join(f"{n}{unit}" for n, unit in ((hours, "H"), (minutes, "M"), (secs, "S")) if n)
    return "P" + (f"{days}D" if days else "") + (f"T{time}" if time else "")


def due_at(now: datetime, seconds: int | None) -> datetime | None:
    """When a connector running every ``seconds`` is next due (None: no schedule)."""
    return now + timedelta(seconds=seconds) if seconds else None
