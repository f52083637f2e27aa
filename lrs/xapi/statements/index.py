"""What a statement is about: the agents and activities its query filters match on.

A statement's *direct* agents are its actor and (agent) object, its direct activity is its
(activity) object; everything else it mentions is *related* (``related_agents`` /
``related_activities``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lrs.xapi.validation import agent_ifi

CONTEXT_ACTIVITY_KINDS = ("parent", "grouping", "category", "other")


@dataclass(frozen=True)
class StatementIndex:
    agents: frozenset[tuple[str, bool]]  # (ifi, is_direct)
    activities: frozenset[tuple[str, bool]]  # (iri, is_direct)


def index_statement(statement: dict[str, Any]) -> StatementIndex:
    """The (identifier, is_direct) pairs a statement should be found by."""
    agents: set[tuple[str, bool]] = set()
    activities: set[tuple[str, bool]] = set()
    _collect(statement, agents, activities, is_top=True)
    authority = statement.get("authority")
    if isinstance(authority, dict):
        agents.update((ifi, False) for ifi in _actor_ifis(authority))
    return StatementIndex(frozenset(agents), frozenset(activities))


def _collect(statement: dict[str, Any], agents: set, activities: set, *, is_top: bool) -> None:
    for ifi in _actor_ifis(statement["actor"], members=False):
        agents.add((ifi, is_top))
    agents.update((ifi, False) for ifi in _members(statement["actor"]))

    target = statement["object"]
    object_type = target.get("objectType", "Activity")
    if object_type == "Activity":
        activities.add((target["id"], is_top))
    elif object_type in ("Agent", "Group"):
        for ifi in _actor_ifis(target, members=False):
            agents.add((ifi, is_top))
        agents.update((ifi, False) for ifi in _members(target))
    elif object_type == "SubStatement":
        _collect(target, agents, activities, is_top=False)

    context = statement.get("context")
    if isinstance(context, dict):
        for role in ("instructor", "team"):
            if isinstance(context.get(role), dict):
                agents.update((ifi, False) for ifi in _actor_ifis(context[role]))
        for context_agent in context.get("contextAgents") or ():
            agents.update((ifi, False) for ifi in _actor_ifis(context_agent.get("agent") or {}))
        for context_group in context.get("contextGroups") or ():
            agents.update((ifi, False) for ifi in _actor_ifis(context_group.get("group") or {}))
        for activity in context_activities(context):
            activities.add((activity["id"], False))


def context_activities(context: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every activity of a context's contextActivities, whether given as one or as a list."""
    groups = context.get("contextActivities") or {}
    for kind in CONTEXT_ACTIVITY_KINDS:
        value = groups.get(kind)
        if isinstance(value, dict):
            yield value
        elif isinstance(value, list):
            yield from value


def _actor_ifis(actor: dict[str, Any], *, members: bool = True) -> Iterator[str]:
    ifi = agent_ifi(actor)
    if ifi is not None:
        yield ifi
    if members:
        yield from _members(actor)


def _members(actor: dict[str, Any]) -> Iterator[str]:
    for member in actor.get("member") or ():
        ifi = agent_ifi(member)
        if ifi is not None:
            yield ifi
