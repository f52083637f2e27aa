"""A centre writes only its own records: activities under its IRI prefixes, accounts on its home pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lrs.auth.service import Principal
from lrs.errors import Forbidden
from lrs.xapi.activities import activities_in


def check_statement_ownership(principal: Principal, statements: list[dict[str, Any]]) -> None:
    """Refuse statements a centre's credential has no claim to; other credentials pass."""
    centre = principal.centre
    if centre is None or principal.role in ("admin",):
        return
    for index, statement in enumerate(statements):
        for activity in activities_in(statement):
            if not centre.owns_activity(activity["id"]):
                raise Forbidden(
                    f"statement {index}: activity {activity['id']} is not under an IRI prefix of centre {centre.slug}"
                )
        for account in _accounts(statement):
            if not centre.owns_home_page(account["homePage"]):
                raise Forbidden(
                    f"statement {index}: account home page {account['homePage']} does not belong to centre {centre.slug}"
                )


def _accounts(statement: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for actor in _actors(statement):
        if isinstance(actor.get("account"), dict):
            yield actor["account"]
        for member in actor.get("member") or ():
            if isinstance(member.get("account"), dict):
                yield member["account"]


def _actors(statement: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield statement["actor"]
    target = statement["object"]
    if target.get("objectType") in ("Agent", "Group"):
        yield target
    elif target.get("objectType") == "SubStatement":
        yield from _actors(target)
