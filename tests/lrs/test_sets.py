"""Set membership conditions give the same rows on each backend, for literal keys and for keys bound later."""

from __future__ import annotations

import uuid

import pytest
from flask import Flask
from sqlalchemy import select

from lrs.db import session_scope, utcnow
from lrs.sets import is_member, member_of
from lrs.xapi.activities import known_definitions
from lrs.xapi.models import Activity

IRIS = [f"https://elearning.ksg.ac.ke/course/view.php?id={n}" for n in range(5)]


@pytest.fixture
def activities(app: Flask) -> None:
    with session_scope(app) as session:
        session.add_all(
            Activity(iri=iri, definition={"name": {"en": f"Course {n}"}}, updated=utcnow()) for n, iri in enumerate(IRIS)
        )


@pytest.mark.parametrize(
    ("keys", "expected"),
    [([], []), ([IRIS[2]], [IRIS[2]]), ([IRIS[4], IRIS[0], "https://elsewhere.example/x"], [IRIS[0], IRIS[4]])],
)
def test_literal_and_bound_membership_agree(app: Flask, activities: None, keys: list[str], expected: list[str]) -> None:
    with session_scope(app) as session:
        literal = session.scalars(select(Activity.iri).where(is_member(session, Activity.iri, keys, "text")))
        dialect = session.get_bind().dialect.name
        built_once = select(Activity.iri).where(member_of(Activity.iri, "keys", "text", dialect))
        bound = session.connection().execute(built_once, {"keys": keys}).scalars()
        assert sorted(literal) == expected
        assert sorted(bound) == expected


def test_a_statement_built_once_answers_each_binding(app: Flask, activities: None) -> None:
    """The statement store reuses one query for every batch: each execution sees only its own keys."""
    with session_scope(app) as session:
        query = known_definitions(session.get_bind().dialect.name)
        connection = session.connection()
        first = {iri: body for _, body, iri in connection.execute(query, {"iris": IRIS[:2]})}
        second = {iri: body for _, body, iri in connection.execute(query, {"iris": [IRIS[3], str(uuid.uuid4())]})}
    assert first == {IRIS[0]: {"name": {"en": "Course 0"}}, IRIS[1]: {"name": {"en": "Course 1"}}}
    assert second == {IRIS[3]: {"name": {"en": "Course 3"}}}
