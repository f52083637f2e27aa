"""The issuer's Ed25519 signing keys: a keyring under the data dir, or a key given by environment.

The keyring is ``<data_dir>/keys/signing-keys.json`` (directory 0700, file 0600), written by
``elimu keys generate`` and ``elimu keys rotate``. Its first key signs; the others are retired:
rotation destroys a retired key's private half and keeps its public half, so the DID document
still lists it and credentials signed with it still verify.

``ELIMU_SIGNING_KEY`` (PKCS#8 PEM or a Multikey) replaces the keyring when set, with
``ELIMU_RETIRED_PUBLIC_KEYS`` naming the public Multikeys of the keys it replaced; such keys are
rotated by changing the environment, not by the CLI.

On the embedded default (SQLite, one machine) a missing keyring is generated on first use, so a
laptop demo works out of the box; a PostgreSQL deployment may run on several machines, whose
data dirs would each invent a different key, so there the keyring must be made explicitly.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from lrs.errors import ElimuError
from lrs.settings import Settings, SettingsError
from reports.credentials.multikey import (
    MultibaseError,
    private_key_from_multikey,
    public_key_from_multikey,
    public_multikey,
)

logger = logging.getLogger(__name__)

KEYRING_FILE = "signing-keys.json"


class SigningKeyMissing(ElimuError):
    """No key to sign with: the deployment has not made one."""

    status, code = 503, "signing_key_missing"


class KeyringError(ElimuError):
    """The keyring cannot do what was asked (e.g. rotate keys given by environment)."""

    status, code = 409, "keyring_conflict"


@dataclass(frozen=True)
class SigningKey:
    """One issuer key; ``private_key`` is None once the key is retired."""

    public_key: Ed25519PublicKey
    private_key: Ed25519PrivateKey | None
    created_at: datetime | None
    retired_at: datetime | None

    @property
    def multikey(self) -> str:
        """The ``publicKeyMultibase``, also used as the key's fragment in the DID document."""
        return public_multikey(self.public_key)

    @property
    def is_current(self) -> bool:
        return self.private_key is not None

    @property
    def signer(self) -> Ed25519PrivateKey:
        """The private half, which only the current key keeps.

        Raises:
            SigningKeyMissing: the key is retired.
        """
        if self.private_key is None:
            raise SigningKeyMissing(f"key {self.multikey} is retired and signs nothing")
        return self.private_key

    def as_json(self) -> dict[str, Any]:
        """What ``elimu keys list`` shows (never the private half)."""
        return {
            "publicKeyMultibase": self.multikey,
            "status": "current" if self.is_current else "retired",
            "created": _iso(self.created_at),
            "retired": _iso(self.retired_at),
        }


@dataclass(frozen=True)
class Keyring:
    """The issuer's keys, the signing one first; ``source`` is ``file`` or ``environment``."""

    keys: tuple[SigningKey, ...]
    source: str

    @property
    def current(self) -> SigningKey:
        return self.keys[0]

    def find(self, multikey: str) -> SigningKey | None:
        """The key (current or retired) whose public Multikey is ``multikey``."""
        return next((key for key in self.keys if key.multikey == multikey), None)


def keyring_path(settings: Settings) -> Path:
    return settings.data_dir / "keys" / KEYRING_FILE


def load_keyring(settings: Settings) -> Keyring:
    """The deployment's keyring, generating one on the embedded default when there is none.

    Raises:
        SigningKeyMissing: no key in the environment or under the data dir (PostgreSQL deployments).
        SettingsError: ``ELIMU_SIGNING_KEY`` or ``ELIMU_RETIRED_PUBLIC_KEYS`` is not a usable key.
    """
    if settings.signing_key is not None:
        return _environment_keyring(settings)
    keyring = read_keyring(settings)
    if keyring is not None:
        return keyring
    if not settings.is_sqlite:
        raise SigningKeyMissing("no signing key: run `elimu keys generate` or set ELIMU_SIGNING_KEY")
    keyring, _ = generate_keyring(settings)
    logger.warning("generated a signing key %s under the data dir", keyring.current.multikey)
    return keyring


