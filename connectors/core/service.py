"""Creating, changing and finding connectors, and who may manage them.

An administrator manages every centre's connectors; a centre's own credential manages its own. Each
connector gets a credential of its centre (issued through the centres service, so the audit log shows
it): what the connector stores is written, and owned, exactly as if the centre had sent it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from connectors.core.addresses import check_reachable, parse_source_url
from connectors.core.models import Connector, ConnectorRun
from connectors.core.schedule import due_at, parse_schedule
from connectors.core.secrets import seal
from lrs.auth.service import Principal
from lrs.centres.audit import Actor
from lrs.centres.credentials import issue_centre_credential
from lrs.centres.lookup import get_centre
from lrs.centres.models import Centre
from lrs.db import utcnow
from lrs.errors import BadRequest, Conflict, Forbidden, NotFound
from lrs.settings import Settings
from reports.learners.identifiers import SCHEMES

logger = logging.getLogger(__name__)

MOODLE = "moodle"
HUAWEI_TALENT = "huawei_talent"
PULL_KINDS = frozenset({MOODLE})  # kinds created through the API, with a source to pull from
MAX_TOKEN = 256


@dataclass(frozen=True)
class NewConnector:
    kind: str
    base_url: str
    token: str
    identifier_scheme: str = "ke-upn"
    schedule: str | None = None


@dataclass(frozen=True)
class ConnectorChange:
    token: str | None = None
    schedule: str | None = None
    clear_schedule: bool = False
    identifier_scheme: str | None = None
    is_enabled: bool | None = None


@dataclass(frozen=True)
class Caller:
    """Who is asking, as the connectors see it: a role, the centre a centre's credential belongs to, the audit actor."""

    role: str | None
    centre_id: int | None
    actor: Actor

    @classmethod
    def of_principal(cls, principal: Principal) -> Caller:
        return cls(principal.role, principal.centre_id, Actor.of_client(principal))

    @classmethod
    def of_person(cls, email: str, role: str) -> Caller:
        return cls(role, None, Actor.of_person(email))

    @property
    def label(self) -> str:
        return self.actor.label


def authorise_centre_manage(caller: Caller, centre_id: int) -> None:
    """Admins manage every centre's connectors and imports; a centre's credential only its own.

    Raises:
        Forbidden: any other caller.
    """
    if caller.role == "admin":
        return
    if caller.role == "centre" and caller.centre_id == centre_id:
        return
    raise Forbidden("only an administrator or the centre's own credential may do this")


def create_connector(session: Session, settings: Settings, centre_id: int, new: NewConnector, *, by: Caller) -> Connector:
    """Connect a source to an approved centre; its token is kept encrypted and never shown again.

    Raises:
        NotFound: no such centre.
        Conflict: the centre is not approved.
        BadRequest: an unknown kind or scheme, a bad schedule or token, a URL the centre does not own.
        AddressRefused: a loopback or private address (unless allowed).
    """
    authorise_centre_manage(by, centre_id)
    centre = get_centre(session, centre_id)
    if not centre.is_approved:
        raise Conflict(f"centre {centre.id} is {centre.status.value}; only approved centres may connect sources")
    if new.kind not in PULL_KINDS:
        raise BadRequest(f"type: expected one of {', '.join(sorted(PULL_KINDS))}")
    base_url = parse_source_url(new.base_url)
    _check_claimed(centre, base_url)
    check_reachable(base_url, allow_private=settings.connector_allow_private)
    seconds = parse_schedule(new.schedule)
    issued = issue_centre_credential(session, centre.id, by=by.actor, name=f"connector: {new.kind} {base_url}"[:200])
    now = utcnow()
    connector = Connector(
        centre_id=centre.id,
        kind=new.kind,
        base_url=base_url,
        options={"identifier_scheme": _scheme(new.identifier_scheme)},
        secret=seal(settings, {"token": _token(new.token)}),
        client_id=issued.client.id,
        schedule_seconds=seconds,
        next_run_at=now if seconds else None,
        created_at=now,
        updated_at=now,
    )
    session.add(connector)
    session.flush()
    logger.info("connector %s (%s) created for centre %s", connector.id, connector.kind, centre.id)
    return connector


