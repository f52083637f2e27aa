"""The database: engine and sessions per app, the declarative ``Base`` and shared column types.

Sessions belong to the edge (a request, a job, a CLI command): services receive one and never commit.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

import orjson
from flask import Flask, current_app, g
from sqlalchemy import JSON, BigInteger, DateTime, Engine, Integer, MetaData, Uuid, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.exc import DBAPIError, DisconnectionError, IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator

from lrs.settings import Settings

logger = logging.getLogger(__name__)
T = TypeVar("T")

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTimeType(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONDocType = JSON().with_variant(JSONB(), "postgresql")
# SQLite autoincrements only an INTEGER PRIMARY KEY; PostgreSQL gets a real bigint.
BigId = BigInteger().with_variant(Integer(), "sqlite")

UTCDateTime = Annotated[datetime, mapped_column(UTCDateTimeType())]
JSONDoc = Annotated[Any, mapped_column(JSONDocType)]


class Base(DeclarativeBase):
    """Every Elimu table; the naming convention lets Alembic drop what it created."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {uuid.UUID: Uuid(), datetime: UTCDateTimeType()}


def utcnow() -> datetime:
    """Now, in UTC, to the millisecond (the precision xAPI timestamps are compared at)."""
    now = datetime.now(UTC)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def build_engine(settings: Settings) -> Engine:
    """An engine for the configured database, with SQLite tuned for concurrent readers."""
    if settings.is_sqlite:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(settings.database_url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        return engine
    engine = create_engine(
        settings.database_url,
        pool_size=10,
        max_overflow=20,
        json_serializer=_orjson_text,
        json_deserializer=orjson.loads,
    )
    _ping_connections_back_from_idle(engine)

    @event.listens_for(engine, "connect")
    def _arrays_in_binary(dbapi_connection: Any, _record: Any) -> None:
        # Array parameters (``lrs.sets``) in psycopg's binary format: the text format quotes every
        # element, which costs more than the lookup for a few thousand keys.
        from psycopg.types.array import ListBinaryDumper

        dbapi_connection.adapters.register_dumper(list, ListBinaryDumper)

    return engine


# A pooled connection unused for longer than this is pinged before it is handed out.
PING_AFTER_IDLE_SECONDS = 5.0


def _ping_connections_back_from_idle(engine: Engine) -> None:
    """Ping a pooled connection only when it has sat idle, instead of before every checkout.

    A database restart during a quiet spell is what leaves dead connections in the pool, and those
    are pinged and replaced. Under load connections come back within milliseconds and a ping per
    request would be one more round trip on every xAPI call; if the database goes away mid-load, a
    request on a dead connection fails once (503), and the pool replaces every connection it holds.
    """

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("a pooled connection did not answer its ping") from error


def _orjson_text(value: Any) -> str:
    return orjson.dumps(value).decode()


def init_app(app: Flask) -> None:
    """Give the app its engine and session factory; close the request session on teardown."""
    settings: Settings = app.extensions["elimu.settings"]
    engine = build_engine(settings)
    app.extensions["elimu.engine"] = engine
    app.extensions["elimu.sessions"] = sessionmaker(engine, expire_on_commit=False)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("elimu_session", None)
        if session is not None:
            session.close()


def engine_of(app: Flask | None = None) -> Engine:
    return (app or current_app).extensions["elimu.engine"]


def request_session() -> Session:
    """The session of the current request (or app context), opened on first use."""
    if "elimu_session" not in g:
        g.elimu_session = current_app.extensions["elimu.sessions"]()
    return g.elimu_session


@contextmanager
def session_scope(app: Flask | None = None) -> Iterator[Session]:
    """A session that commits when the block succeeds and rolls back when it raises."""
    session: Session = (app or current_app).extensions["elimu.sessions"]()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dialect_insert(session: Session, model: type[Base]) -> Any:
    """An INSERT for ``model`` that supports ``on_conflict_do_*`` on the session's backend."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(model)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(model)


def commit_with_retry(session: Session, work: Callable[[], T], *, attempts: int = 3) -> T:
    """Run ``work`` and commit; when the database aborts it for a transient reason, roll back and rerun.

    Concurrent writers can deadlock on shared rows or race on a unique key (two clients sending the
    same statement id at once); rerunning the whole unit of work resolves both.
    """
    for attempt in range(1, attempts + 1):
        try:
            result = work()
            session.commit()
            return result
        except (OperationalError, IntegrityError) as error:
            session.rollback()
            if attempt == attempts or not _is_transient(error):
                raise
            logger.info("transaction retried after %s (attempt %d)", type(error.orig).__name__, attempt)
    raise AssertionError("unreachable")


def _is_transient(error: DBAPIError) -> bool:
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if code in ("40001", "40P01", "23505"):  # serialization failure, deadlock, unique violation
        return True
    message = str(error.orig).lower()
    return "database is locked" in message or "unique constraint failed" in message
