"""The query parameters of GET /statements, parsed and checked into a ``StatementQuery``."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

import orjson

from lrs.errors import BadRequest
from lrs.xapi.validation import agent_ifi, parse_timestamp, validate_actor, validate_iri, validate_uuid

FILTERS = frozenset(
    {
        "agent", "verb", "activity", "registration", "related_activities", "related_agents",
        "since", "until", "limit", "format", "attachments", "ascending",
    }
)
SINGLE = frozenset({"statementId", "voidedStatementId"})
PRESENTATION = frozenset({"format", "attachments"})
FORMATS = frozenset({"exact", "ids", "canonical"})


@dataclass(frozen=True)
class StatementQuery:
    """A statement query, or a page of one when resumed from a ``more`` cursor."""

    agent: str | None = None
    verb: str | None = None
    activity: str | None = None
    registration: uuid.UUID | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 0
    ascending: bool = False
    format: str = "exact"
    attachments: bool = False
    after_seq: int | None = None
    ceiling_seq: int | None = None

    def resumed(self, after_seq: int, ceiling_seq: int) -> StatementQuery:
        return replace(self, after_seq=after_seq, ceiling_seq=ceiling_seq)


@dataclass(frozen=True)
class SingleStatementQuery:
    statement_id: uuid.UUID
    voided: bool
    format: str
    attachments: bool


def parse_statement_params(
    args: Mapping[str, str], *, version: str, max_limit: int
) -> StatementQuery | SingleStatementQuery:
    """Read GET /statements parameters; any unknown, repeated or malformed one is a 400."""
    unknown = set(args) - FILTERS - SINGLE
    if unknown:
        raise BadRequest(f"unknown query parameter(s): {', '.join(sorted(unknown))}")
    fmt = args.get("format", "exact")
    if fmt not in FORMATS:
        raise BadRequest("format: must be one of exact, ids, canonical")
    attachments = _boolean(args, "attachments")
    single = set(args) & SINGLE
    if single:
        if len(single) > 1 or set(args) - single - PRESENTATION:
            raise BadRequest("statementId and voidedStatementId cannot be combined with other filters")
        name = single.pop()
        validate_uuid(args[name], path=name)
        return SingleStatementQuery(uuid.UUID(args[name]), name == "voidedStatementId", fmt, attachments)

    agent = None
    if "agent" in args:
        agent = _agent_param(args["agent"], version=version)
    if "verb" in args:
        validate_iri(args["verb"], path="verb")
    if "activity" in args:
        validate_iri(args["activity"], path="activity")
    registration = None
    if "registration" in args:
        validate_uuid(args["registration"], path="registration")
        registration = uuid.UUID(args["registration"])
    return StatementQuery(
        agent=agent,
        verb=args.get("verb"),
        activity=args.get("activity"),
        registration=registration,
        related_activities=_boolean(args, "related_activities"),
        related_agents=_boolean(args, "related_agents"),
        since=parse_timestamp(args["since"], path="since") if "since" in args else None,
        until=parse_timestamp(args["until"], path="until") if "until" in args else None,
        limit=_limit(args, max_limit),
        ascending=_boolean(args, "ascending"),
        format=fmt,
        attachments=attachments,
    )


def parse_agent_param(raw: str, *, version: str, name: str = "agent") -> dict:
    """An ``agent`` query parameter: JSON holding an Agent or identified Group."""
    try:
        agent = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise BadRequest(f"{name}: must be a JSON Agent object") from None
    validate_actor(agent, path=name, version=version)
    if agent_ifi(agent) is None:
        raise BadRequest(f"{name}: must identify an Agent or Group (mbox, mbox_sha1sum, openid or account)")
    return agent


def _agent_param(raw: str, *, version: str) -> str:
    return agent_ifi(parse_agent_param(raw, version=version)) or ""  # never "": anonymous groups are refused


def _boolean(args: Mapping[str, str], name: str) -> bool:
    raw = args.get(name)
    if raw is None:
        return False
    if raw not in ("true", "false"):
        raise BadRequest(f"{name}: must be true or false")
    return raw == "true"


def _limit(args: Mapping[str, str], max_limit: int) -> int:
    raw = args.get("limit")
    if raw is None:
        return max_limit
    if not raw.isdigit():
        raise BadRequest("limit: must be a non-negative whole number")
    value = int(raw)
    return max_limit if value == 0 else min(value, max_limit)
