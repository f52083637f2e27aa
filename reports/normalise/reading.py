"""Reading one statement: who, which activity it speaks for, what it means, its score and dates.

Pure functions over the stored statement JSON; nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson

from lrs.errors import InvalidStatement
from lrs.xapi.validation import agent_ifi, parse_timestamp
from reports.normalise.vocabulary import (
    CERTIFICATE_NUMBER,
    EXPIRES_AT,
    PART_TYPES,
    PROCTORED,
    Effect,
    effect_of,
)

_DURATION = re.compile(
    r"P(?:(?P<d>\d+(?:\.\d+)?)D)?(?:T(?:(?P<h>\d+(?:\.\d+)?)H)?(?:(?P<m>\d+(?:\.\d+)?)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?"
)
_CERTIFICATE_CODE = re.compile(r"[?&]code=([^&#]+)")


@dataclass(frozen=True)
class Reading:
    """What a statement says, ready to be stored as a fact."""

    fingerprint: str
    actor_ifi: str
    activity_iri: str
    context_iris: tuple[str, ...]
    effect: Effect
    success: bool | None
    score_percent: float | None
    occurred_at: datetime
    duration_seconds: float | None
    certificate_number: str | None
    expires_at: datetime | None
    is_proctored: bool | None


def read_statement(body: dict[str, Any]) -> Reading | None:
    """The reading of a stored statement, or ``None`` when it is not a person doing an activity."""
    actor = body["actor"]
    target = body["object"]
    if actor.get("objectType", "Agent") != "Agent" or target.get("objectType", "Activity") != "Activity":
        return None
    ifi = agent_ifi(actor)
    if ifi is None:
        return None
    result = body.get("result") or {}
    parents, groupings = _context_activities(body)
    activity_iri = target["id"]
    if (target.get("definition") or {}).get("type") in PART_TYPES and parents:
        activity_iri, parents = parents[0], parents[1:]
    context_iris = tuple(iri for iri in (*parents, *groupings) if iri != activity_iri)
    success = result.get("success") if isinstance(result.get("success"), bool) else None
    extensions = result.get("extensions") or {}
    occurred_at = parse_timestamp(body.get("timestamp") or body["stored"], path="timestamp")
    return Reading(
        fingerprint=fingerprint(ifi, body, occurred_at),
        actor_ifi=ifi,
        activity_iri=activity_iri,
        context_iris=context_iris,
        effect=effect_of(body["verb"]["id"], success),
        success=success,
        score_percent=score_percent(result.get("score")),
        occurred_at=occurred_at,
        duration_seconds=duration_seconds(result.get("duration")),
        certificate_number=_certificate_number(extensions, target["id"]),
        expires_at=_timestamp_or_none(extensions.get(EXPIRES_AT)),
        is_proctored=_proctored(body, extensions),
    )


def fingerprint(ifi: str, body: dict[str, Any], occurred_at: datetime) -> str:
    """What makes two statements the same event: actor, verb, object, time and result.

    Moodle never sends statement ids and replays failed batches, so a replay is a new statement
    with the same content; the registration and LRS-set properties may differ and are left out.
    """
    key = [ifi, body["verb"]["id"], body["object"]["id"], occurred_at.astimezone(UTC).isoformat(), body.get("result")]
    return hashlib.sha256(orjson.dumps(key, option=orjson.OPT_SORT_KEYS)).hexdigest()


def score_percent(score: Any) -> float | None:
    """The score as a percentage from raw, min and max; ``None`` when they do not give one.

    ``scaled`` alone is never trusted: Moodle sends 50/100 as scaled 0.0 on a -1..1 scale.
    A missing ``min`` means 0.
    """
    if not isinstance(score, dict):
        return None
    raw, low, high = score.get("raw"), score.get("min", 0), score.get("max")
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in (raw, low, high)):
        return None
    if high <= low:
        return None
    percent = (raw - low) / (high - low) * 100
    return round(min(100.0, max(0.0, percent)), 2)


def duration_seconds(value: Any) -> float | None:
    """An ISO 8601 duration (``PT1H2M3S``, ``P1DT2H``) in seconds, or ``None`` if absent or unreadable."""
    if not isinstance(value, str):
        return None
    match = _DURATION.fullmatch(value)
    if match is None or not any(match.groupdict().values()):
        return None
    parts = {name: float(number) for name, number in match.groupdict().items() if number}
    delta = timedelta(days=parts.get("d", 0), hours=parts.get("h", 0), minutes=parts.get("m", 0), seconds=parts.get("s", 0))
    return delta.total_seconds()


def _context_activities(body: dict[str, Any]) -> tuple[list[str], list[str]]:
    groups = (body.get("context") or {}).get("contextActivities") or {}

    def ids(kind: str) -> list[str]:
        value = groups.get(kind) or []
        return [activity["id"] for activity in ([value] if isinstance(value, dict) else value)]

    return ids("parent"), ids("grouping")


def _certificate_number(extensions: dict[str, Any], object_iri: str) -> str | None:
    number = extensions.get(CERTIFICATE_NUMBER)
    if isinstance(number, str | int) and str(number).strip():
        return str(number).strip()[:200]
    match = _CERTIFICATE_CODE.search(object_iri)  # Moodle tool_certificate: .../index.php?code=4303209428AU
    return match.group(1)[:200] if match else None


def _timestamp_or_none(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_timestamp(value, path="expires-at")
    except InvalidStatement:
        return None


def _proctored(body: dict[str, Any], extensions: dict[str, Any]) -> bool | None:
    for holder in (extensions, (body.get("context") or {}).get("extensions") or {}):
        if isinstance(holder.get(PROCTORED), bool):
            return holder[PROCTORED]
    return None
