"""``elimu admin``: bootstrap the people who sign in to the web pages (administrators and registrars)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from lrs.db import session_scope
from lrs.errors import ElimuError
from lrs.people.service import PAGE_ROLES, save_person


@click.group("admin")
def admin_group() -> None:
    """Administrators who sign in to the web pages."""


@admin_group.command("create")
@click.option("--email", required=True, help="the address the administrator signs in with")
@click.option("--password", required=True, prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--role", type=click.Choice(PAGE_ROLES), default=None,
              help="admin (default for a new person) or registrar: reports and transcripts, no decisions")
@with_appcontext
def create_admin_command(email: str, password: str, role: str | None) -> None:
    """Create a person who signs in, or reset the password of an existing one (safe to run again)."""
    try:
        with session_scope() as session:
            person, created = save_person(session, email, password, role=role)
            address, saved_role = person.email, person.role
    except ElimuError as error:
        raise click.ClickException(error.message) from None
    label = "administrator" if saved_role == "admin" else saved_role
    click.echo(f"{label} {address} {'created' if created else 'updated'}", err=True)
