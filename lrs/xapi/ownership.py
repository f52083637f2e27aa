"""A centre writes only its own records: activities under its IRI prefixes (``category`` tags aside), accounts on its home pages,
voiding only its own statements, documents only about its own activities and accounts.

Admin credentials may write anything; registrar and plain (centre-less) credentials are not limited here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Integer, bindparam, select
from sqlalchemy.orm import Session

from lrs.auth.service import Principal
from lrs.errors import Forbidden
from lrs.xapi.models import Statement


def _centre_bound(principal: Principal) -> bool:
    return principal.centre is not None and principal.role != "admin"


def check_statement_ownership(principal: Principal, statements: list[dict[str, Any]]) -> None:
    """Refuse statements a centre's credential has no claim to; other credentials pass."""
    if not _centre_bound(principal):
        return
    for index, statement in enumerate(statements):
        for activity in _claimed_activities(statement):
            check_activity_ownership(principal, activity["id"], where=f"statement {index}: ")
        for agent in _agents(statement):
            check_agent_ownership(principal, agent, where=f"statement {index}: ")


def check_activity_ownership(principal: Principal, iri: str, *, where: str = "") -> None:
    """Refuse a centre's credential an activity outside the centre's IRI prefixes."""
    centre = principal.centre
    if _centre_bound(principal) and centre is not None and not centre.owns_activity(iri):
        raise Forbidden(f"{where}activity {iri} is not under an IRI prefix of centre {centre.slug}")


def check_agent_ownership(principal: Principal, agent: dict[str, Any], *, where: str = "") -> None:
    """Refuse a centre's credential an account (of the agent or a group member) on another system's home page."""
    centre = principal.centre
    if not _centre_bound(principal) or centre is None:
        return
    for account in _accounts(agent):
        if not centre.owns_home_page(account["homePage"]):
            raise Forbidden(f"{where}account home page {account['homePage']} does not belong to centre {centre.slug}")


def check_voiding_ownership(session: Session, principal: Principal, targets: set[uuid.UUID]) -> None:
    """Refuse voiding a statement another centre (or no centre) wrote; admins may void any."""
    if principal.role == "admin" or not targets:
        return
    foreign = session.scalars(
        select(Statement.id).where(Statement.id.in_(targets), ~same_centre(Statement, principal))
    ).first()
    if foreign is not None:
        raise Forbidden(f"statement {foreign} was written by another centre; only it (or an administrator) may void it")


def same_centre(table: Any, principal: Principal) -> Any:
    """A condition: the row was written under the principal's centre (or, for a centre-less one, under none)."""
    return table.centre_id.is_not_distinct_from(principal.centre_id)


def same_centre_as_bound(table: Any) -> Any:
    """``same_centre`` for a statement built once: the centre is bound at execution as ``centre_id``
    (``principal.centre_id``)."""
    return table.centre_id.is_not_distinct_from(bindparam("centre_id", type_=Integer()))


def _accounts(agent: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if isinstance(agent.get("account"), dict):
        yield agent["account"]
    for member in agent.get("member") or ():
        if isinstance(member, dict) and isinstance(member.get("account"), dict):
            yield member["account"]


def _claimed_activities(statement: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The activities a statement speaks about: its object and its parent, grouping and other context activities.

    ``category`` activities only tag a statement (a profile, or the ``http://moodle.org`` source every batch of
    Moodle's xAPI plugin up to v4.7 carries), so no centre need own them.
    """
    target = statement["object"]
    if target.get("objectType", "Activity") == "Activity":
        yield target
    elif target.get("objectType") == "SubStatement":
        yield from _claimed_activities(target)
    groups = (statement.get("context") or {}).get("contextActivities") or {}
    for kind in ("parent", "grouping", "other"):
        value = groups.get(kind) or []
        yield from [value] if isinstance(value, dict) else value


def _agents(statement: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The actor, an Agent/Group object, the context's instructor and team, and those of a SubStatement."""
    yield statement["actor"]
    target = statement["object"]
    if target.get("objectType") in ("Agent", "Group"):
        yield target
    elif target.get("objectType") == "SubStatement":
        yield from _agents(target)
    context = statement.get("context")
    if isinstance(context, dict):
        for key in ("instructor", "team"):
            if isinstance(context.get(key), dict):
                yield context[key]