def change_connector(session: Session, settings: Settings, connector_id: int, change: ConnectorChange, *, by: Caller) -> Connector:
    """Replace the token, schedule or identifier scheme, or disable/enable a connector.

    Raises:
        NotFound, Forbidden: as ``get_connector``.
        BadRequest: a bad token, schedule or scheme.
    """
    connector = get_connector(session, connector_id, by=by)
    now = utcnow()
    if change.token is not None:
        connector.secret = seal(settings, {"token": _token(change.token)})
    if change.identifier_scheme is not None:
        connector.options = {**connector.options, "identifier_scheme": _scheme(change.identifier_scheme)}
    if change.clear_schedule:
        connector.schedule_seconds, connector.next_run_at = None, None
    elif change.schedule is not None:
        connector.schedule_seconds = parse_schedule(change.schedule)
        connector.next_run_at = due_at(now, connector.schedule_seconds)
    if change.is_enabled is not None:
        connector.is_enabled = change.is_enabled
    connector.updated_at = now
    return connector


def get_connector(session: Session, connector_id: int, *, by: Caller) -> Connector:
    """A connector its caller may manage.

    Raises:
        NotFound: no such connector.
        Forbidden: the caller manages another centre.
    """
    connector = session.get(Connector, connector_id)
    if connector is None:
        raise NotFound(f"no connector {connector_id}")
    authorise_centre_manage(by, connector.centre_id)
    return connector


def centre_connectors(session: Session, centre_id: int, *, by: Caller) -> list[Connector]:
    authorise_centre_manage(by, centre_id)
    get_centre(session, centre_id)
    return list(session.scalars(select(Connector).where(Connector.centre_id == centre_id).order_by(Connector.id)))


def list_connectors(session: Session) -> list[tuple[Connector, Centre, ConnectorRun | None]]:
    """Every pulling connector with its centre and latest run (for the administrators' pages)."""
    latest = select(func.max(ConnectorRun.id)).group_by(ConnectorRun.connector_id).scalar_subquery()
    runs = {run.connector_id: run for run in session.scalars(select(ConnectorRun).where(ConnectorRun.id.in_(latest)))}
    rows = session.execute(
        select(Connector, Centre).join(Centre, Centre.id == Connector.centre_id)
        .where(Connector.kind.in_(sorted(PULL_KINDS))).order_by(Centre.name, Connector.id)
    ).tuples()
    return [(connector, centre, runs.get(connector.id)) for connector, centre in rows]


def importer_of(session: Session, settings: Settings, centre: Centre, *, by: Caller) -> Connector:
    """The centre's Huawei Talent connector (created on first use): the credential its imports are written as."""
    connector = session.scalar(
        select(Connector).where(Connector.centre_id == centre.id, Connector.kind == HUAWEI_TALENT).order_by(Connector.id)
    )
    if connector is not None:
        return connector
    issued = issue_centre_credential(session, centre.id, by=by.actor, name="connector: Huawei Talent imports")
    now = utcnow()
    connector = Connector(
        centre_id=centre.id, kind=HUAWEI_TALENT, base_url="", options={}, secret=seal(settings, {}),
        client_id=issued.client.id, created_at=now, updated_at=now,
    )
    session.add(connector)
    session.flush()
    return connector


def _check_claimed(centre: Centre, base_url: str) -> None:
    if not centre.owns_home_page(base_url):
        raise BadRequest(
            f"base_url: centre {centre.slug} does not claim {base_url} as a home page; "
            "its Moodle accounts would be refused"
        )
    if not centre.owns_activity(base_url + "/"):
        raise BadRequest(f"base_url: {base_url} is not under an activity prefix of centre {centre.slug}")


def _scheme(value: str) -> str:
    if value not in SCHEMES:
        raise BadRequest(f"identifier_scheme: expected one of {', '.join(SCHEMES)}")
    return value


def _token(value: str) -> str:
    token = (value or "").strip()
    if not token or len(token) > MAX_TOKEN or any(ch.isspace() or not ch.isprintable() for ch in token):
        raise BadRequest(f"token: a web-services token is 1 to {MAX_TOKEN} printable characters without spaces")
    return token
