"""``elimu keys generate|rotate|list`` on a data dir of its own, and keys given by environment."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from lrs.settings import Settings
from reports.credentials.did import did_document, did_for
from reports.credentials.keys import SigningKeyMissing, load_keyring
from reports.credentials.multikey import private_multikey, public_multikey
from tests.reports.credentials.conftest import elimu


@pytest.fixture
def own_environment(tmp_path: Path) -> dict[str, str]:
    """A deployment of its own: PostgreSQL-like (no key is made behind the operator's back)."""
    return {"ELIMU_DATA_DIR": str(tmp_path), "ELIMU_DATABASE_URL": "postgresql://postgres@127.0.0.1/unused",
            "ELIMU_BASE_URL": "https://skills.gov.example/elimu"}


def test_generate_makes_a_private_keyring_once(own_environment: dict[str, str], tmp_path: Path) -> None:
    first = elimu(own_environment, "keys", "generate", "--json")
    assert first.returncode == 0, first.stderr
    shown = json.loads(first.stdout)
    assert shown["did"] == "did:web:skills.gov.example:elimu"
    assert [key["status"] for key in shown["keys"]] == ["current"]
    assert "privateKeyPem" not in first.stdout and "PRIVATE" not in first.stdout + first.stderr

    keyring = tmp_path / "keys" / "signing-keys.json"
    assert stat.S_IMODE(keyring.stat().st_mode) == 0o600
    assert stat.S_IMODE(keyring.parent.stat().st_mode) == 0o700
    again = elimu(own_environment, "keys", "generate", "--json")
    assert again.returncode == 0 and json.loads(again.stdout) == shown
    assert "kept the existing" in again.stderr


def test_rotation_keeps_retired_public_keys_only(own_environment: dict[str, str], tmp_path: Path) -> None:
    assert elimu(own_environment, "keys", "generate").returncode == 0
    old = json.loads(elimu(own_environment, "keys", "list", "--json").stdout)["keys"][0]["publicKeyMultibase"]
    rotated = elimu(own_environment, "keys", "rotate", "--json")
    assert rotated.returncode == 0, rotated.stderr
    keys = json.loads(rotated.stdout)["keys"]
    assert [(key["status"], key["publicKeyMultibase"] == old) for key in keys] == [("current", False), ("retired", True)]
    stored = json.loads((tmp_path / "keys" / "signing-keys.json").read_text())["keys"]
    assert "privateKeyPem" in stored[0] and "privateKeyPem" not in stored[1]
    assert stat.S_IMODE((tmp_path / "keys" / "signing-keys.json").stat().st_mode) == 0o600

    settings = Settings.from_env(own_environment)
    document = did_document(did_for(settings.base_url), load_keyring(settings))
    assert [method["publicKeyMultibase"] for method in document["verificationMethod"]] == [keys[0]["publicKeyMultibase"], old]
    assert document["assertionMethod"] == [method["id"] for method in document["verificationMethod"]]


def test_without_a_keyring_nothing_is_signed_on_a_shared_database(own_environment: dict[str, str]) -> None:
    listed = elimu(own_environment, "keys", "list")
    assert listed.returncode != 0 and "elimu keys generate" in listed.stderr
    assert elimu(own_environment, "keys", "rotate").returncode != 0
    with pytest.raises(SigningKeyMissing):
        load_keyring(Settings.from_env(own_environment))


@pytest.mark.parametrize("encoding", ["pem", "multikey"])
def test_a_key_given_by_environment_replaces_the_keyring(own_environment: dict[str, str], encoding: str) -> None:
    key = Ed25519PrivateKey.generate()
    retired = public_multikey(Ed25519PrivateKey.generate().public_key())
    given = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode() if encoding == "pem" else private_multikey(key)
    environment = {**own_environment, "ELIMU_SIGNING_KEY": given, "ELIMU_RETIRED_PUBLIC_KEYS": retired}
    listed = elimu(environment, "keys", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    shown = json.loads(listed.stdout)
    assert shown["source"] == "environment"
    assert [k["publicKeyMultibase"] for k in shown["keys"]] == [public_multikey(key.public_key()), retired]
    refused = elimu(environment, "keys", "rotate")
    assert refused.returncode != 0 and "ELIMU_SIGNING_KEY" in refused.stderr
    bad = elimu({**own_environment, "ELIMU_SIGNING_KEY": "not a key"}, "keys", "list")
    assert bad.returncode != 0 and "ELIMU_SIGNING_KEY" in bad.stderr
