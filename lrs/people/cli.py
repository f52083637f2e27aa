"""``elimu admin``: bootstrap the administrators who sign in to the web pages."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lrs.db import session_scope
from lrs.errors import ElimuError
from lrs.people.service import save_administrator


@click.group("admin")
def admin_group() -> None:
    """Administrators who sign in to the web pages."""


@admin_group.command("create")
@click.option("--email", required=True, help="the address the administrator signs in with")
@click.option("--password", required=True, prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_admin_command(email: str, password: str) -> None:
    """Create an administrator, or reset the password of an existing one (safe to run again)."""
    try:
        with session_scope() as session:
            person, created = save_administrator(session, email, password)
            address = person.email
    except ElimuError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"administrator {address} {'created' if created else 'updated'}", err=True)
