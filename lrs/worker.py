"""``elimu worker``: an rq worker whose jobs run inside an Elimu app context."""

from __future__ import annotations

import logging

from flask import Flask
from rq import Worker

from lrs.queue import QUEUE_NAME, connect

logger = logging.getLogger(__name__)


class AppWorker(Worker):
    """An rq worker that pushes the app context around every job, so jobs reach the database."""

    flask_app: Flask

    def perform_job(self, job, queue, *args, **kwargs):  # type: ignore[no-untyped-def]
        # rq 3 passes the execution as a third argument; pass along whatever this rq version sends.
        with self.flask_app.app_context():
            return super().perform_job(job, queue, *args, **kwargs)


def run_worker(app: Flask, *, burst: bool = False) -> None:
    """Work the Elimu queue until stopped (or until it is empty, with ``burst``)."""
    connection = connect(app.extensions["elimu.settings"], for_worker=True)
    worker = AppWorker([QUEUE_NAME], connection=connection)
    worker.flask_app = app
    logger.info("worker listening on queue %s", QUEUE_NAME)
    worker.work(burst=burst, with_scheduler=True)
