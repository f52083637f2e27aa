"""``elimu centres``: apply, list and decide from the command line (the same services and audit log as the API)."""

from __future__ import annotations

import getpass
import json

import click
import marshmallow as ma
from flask.cli import with_appcontext

from lrs.centres.audit import Actor
from lrs.centres.models import CentreStatus
from lrs.centres.schemas import ApplicationSchema, CentreSchema, DecisionSchema, IssuedCredentialSchema
from lrs.centres.service import KINDS, TRANSITIONS, CentreFilter, apply_for_centre, decide, list_centres
from lrs.db import session_scope
from lrs.errors import ElimuError


def _cli_actor() -> Actor:
    return Actor(f"cli:{getpass.getuser()}", "system")


@click.group("centres")
def centres_group() -> None:
    """Authorised centres: applications and the ministry's decisions."""


@centres_group.command("apply")
@click.option("--name", required=True)
@click.option("--kind", required=True, type=click.Choice(list(KINDS)))
@click.option("--country", required=True, help="ISO 3166-1 alpha-2 code, e.g. KE")
@click.option("--accreditation-ref", required=True)
@click.option("--contact-email", required=True)
@click.option("--prefix", "activity_prefixes", multiple=True, required=True, help="activity-IRI prefix (repeatable)")
@click.option("--home-page", "home_pages", multiple=True, help="LMS home page (repeatable)")
@with_appcontext
def apply_command(**fields: object) -> None:
    """Record an application, as the public form does; prints the pending centre as JSON."""
    data = {**fields, "activity_prefixes": list(fields["activity_prefixes"]), "home_pages": list(fields["home_pages"])}  # type: ignore[call-overload]
    try:
        application = ApplicationSchema().load(data)
        with session_scope() as session:
            centre = apply_for_centre(session, application)
            click.echo(json.dumps(CentreSchema().dump(centre)))
    except ma.ValidationError as error:
        raise click.ClickException(json.dumps(error.messages)) from None
    except ElimuError as error:
        raise click.ClickException(error.message) from None


@centres_group.command("list")
@click.option("--status", type=click.Choice([status.value for status in CentreStatus]), default=None)
@with_appcontext
def list_command(status: str | None) -> None:
    """Print centres as JSON lines, newest application first."""
    with session_scope() as session:
        centres, _ = list_centres(session, CentreFilter(status=CentreStatus(status) if status else None), limit=10_000)
        for centre in centres:
            click.echo(json.dumps(CentreSchema().dump(centre)))


@centres_group.command("decide")
@click.argument("centre_id", type=int)
@click.argument("action", type=click.Choice(list(TRANSITIONS)))
@click.option("--reason", required=True)
@with_appcontext
def decide_command(centre_id: int, action: str, reason: str) -> None:
    """Approve, reject, suspend, reinstate or revoke a centre; approval prints its first credential as JSON."""
    try:
        reason = DecisionSchema().load({"reason": reason})["reason"]
        with session_scope() as session:
            decision = decide(session, centre_id, action, by=_cli_actor(), reason=reason)
            result = {"id": centre_id, "status": decision.centre.status.value}
            if decision.credential is not None:
                result["credential"] = IssuedCredentialSchema().dump(decision.credential)
    except ma.ValidationError as error:
        raise click.ClickException(json.dumps(error.messages)) from None
    except ElimuError as error:
        raise click.ClickException(error.message) from None
    click.echo(json.dumps(result))
