"""Issuing client credentials and recognising them on requests."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from lrs.auth.models import Client
from lrs.auth.scopes import DEFAULT_SCOPES, ROLES, XAPI_SCOPES, grants
from lrs.centres.models import Centre, CentreStatus
from lrs.errors import BadRequest, Forbidden, Unauthorised


def hash_secret(secret: str) -> str:
    # Secrets are 256-bit random tokens we generate, not passwords people pick, so a fast
    # digest is as safe as a slow KDF here and keeps every xAPI request cheap.
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedCredential:
    client: Client
    secret: str

    def as_json(self) -> dict[str, str]:
        return {"key": self.client.key, "secret": self.secret}


@dataclass(frozen=True)
class Principal:
    """Who is making a request, as far as authorisation cares."""

    client_id: int
    key: str
    scopes: frozenset[str]
    role: str | None
    centre: Centre | None
    authority: dict[str, Any]
    xapi_version: str | None = None

    @property
    def centre_id(self) -> int | None:
        return self.centre.id if self.centre is not None else None

    def may(self, action: str) -> bool:
        return grants(self.scopes, action)

    @property
    def reads_only_own(self) -> bool:
        """Whether statement reads are limited to what this credential wrote."""
        if self.role in ("admin", "registrar"):
            return False
        return self.centre is not None or not self.may("read_all_statements")

    def require(self, action: str) -> None:
        if not self.may(action):
            raise Forbidden(f"this credential lacks the scope needed to {action.replace('_', ' ')}")


def issue_credential(
    session: Session,
    *,
    name: str,
    scopes: list[str] | tuple[str, ...] = (),
    role: str | None = None,
    centre: Centre | None = None,
) -> IssuedCredential:
    """Create a credential; the clear secret exists only in the returned value."""
    unknown = set(scopes) - XAPI_SCOPES
    if unknown:
        raise BadRequest(f"unknown scope(s): {', '.join(sorted(unknown))}")
    if role is not None and role not in ROLES:
        raise BadRequest(f"unknown role {role!r}; expected one of {', '.join(sorted(ROLES))}")
    if centre is not None and role not in (None, "centre"):
        raise BadRequest("a centre's credential has the centre role, never admin or registrar")
    if centre is None and role == "centre":
        raise BadRequest("a credential with the centre role must belong to a centre")
    secret = secrets.token_urlsafe(32)
    client = Client(
        key=secrets.token_hex(16),
        secret_hash=hash_secret(secret),
        name=name,
        scopes=list(dict.fromkeys(scopes or DEFAULT_SCOPES)),
        role=role or ("centre" if centre is not None else None),
        centre_id=centre.id if centre is not None else None,
    )
    session.add(client)
    session.flush()
    return IssuedCredential(client, secret)


# Every xAPI request starts with this lookup: one round trip for the credential and its centre, built once
# (a fresh ORM query costs more to construct and load than the database takes to answer it). The principal
# holds detached copies; nothing writes through them.
_CLIENT_KEYS = [column.key for column in Client.__table__.columns]
_CENTRE_KEYS = [column.key for column in Centre.__table__.columns]
_CREDENTIAL_QUERY = (
    select(*Client.__table__.columns, *Centre.__table__.columns)
    .select_from(Client.__table__.outerjoin(Centre.__table__, Centre.__table__.c.id == Client.__table__.c.centre_id))
    .where(Client.__table__.c.key == bindparam("key"))
)


def authenticate(session: Session, key: str, secret: str, *, base_url: str) -> Principal:
    """The principal behind a key/secret pair.

    Raises:
        Unauthorised: unknown key, wrong secret or revoked credential.
        Forbidden: the credential's centre may not act (pending, suspended, revoked).
    """
    found = session.connection().execute(_CREDENTIAL_QUERY, {"key": key}).one_or_none()
    if found is None or not hmac.compare_digest(found.secret_hash, hash_secret(secret)):
        raise Unauthorised("unknown key or wrong secret", headers=_challenge())
    client = Client(**dict(zip(_CLIENT_KEYS, found[: len(_CLIENT_KEYS)], strict=True)))
    centre = Centre(**dict(zip(_CENTRE_KEYS, found[len(_CLIENT_KEYS) :], strict=True))) if client.centre_id else None
    if not client.is_active:
        raise Unauthorised("this credential has been revoked", headers=_challenge())
    return Principal(
        client_id=client.id,
        key=client.key,
        scopes=frozenset(client.scopes),
        role=client.role,
        centre=centre,
        authority=client.authority(base_url, centre),
        xapi_version=client.xapi_version,
    )


def require_active_centre(principal: Principal) -> None:
    """Refuse writes by a centre that is not approved, saying why."""
    _require_centre_status(principal, (CentreStatus.APPROVED,), "write")


def require_readable_centre(principal: Principal) -> None:
    """Refuse reads by a centre that was never approved or has been revoked; a suspended one still reads its own."""
    _require_centre_status(principal, (CentreStatus.APPROVED, CentreStatus.SUSPENDED), "read")


def _require_centre_status(principal: Principal, allowed: tuple[CentreStatus, ...], what: str) -> None:
    centre = principal.centre
    if centre is not None and centre.status not in allowed:
        reason = f": {centre.status_reason}" if centre.status_reason else ""
        raise Forbidden(f"centre {centre.slug} is {centre.status.value} and may not {what} records{reason}")


def _challenge() -> dict[str, str]:
    return {"WWW-Authenticate": 'Basic realm="Elimu"'}
