"""``elimu keys``: make, rotate and list the issuer's signing keys (the keyring under the data dir)."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from lrs.errors import ElimuError
from lrs.settings import Settings, SettingsError
from reports.credentials.did import did_for
from reports.credentials.keys import Keyring, generate_keyring, keyring_path, load_keyring, read_keyring, rotate_keyring


@click.group("keys")
def keys_group() -> None:
    """The Ed25519 keys transcript credentials are signed with."""


def _settings() -> Settings:
    return current_app.extensions["elimu.settings"]


def _show(keyring: Keyring, settings: Settings, as_json: bool) -> None:
    did = did_for(settings.base_url)
    if as_json:
        click.echo(json.dumps({"did": did, "source": keyring.source, "keys": [key.as_json() for key in keyring.keys]}))
        return
    click.echo(f"issuer: {did} (keys from {keyring.source})")
    for key in keyring.keys:
        shown = key.as_json()
        click.echo(f"{shown['status']:8} {shown['publicKeyMultibase']}  created {shown['created'] or '-'}")


@keys_group.command("generate")
@click.option("--json", "as_json", is_flag=True, help="print the keyring as JSON")
@with_appcontext
def generate_command(as_json: bool) -> None:
    """Make the signing key (does nothing when there is one already)."""
    settings = _settings()
    try:
        keyring, created = generate_keyring(settings)
    except ElimuError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"{'generated' if created else 'kept the existing'} keyring {keyring_path(settings)}", err=True)
    _show(keyring, settings, as_json)


@keys_group.command("rotate")
@click.option("--json", "as_json", is_flag=True, help="print the keyring as JSON")
@with_appcontext
def rotate_command(as_json: bool) -> None:
    """Sign with a new key from now on; old keys stay in the DID document so old credentials verify."""
    settings = _settings()
    try:
        keyring = rotate_keyring(settings)
    except ElimuError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"now signing with {keyring.current.multikey}", err=True)
    _show(keyring, settings, as_json)


@keys_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="print the keyring as JSON")
@with_appcontext
def list_command(as_json: bool) -> None:
    """Show the current and retired keys (never a private key)."""
    settings = _settings()
    try:
        keyring = load_keyring(settings) if settings.signing_key else read_keyring(settings)
    except (ElimuError, SettingsError) as error:
        raise click.ClickException(str(error)) from None
    if keyring is None:
        raise click.ClickException("no signing key yet: run `elimu keys generate`")
    _show(keyring, settings, as_json)
