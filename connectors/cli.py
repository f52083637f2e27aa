"""``elimu connectors``: list connectors, start a run (queued, or here and now with ``--wait``), see runs, dispatch."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from connectors.core.jobs import enqueue_run, execute_run, start_due_runs
from connectors.core.models import Connector
from connectors.core.runs import latest_runs, request_run
from connectors.core.schedule import describe_schedule
from connectors.schemas import RunSchema
from lrs.db import session_scope
from lrs.errors import ElimuError, NotFound


@click.group("connectors")
def connectors_group() -> None:
    """Connectors that pull training records from sources (Moodle)."""


@connectors_group.command("list")
@click.option("--centre", "centre_id", type=int, default=None, help="only this centre's connectors")
@with_appcontext
def list_command(centre_id: int | None) -> None:
    """One line per connector: id, centre, type, address, schedule."""
    with session_scope() as session:
        query = select(Connector).order_by(Connector.id)
        if centre_id is not None:
            query = query.where(Connector.centre_id == centre_id)
        for connector in session.scalars(query):
            state = "enabled" if connector.is_enabled else "disabled"
            schedule = describe_schedule(connector.schedule_seconds) or "on demand"
            click.echo(f"{connector.id}\tcentre {connector.centre_id}\t{connector.kind}\t{connector.base_url or '-'}\t{schedule}\t{state}")


@connectors_group.command("run")
@click.argument("connector_id", type=int)
@click.option("--wait", is_flag=True, help="run here and now instead of queueing the job")
@click.option("--json", "as_json", is_flag=True, help="print the run as JSON")
@with_appcontext
def run_command(connector_id: int, wait: bool, as_json: bool) -> None:
    """Start a run of a connector."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        with session_scope() as session:
            connector = session.get(Connector, connector_id)
            if connector is None:
                raise NotFound(f"no connector {connector_id}")
            run_id = request_run(session, connector, trigger="cli").id
        if wait:
            execute_run(app, run_id)
        else:
            enqueue_run(app, run_id)
        with session_scope() as session:
            run = RunSchema().dump(latest_runs(session, connector_id, limit=1)[0])
    except ElimuError as error:
        raise click.ClickException(error.message) from None
    if as_json:
        click.echo(json.dumps(run))
    else:
        click.echo(f"run {run['id']}: {run['status']} (read {run['read']}, stored {run['stored']}, "
                   f"skipped {run['skipped']}, failed {run['failed']}){': ' + run['error'] if run['error'] else ''}")


@connectors_group.command("runs")
@click.argument("connector_id", type=int)
@click.option("--limit", type=int, default=10, show_default=True)
@with_appcontext
def runs_command(connector_id: int, limit: int) -> None:
    """The connector's latest runs, newest first, as JSON lines."""
    with session_scope() as session:
        for run in latest_runs(session, connector_id, limit=limit):
            click.echo(json.dumps(RunSchema().dump(run)))


@connectors_group.command("dispatch")
@with_appcontext
def dispatch_command() -> None:
    """Queue a run of every connector whose schedule is due (for cron, or after Redis lost its schedule)."""
    run_ids = start_due_runs(current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo(f"queued {len(run_ids)} run(s)", err=True)
