"""Bulk inserts and updates: one round trip per table per batch, the shape the write paths need.

On PostgreSQL each column travels as one array parameter and ``unnest`` turns them back into rows,
so a 50-statement batch costs a handful of statements however many index rows it carries. SQLite is
in-process, so plain executemany is already cheap there.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson
from sqlalchemy import JSON, Column, Table, bindparam, insert, update
from sqlalchemy.orm import Session

Rows = Sequence[dict[str, Any]]


def bulk_insert(
    session: Session, table: Table, rows: Rows, *, returning: Sequence[Column[Any]] = ()
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` (dicts with the same keys) and return the ``returning`` columns, in no set order."""
    if not rows:
        return []
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        statement = insert(table)
        if returning:
            result = connection.execute(statement.returning(*returning, sort_by_parameter_order=True), list(rows))
            return [tuple(row) for row in result]
        connection.execute(statement, list(rows))
        return []
    sql, params = _unnest_insert(connection.dialect, table, rows, returning)
    with connection.connection.driver_connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()] if returning else []


def bulk_insert_all(session: Session, batches: Sequence[tuple[Table, Rows]]) -> None:
    """Insert into several tables at once: on PostgreSQL one pipelined round trip for all of them."""
    batches = [(table, rows) for table, rows in batches if rows]
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        for table, rows in batches:
            bulk_insert(session, table, rows)
        return
    driver = connection.connection.driver_connection
    with driver.pipeline(), driver.cursor() as cursor:
        for table, rows in batches:
            cursor.execute(*_unnest_insert(connection.dialect, table, rows, ()))


def bulk_update(session: Session, table: Table, rows: Rows, *, key: str = "id") -> None:
    """Update rows (dicts with the same keys, ``key`` among them) found by their ``key`` column."""
    if not rows:
        return
    connection = session.connection()
    names = [name for name in rows[0] if name != key]
    if connection.dialect.name != "postgresql":
        statement = update(table).where(table.c[key] == bindparam("match_key"))
        connection.execute(statement, [{**{name: row[name] for name in names}, "match_key": row[key]} for row in rows])
        return
    arrays, selected, params = _unnest_columns(connection.dialect, table, rows, [key, *names])
    assignments = ", ".join(f"{name} = u.{expression}" for name, expression in zip(names, selected[1:], strict=True))
    aliases = ", ".join(f"c{position}" for position in range(len(selected)))
    # Table and column names come from our own metadata; every value travels as a parameter.
    sql = (
        f"UPDATE {table.name} SET {assignments} "  # noqa: S608
        f"FROM unnest({', '.join(arrays)}) AS u({aliases}) WHERE {table.name}.{key} = u.c0"
    )
    with connection.connection.driver_connection.cursor() as cursor:
        cursor.execute(sql, params)


def _unnest_insert(dialect: Any, table: Table, rows: Rows, returning: Sequence[Column[Any]]) -> tuple[str, list[Any]]:
    names = list(rows[0])
    arrays, selected, params = _unnest_columns(dialect, table, rows, names)
    aliases = ", ".join(f"c{position}" for position in range(len(names)))
    # Table and column names come from our own metadata; every value travels as a parameter.
    sql = (
        f"INSERT INTO {table.name} ({', '.join(names)}) "  # noqa: S608
        f"SELECT {', '.join(selected)} FROM unnest({', '.join(arrays)}) AS u({aliases})"
    )
    if returning:
        sql += " RETURNING " + ", ".join(column.name for column in returning)
    return sql, params


def _unnest_columns(dialect: Any, table: Table, rows: Rows, names: Sequence[str]) -> tuple[list[str], list[str], list[list[Any]]]:
    """For each column: its array parameter, the expression reading its element (``cN``), and its values."""
    arrays: list[str] = []
    selected: list[str] = []
    params: list[list[Any]] = []
    for position, name in enumerate(names):
        column = table.c[name]
        column_type = column.type.compile(dialect=dialect)
        is_json = isinstance(column.type, JSON) or column_type in ("JSONB", "JSON")
        # %b sends each array in psycopg's binary format, skipping the per-element quoting of the text
        # format (the cost that dominates otherwise).
        arrays.append(f"%b::{'text' if is_json else _array_element(column_type)}[]")
        selected.append(f"c{position}::{column_type}" if is_json else f"c{position}")
        values = [row[name] for row in rows]
        params.append([_json_text(v) for v in values] if is_json else values)
    return arrays, selected, params


def _array_element(column_type: str) -> str:
    # VARCHAR(2048)[] is valid, but text[] avoids a length check per element for the same result.
    return "text" if column_type.startswith("VARCHAR") else column_type


def _json_text(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()
