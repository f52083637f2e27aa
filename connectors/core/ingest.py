"""How a connector's statements enter the store: the same validation, ownership check and write as HTTP.

A connector writes as a credential of its centre (``connector_principal``), so its statements carry the
centre's authority and pass the same isolation rules as a centre's own POST to /xapi/statements.
Connector statement ids are deterministic (``statement_id``: uuid5 of the source and the record's
natural key), so running a connector again, or replaying its input, finds the ids already stored and
adds nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.auth.models import Client
from lrs.auth.service import Principal, require_active_centre
from lrs.centres.models import Centre
from lrs.errors import Forbidden
from lrs.xapi.models import Statement
from lrs.xapi.ownership import check_statement_ownership
from lrs.xapi.statements.store import store_statements
from lrs.xapi.validation import validate_statements

# Namespace of every connector statement id (uuid5); changing it would make every replay a duplicate.
NAMESPACE = uuid.UUID("5b0c7a3e-6a4f-5d0e-9c51-1f3e2d7a9b40")
XAPI_VERSION = "1.0.3"
CONNECTOR_SCOPES = ("statements/write", "statements/read/mine")


def statement_id(source: str, *key: object) -> str:
    """The id of the statement a source record becomes: the same record always gives the same id."""
    return str(uuid.uuid5(NAMESPACE, "|".join((source, *(str(part) for part in key)))))


def connector_principal(session: Session, client_id: int, *, base_url: str) -> Principal:
    """The principal a connector writes as: its centre's credential, refused if revoked or the centre may not write.

    Raises:
        Forbidden: the credential was revoked, or its centre is not approved.
    """
    client = session.get(Client, client_id)
    if client is None or not client.is_active:
        raise Forbidden("the connector's credential has been revoked; the centre's administrator must re-create the connector")
    centre = session.get(Centre, client.centre_id) if client.centre_id is not None else None
    principal = Principal(
        client_id=client.id,
        key=client.key,
        scopes=frozenset(client.scopes),
        role=client.role,
        centre=centre,
        authority=client.authority(base_url, centre),
    )
    principal.require("write_statements")
    require_active_centre(principal)
    return principal


@dataclass(frozen=True)
class Ingested:
    stored: int
    skipped: int


def ingest_statements(session: Session, principal: Principal, statements: list[dict[str, Any]]) -> Ingested:
    """Validate, check and store statements that carry their ids; ids already held are skipped, not re-sent.

    An id is derived from what makes a record distinct, so a held id means the record is in already
    (a renamed course does not make its old completion a conflict).

    Raises:
        InvalidStatement: a statement the HTTP path would refuse.
        Forbidden: an activity or account the centre does not own.
    """
    if not statements:
        return Ingested(0, 0)
    first: dict[str, dict[str, Any]] = {}
    for statement in statements:
        first.setdefault(statement["id"], statement)
    unique = list(first.values())
    repeated = len(statements) - len(unique)  # a page read twice: the same record, once
    validated = validate_statements(unique, version=XAPI_VERSION)
    check_statement_ownership(principal, validated)
    ids = [uuid.UUID(statement["id"]) for statement in validated]
    held = set(session.scalars(select(Statement.id).where(Statement.id.in_(ids))))
    fresh = [statement for statement, sid in zip(validated, ids, strict=True) if sid not in held]
    if fresh:
        store_statements(session, fresh, principal=principal, version=XAPI_VERSION)
    return Ingested(stored=len(fresh), skipped=len(validated) - len(fresh) + repeated)
