"""Membership tests against large sets of keys, as one array parameter on PostgreSQL.

An ``IN (...)`` of 10,000 keys is 10,000 bind parameters: the query text alone costs more to build
and parse than the lookup. On PostgreSQL the keys travel as one array (``= ANY(:keys)``, or
``IN (SELECT unnest(:a), unnest(:b))`` for pairs); SQLite, in-process, keeps the plain ``IN``.
The SQL text is then the same for any number of keys, so PostgreSQL can keep it prepared.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Integer, Text, Uuid, any_, bindparam, func, literal, select, tuple_
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

_ARRAY_TYPES: dict[str, TypeEngine[Any]] = {"int": Integer(), "bigint": BigInteger(), "uuid": Uuid(), "text": Text()}


def is_member(session: Session, column: Any, keys: Sequence[Any], kind: str) -> ColumnElement[bool]:
    """``column IN keys``; ``kind`` is the element type: int, bigint, uuid or text."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(literal(list(keys), ARRAY(_ARRAY_TYPES[kind])))
    return column.in_(list(keys))


def member_of(column: Any, name: str, kind: str, dialect: str) -> ColumnElement[bool]:
    """``column IN :name`` for a statement built once and run many times: the keys are bound at execution
    (``{name: keys}``), so the statement's compiled form and its cache key are computed only once."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(_ARRAY_TYPES[kind])))
    return column.in_(bindparam(name, expanding=True))


def is_pair_member(session: Session, left: Any, right: Any, pairs: Sequence[tuple[int, int]]) -> ColumnElement[bool]:
    """``(left, right) IN pairs`` for integer pairs."""
    if session.get_bind().dialect.name == "postgresql":
        firsts = literal([pair[0] for pair in pairs], ARRAY(Integer()))
        seconds = literal([pair[1] for pair in pairs], ARRAY(Integer()))
        return tuple_(left, right).in_(select(func.unnest(firsts), func.unnest(seconds)))
    return tuple_(left, right).in_(list(pairs))
