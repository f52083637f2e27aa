"""``elimu serve``: gunicorn in front of the app, plus a job worker when Redis is embedded."""

from __future__ import annotations

import logging
import os
from typing import Any

from gunicorn.app.base import BaseApplication

from lrs.settings import Settings

logger = logging.getLogger(__name__)


class ElimuServer(BaseApplication):  # type: ignore[misc]
    """gunicorn configured from our options; each worker builds its own app after the fork."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from lrs import create_app

        return create_app()


def serve(settings: Settings, *, host: str, port: int, workers: int | None, threads: int | None) -> None:
    """Run until interrupted."""
    worker_process = None
    if settings.is_embedded_redis:
        from lrs.cli import spawn_worker
        from lrs.queue import connect, redis_url_of

        embedded = connect(settings)
        url = redis_url_of(embedded)
        # gunicorn's workers and the job worker join this process's embedded server.
        os.environ["ELIMU_REDIS_URL"] = url
        worker_process = spawn_worker(url)
    cores = os.cpu_count() or 1
    if workers is None:
        workers = 1 if settings.is_sqlite else 2 * cores
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads or (8 if settings.is_sqlite else 2),
        "timeout": 60,
        "graceful_timeout": 10,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": settings.log_level.lower(),
    }
    logger.info("serving on http://%s:%s with %s worker(s)", host, port, workers)
    try:
        ElimuServer(options).run()
    finally:
        if worker_process is not None:
            worker_process.terminate()
            worker_process.wait(timeout=10)
