"""Bulk inserts and updates: one round trip per table per batch, the shape the write paths need.

On PostgreSQL each column travels as one array parameter and ``unnest`` turns them back into rows,
so a 50-statement batch costs a handful of statements however many index rows it carries. SQLite is
in-process, so plain executemany is already cheap there.
"""

from __future__ import annotations

import functools
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
    sql, json_columns = _unnest_insert(connection.dialect, table, tuple(rows[0]), tuple(column.name for column in returning))
    with connection.connection.driver_connection.cursor() as cursor:
        cursor.execute(sql, _column_values(rows, json_columns))
        return [tuple(row) for row in cursor.fetchall()] if returning else []


def bulk_insert_family(
    session: Session, parent: Table, rows: Rows, *, key: str, generated: str, children: Sequence[tuple[Table, str, Rows]]
) -> dict[Any, Any]:
    """Insert parent rows and the rows that hang off them; returns each parent's ``key`` -> ``generated`` value.

    A child row names its parent by ``key``; it is stored with the parent's generated value in the
    child's column given beside its table. On PostgreSQL the whole family is one statement (data-modifying
    CTEs joined on the key), so a batch costs one round trip whatever it carries.
    """
    if not rows:
        return {}
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        generated_of = dict(bulk_insert(session, parent, rows, returning=(parent.c[key], parent.c[generated])))
        for table, column, child_rows in children:
            if child_rows:
                renamed = [{**{n: v for n, v in row.items() if n != key}, column: generated_of[row[key]]} for row in child_rows]
                bulk_insert(session, table, renamed)
        return generated_of
    present = [(table, column, child_rows) for table, column, child_rows in children if child_rows]
    shape = tuple((table, column, tuple(child_rows[0])) for table, column, child_rows in present)
    sql, json_columns = _family_insert(connection.dialect, parent, tuple(rows[0]), key, generated, shape)
    params = _column_values(rows, json_columns[0])
    for (_, _, child_rows), child_json in zip(present, json_columns[1:], strict=True):
        params += _column_values(child_rows, child_json)
    with connection.connection.driver_connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(cursor.fetchall())


def bulk_update(session: Session, table: Table, rows: Rows, *, key: str = "id") -> None:
    """Update rows (dicts with the same keys, ``key`` among them) found by their ``key`` column."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        names = [name for name in rows[0] if name != key]
        statement = update(table).where(table.c[key] == bindparam("match_key"))
        connection.execute(statement, [{**{name: row[name] for name in names}, "match_key": row[key]} for row in rows])
        return
    sql, json_columns = _unnest_update(connection.dialect, table, tuple(rows[0]), key)
    with connection.connection.driver_connection.cursor() as cursor:
        cursor.execute(sql, _column_values(rows, json_columns))


# A statement's SQL depends only on the table and the rows' keys, so each shape is built once per
# process; the text is the same for any number of rows, so PostgreSQL's prepared statement is reused.
# Each builder also returns, per column in parameter order, whether its values travel as JSON text.

@functools.cache
def _unnest_insert(dialect: Any, table: Table, names: tuple[str, ...], returning: tuple[str, ...]) -> tuple[str, tuple[tuple[str, bool], ...]]:
    arrays, selected, json_columns = _unnest_columns(dialect, [table.c[name] for name in names], names)
    aliases = ", ".join(f"c{position}" for position in range(len(names)))
    # Table and column names come from our own metadata; every value travels as a parameter.
    sql = (
        f"INSERT INTO {table.name} ({', '.join(names)}) "  # noqa: S608
        f"SELECT {', '.join(selected)} FROM unnest({', '.join(arrays)}) AS u({aliases})"
    )
    if returning:
        sql += " RETURNING " + ", ".join(returning)
    return sql, json_columns


@functools.cache
def _family_insert(
    dialect: Any, parent: Table, names: tuple[str, ...], key: str, generated: str,
    children: tuple[tuple[Table, str, tuple[str, ...]], ...],
) -> tuple[str, tuple[tuple[tuple[str, bool], ...], ...]]:
    parent_sql, parent_json = _unnest_insert(dialect, parent, names, (key, generated))
    ctes = [f"parent AS ({parent_sql})"]
    json_columns = [parent_json]
    for position, (table, column, child_names) in enumerate(children):
        columns = [parent.c[key] if name == key else table.c[name] for name in child_names]
        arrays, selected, child_json = _unnest_columns(dialect, columns, child_names)
        aliases = ", ".join(f"c{n}" for n in range(len(child_names)))
        stored = [column if name == key else name for name in child_names]
        picked = [f"parent.{generated}" if name == key else expression for name, expression in zip(child_names, selected, strict=True)]
        # Table and column names come from our own metadata; every value travels as a parameter.
        ctes.append(
            f"child{position} AS (INSERT INTO {table.name} ({', '.join(stored)}) "  # noqa: S608
            f"SELECT {', '.join(picked)} FROM unnest({', '.join(arrays)}) AS u({aliases}) "
            f"JOIN parent ON parent.{key} = u.c{child_names.index(key)})"
        )
        json_columns.append(child_json)
    sql = f"WITH {', '.join(ctes)} SELECT {key}, {generated} FROM parent"  # noqa: S608
    return sql, tuple(json_columns)


@functools.cache
def _unnest_update(dialect: Any, table: Table, names: tuple[str, ...], key: str) -> tuple[str, tuple[tuple[str, bool], ...]]:
    ordered = (key, *(name for name in names if name != key))
    arrays, selected, json_columns = _unnest_columns(dialect, [table.c[n] for n in ordered], ordered)
    assignments = ", ".join(f"{name} = u.{expression}" for name, expression in zip(ordered[1:], selected[1:], strict=True))
    aliases = ", ".join(f"c{position}" for position in range(len(selected)))
    # Table and column names come from our own metadata; every value travels as a parameter.
    sql = (
        f"UPDATE {table.name} SET {assignments} "  # noqa: S608
        f"FROM unnest({', '.join(arrays)}) AS u({aliases}) WHERE {table.name}.{key} = u.c0"
    )
    return sql, json_columns


def _unnest_columns(
    dialect: Any, columns: Sequence[Column[Any]], names: Sequence[str]
) -> tuple[list[str], list[str], tuple[tuple[str, bool], ...]]:
    """For each of ``names`` (typed as ``columns``): its array parameter, the expression reading its
    element (``cN``), and the name with whether its values travel as JSON text."""
    arrays: list[str] = []
    selected: list[str] = []
    json_columns: list[tuple[str, bool]] = []
    for position, (name, column) in enumerate(zip(names, columns, strict=True)):
        column_type = column.type.compile(dialect=dialect)
        is_json = isinstance(column.type, JSON) or column_type in ("JSONB", "JSON")
        # %b sends each array in psycopg's binary format, skipping the per-element quoting of the text
        # format (the cost that dominates otherwise).
        arrays.append(f"%b::{'text' if is_json else _array_element(column_type)}[]")
        selected.append(f"c{position}::{column_type}" if is_json else f"c{position}")
        json_columns.append((name, is_json))
    return arrays, selected, tuple(json_columns)


def _column_values(rows: Rows, json_columns: Sequence[tuple[str, bool]]) -> list[list[Any]]:
    """The array parameters for ``rows``: one list per column, in the order the SQL names them."""
    return [[_json_text(row[name]) for row in rows] if is_json else [row[name] for row in rows] for name, is_json in json_columns]


def _array_element(column_type: str) -> str:
    # VARCHAR(2048)[] is valid, but text[] avoids a length check per element for the same result.
    return "text" if column_type.startswith("VARCHAR") else column_type


def _json_text(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()
