"""Canonical activity definitions: merged from the statements that use an activity, served by /activities."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Select, null, select
from sqlalchemy.orm import Session

from lrs.db import dialect_insert, utcnow
from lrs.sets import member_of
from lrs.xapi.models import Activity
from lrs.xapi.statements.index import context_activities

LANGUAGE_MAPS = ("name", "description")


def activities_in(statement: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every Activity object a statement (and its SubStatement) contains."""
    target = statement["object"]
    object_type = target.get("objectType", "Activity")
    if object_type == "Activity":
        yield target
    elif object_type == "SubStatement":
        yield from activities_in(target)
    context = statement.get("context")
    if isinstance(context, dict):
        yield from context_activities(context)


def merge_definition(old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    """A definition updated by a newer one: language maps gain languages, other properties are replaced."""
    merged = dict(old or {})
    for key, value in new.items():
        if key in LANGUAGE_MAPS and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def definitions_in(statements: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The definitions these statements carry, merged per activity in statement order."""
    incoming: dict[str, dict[str, Any]] = {}
    for statement in statements:
        for activity in activities_in(statement):
            definition = activity.get("definition")
            if definition:
                earlier = incoming.get(activity["id"])
                # A batch repeats the same course and module activities: merging an equal definition is a no-op.
                if earlier is None:
                    incoming[activity["id"]] = definition
                elif earlier != definition:
                    incoming[activity["id"]] = merge_definition(earlier, definition)
    return incoming


def known_definitions(dialect: str) -> Select[tuple[Any, Any, str]]:
    """The query for the stored definitions of the activities bound as ``iris``, shaped ``(NULL, definition, iri)``
    so that the statement store can ask it in the same round trip as its own lookups (a UNION ALL)."""
    return select(null(), Activity.definition, Activity.iri).where(member_of(Activity.iri, "iris", "text", dialect))


def record_definitions(session: Session, incoming: dict[str, dict[str, Any]], known: dict[str, Any]) -> None:
    """Fold incoming definitions (``definitions_in``) into the canonical ones, writing only what changed.

    ``known`` holds the stored definition of every incoming activity that has one.
    """
    now = utcnow()
    # Sorted, so that concurrent batches lock shared activity rows in the same order (no deadlocks).
    for iri, definition in sorted(incoming.items()):
        merged = merge_definition(known.get(iri), definition)
        if iri in known and merged == known[iri]:
            continue
        upsert = dialect_insert(session, Activity).values(iri=iri, definition=merged, updated=now)
        session.execute(
            upsert.on_conflict_do_update(
                index_elements=[Activity.iri], set_={"definition": merged, "updated": now}
            )
        )


def activity_object(session: Session, iri: str) -> dict[str, Any]:
    """The Activity object for ``iri`` with its canonical definition, if the LRS has one."""
    definition = session.scalar(select(Activity.definition).where(Activity.iri == iri))
    activity: dict[str, Any] = {"objectType": "Activity", "id": iri}
    if definition:
        activity["definition"] = definition
    return activity
