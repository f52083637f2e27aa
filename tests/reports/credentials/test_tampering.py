"""Changing any one character of an issued transcript credential, anywhere, fails its proof.

Every string value and every member name of the signed document (the CLR, its embedded
AchievementCredentials and all their proofs) is changed in turn, one character each, and every number
by one; each copy is verified by the same service the API uses.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from flask import Flask

from lrs.db import session_scope
from reports.credentials.service import verify_document
from tests.reports.credentials.conftest import World

Path = tuple[Any, ...]


def leaves(node: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every (path, value) of strings and numbers, and every (path + ('<key>',), name) of members."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*path, ("<key>", key)), key
            yield from leaves(value, (*path, key))
    elif isinstance(node, list):
        for position, value in enumerate(node):
            yield from leaves(value, (*path, position))
    elif isinstance(node, str | int | float) and not isinstance(node, bool):
        yield path, node


def changed(value: Any, where: int) -> Any:
    """``value`` with one character (or, for a number, its value) changed."""
    if not isinstance(value, str):
        return value + 1
    position = where % len(value)
    original = value[position]
    replacement = "b" if original == "a" else "1" if original == "0" else "0" if original.isdigit() else "a"
    return value[:position] + replacement + value[position + 1:]


def tampered(document: dict[str, Any], path: Path, where: int) -> dict[str, Any]:
    copy_ = copy.deepcopy(document)
    holder = copy_
    for step in path[:-1]:
        holder = holder[step]
    last = path[-1]
    if isinstance(last, tuple):  # a member name
        key = last[1]
        renamed = changed(key, where)
        holder[renamed] = holder.pop(key)
    else:
        holder[last] = changed(holder[last], where)
    return copy_


def test_changing_any_one_character_fails_the_proof(app: Flask, world: World) -> None:
    response = world.issue()
    assert response.status_code == 201
    credential = response.json()["credential"]
    settings = app.extensions["elimu.settings"]
    with app.app_context(), session_scope(app) as session:
        assert verify_document(session, settings, credential).verified
        survivors = []
        places = list(leaves(credential))
        assert len(places) > 300
        for number, (path, _value) in enumerate(places):
            verdict = verify_document(session, settings, tampered(credential, path, number * 7))
            if verdict.checks["proof"] or verdict.verified:
                survivors.append(path)
    assert survivors == [], survivors
