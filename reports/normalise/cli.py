"""``elimu normalise``: drain the outbox now, or rebuild every learning record from the statements."""

from __future__ import annotations

import json
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from reports.normalise.jobs import drain, rebuild_all


@click.command("normalise")
@click.option("--rebuild", is_flag=True, help="recompute every fact and learning record from the statements")
@with_appcontext
def normalise_command(rebuild: bool) -> None:
    """Fold pending statements into learning records (or, with --rebuild, all of them); prints JSON counts."""
    started = time.perf_counter()
    counts: dict[str, float] = {**(rebuild_all(current_app).as_json() if rebuild else drain(current_app))}
    counts["seconds"] = round(time.perf_counter() - started, 3)
    click.echo(json.dumps(counts))
