"""Connector secrets at rest: Fernet tokens under ELIMU_CONNECTOR_KEY, or a key derived from ELIMU_SECRET_KEY.

The derived key is HKDF-SHA256 of the secret key with a purpose label, so the key that signs sessions
is never used as is to encrypt tokens. Changing ELIMU_SECRET_KEY (without a dedicated connector key)
makes stored secrets unreadable: runs then fail saying the token must be entered again.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from lrs.errors import Conflict
from lrs.settings import Settings

_PURPOSE = b"elimu connector secrets v1"


class UnreadableSecret(Conflict):
    code = "unreadable_secret"


def _fernet(settings: Settings) -> Fernet:
    if settings.connector_key is not None:
        return Fernet(settings.connector_key.encode())
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_PURPOSE).derive(settings.secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def seal(settings: Settings, secrets: dict[str, Any]) -> bytes:
    """Encrypt a connector's secret settings."""
    return _fernet(settings).encrypt(json.dumps(secrets, sort_keys=True).encode())


def unseal(settings: Settings, token: bytes) -> dict[str, Any]:
    """Decrypt a connector's secret settings.

    Raises:
        UnreadableSecret: encrypted under another key (ELIMU_SECRET_KEY or ELIMU_CONNECTOR_KEY changed).
    """
    try:
        return json.loads(_fernet(settings).decrypt(token))
    except InvalidToken:
        raise UnreadableSecret(
            "the connector's secret cannot be decrypted with this deployment's key; enter the token again"
        ) from None
