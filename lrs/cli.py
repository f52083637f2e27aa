"""The ``elimu`` command: schema, server, worker and credentials, as a Flask click group."""

from __future__ import annotations

import getpass
import json
import logging
import os
import subprocess
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from connectors.cli import connectors_group
from lrs import create_app
from lrs.auth.service import issue_credential
from lrs.centres.audit import Actor, record
from lrs.centres.cli import centres_group
from lrs.centres.credentials import CENTRE_SCOPES
from lrs.centres.models import Centre
from lrs.db import session_scope
from lrs.errors import ElimuError
from lrs.migrations import upgrade_schema
from lrs.people.cli import admin_group
from lrs.settings import Settings
from reports.credentials.cli import keys_group
from reports.normalise.cli import normalise_command

logger = logging.getLogger(__name__)


@click.group(cls=FlaskGroup, create_app=lambda: create_app(), add_default_commands=False)
def cli() -> None:
    """Elimu: xAPI learning records turned into credentials a government can recognise."""


@cli.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the database schema (safe to run again)."""
    upgrade_schema(current_app)
    click.echo("schema is up to date", err=True)


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", type=int, default=None, help="gunicorn worker processes (default: by backend)")
@click.option("--threads", type=int, default=None, help="threads per worker process")
@with_appcontext
def serve_command(host: str, port: int, workers: int | None, threads: int | None) -> None:
    """Serve Elimu with gunicorn; on the embedded default a job worker runs alongside."""
    from lrs.server import serve

    settings: Settings = current_app.extensions["elimu.settings"]
    upgrade_schema(current_app)
    serve(settings, host=host, port=port, workers=workers, threads=threads)


@cli.command("worker")
@click.option("--burst", is_flag=True, help="exit once the queue is empty")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run a job worker on the configured queue."""
    from lrs.worker import run_worker

    run_worker(current_app, burst=burst)


@cli.group("clients")
def clients_group() -> None:
    """Client credentials for LMSs, centres and registrars."""


@clients_group.command("create")
@click.option("--name", required=True)
@click.option("--centre", "centre_slug", default=None, help="slug of the centre the credential belongs to")
@click.option("--scope", "scopes", multiple=True, help="xAPI scope (repeatable); default statements/write + statements/read/mine")
@click.option("--role", type=click.Choice(["admin", "registrar", "centre"]), default=None)
@click.option("--json", "as_json", is_flag=True, help="print the credential as JSON")
@with_appcontext
def create_client_command(name: str, centre_slug: str | None, scopes: tuple[str, ...], role: str | None, as_json: bool) -> None:
    """Create a credential and print its key and secret (the secret is shown only now).

    With --centre it is one of that centre's credentials, with the centre's scopes, recorded in its audit
    log. Unlike the API this works before approval, so an operator can provision an LMS ahead of the
    decision; the store refuses its writes until the centre is approved.
    """
    try:
        with session_scope() as session:
            if centre_slug is None:
                issued = issue_credential(session, name=name, scopes=list(scopes), role=role)
            else:
                if scopes or role not in (None, "centre"):
                    raise click.UsageError("a centre's credential carries the centre's scopes; drop --scope/--role")
                centre = session.scalars(select(Centre).where(Centre.slug == centre_slug)).one_or_none()
                if centre is None:
                    raise click.ClickException(f"no centre with slug {centre_slug!r}")
                issued = issue_credential(session, name=name, scopes=CENTRE_SCOPES, role="centre", centre=centre)
                actor = Actor(f"cli:{getpass.getuser()}", "system")
                record(session, centre, actor, "issue_credential", None, credential_key=issued.client.key)
            credential = issued.as_json()
    except ElimuError as error:
        raise click.ClickException(error.message) from None
    if as_json:
        click.echo(json.dumps(credential))
    else:
        click.echo(f"key:    {credential['key']}\nsecret: {credential['secret']}")


@cli.command("demo")
@with_appcontext
def demo_command() -> None:
    """Seed a believable demo and print a credential to explore it with."""
    from lrs.demo import seed_demo

    settings: Settings = current_app.extensions["elimu.settings"]
    upgrade_schema(current_app)
    with session_scope() as session:
        credential = seed_demo(session, base_url=settings.base_url).as_json()
    click.echo(f"xAPI endpoint: {settings.base_url}/xapi/")
    click.echo(f"key:           {credential['key']}")
    click.echo(f"secret:        {credential['secret']}")
    click.echo(f"sign in at:    {settings.base_url}/login")
    click.echo(f"email:         {credential['admin_email']}")
    click.echo(f"password:      {credential['admin_password']}")


def main() -> None:  # pragma: no cover - console entry point
    cli(prog_name="elimu")


def spawn_worker(redis_url: str) -> subprocess.Popen[bytes]:
    """Start ``elimu worker`` in a child process that shares this process's embedded Redis."""
    env = {**os.environ, "ELIMU_REDIS_URL": redis_url}
    return subprocess.Popen([sys.executable, "-m", "lrs.cli", "worker"], env=env)  # noqa: S603


cli.add_command(admin_group)
cli.add_command(centres_group)
cli.add_command(normalise_command)
cli.add_command(keys_group)
cli.add_command(connectors_group)

if __name__ == "__main__":
    main()