def read_keyring(settings: Settings) -> Keyring | None:
    """The keyring stored under the data dir, or None when there is none."""
    try:
        stored = json.loads(keyring_path(settings).read_text())
    except FileNotFoundError:
        return None
    return Keyring(tuple(_stored_key(entry) for entry in stored["keys"]), source="file")


def generate_keyring(settings: Settings) -> tuple[Keyring, bool]:
    """Make the keyring with a first key unless one exists; says whether it made it.

    Raises:
        KeyringError: the keys come from the environment.
    """
    _refuse_environment(settings, "generate")
    existing = read_keyring(settings)
    if existing is not None:
        return existing, False
    keyring = Keyring((_new_key(),), source="file")
    path = keyring_path(settings)
    staged = _stage(path, keyring)
    try:
        os.link(staged, path)  # atomic create-if-absent: a concurrent generate keeps the first keyring
    except FileExistsError:
        return read_keyring(settings) or keyring, False
    finally:
        staged.unlink()
    return keyring, True


def rotate_keyring(settings: Settings) -> Keyring:
    """Sign with a new key from now on; the old keys stay, public half only, for verification.

    Raises:
        KeyringError: the keys come from the environment.
        SigningKeyMissing: there is no keyring to rotate.
    """
    _refuse_environment(settings, "rotate")
    existing = read_keyring(settings)
    if existing is None:
        raise SigningKeyMissing("no keyring to rotate: run `elimu keys generate` first")
    now = datetime.now(UTC)
    retired = tuple(
        SigningKey(key.public_key, None, key.created_at, key.retired_at or now) for key in existing.keys
    )
    keyring = Keyring((_new_key(), *retired), source="file")
    path = keyring_path(settings)
    os.replace(_stage(path, keyring), path)
    return keyring


def _refuse_environment(settings: Settings, action: str) -> None:
    if settings.signing_key is not None:
        raise KeyringError(f"cannot {action} keys given by ELIMU_SIGNING_KEY; change the environment instead")


def _new_key() -> SigningKey:
    private = Ed25519PrivateKey.generate()
    return SigningKey(private.public_key(), private, datetime.now(UTC).replace(microsecond=0), None)


def _stage(path: Path, keyring: Keyring) -> Path:
    """Write ``keyring`` to a 0600 file beside ``path`` (in a 0700 directory) and return it."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=".keyring-")  # mkstemp opens 0600
    with os.fdopen(fd, "w") as handle:
        json.dump({"keys": [_stored_entry(key) for key in keyring.keys]}, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    return Path(name)


def _stored_entry(key: SigningKey) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "publicKeyMultibase": key.multikey,
        "created": _iso(key.created_at),
        "retired": _iso(key.retired_at),
    }
    if key.private_key is not None:
        pem = key.private_key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
        entry["privateKeyPem"] = pem.decode()
    return entry


def _stored_key(entry: dict[str, Any]) -> SigningKey:
    private = entry.get("privateKeyPem")
    private_key = _private_key_from_pem(private, "the keyring") if private else None
    public_key = private_key.public_key() if private_key else public_key_from_multikey(entry["publicKeyMultibase"])
    return SigningKey(public_key, private_key, _parse(entry.get("created")), _parse(entry.get("retired")))


def _environment_keyring(settings: Settings) -> Keyring:
    raw = settings.signing_key or ""
    try:
        private = private_key_from_multikey(raw) if raw.startswith("z") else _private_key_from_pem(raw, "")
    except (MultibaseError, ValueError) as error:
        raise SettingsError(f"ELIMU_SIGNING_KEY is not an Ed25519 private key: {error}") from None
    retired = []
    for multikey in settings.retired_public_keys:
        try:
            retired.append(SigningKey(public_key_from_multikey(multikey), None, None, None))
        except (MultibaseError, ValueError):
            raise SettingsError("ELIMU_RETIRED_PUBLIC_KEYS must list Ed25519 public Multikeys (z6Mk...)") from None
    return Keyring((SigningKey(private.public_key(), private, None, None), *retired), source="environment")


def _private_key_from_pem(pem: str, where: str) -> Ed25519PrivateKey:
    key = load_pem_private_key(pem.encode(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"the key in {where or 'the environment'} is not an Ed25519 key")
    return key


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def _parse(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
