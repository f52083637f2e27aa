"""Putting one checked certificate on record: its learner, identity links, the record and its statements.

Shared by roster rows and verified claims. The learner is found by national identifier (created when
the registry has no one with those identifiers); the academy's account (or e-mail) for them is linked
through the learners service, so their statements normalise to that learner. Nothing here commits;
callers run each certificate in a savepoint so a refused one leaves nothing behind.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from connectors.core.service import Caller, authorise_centre_manage
from connectors.huawei_talent.models import HuaweiCertificate
from connectors.huawei_talent.rows import CertificateRow, RowRejected
from connectors.huawei_talent.statements import (
    VOIDED,
    actor_for,
    certificate_statements,
    content_hash,
    voiding_statements,
)
from lrs.centres.lookup import get_centre
from lrs.centres.models import Centre
from lrs.db import utcnow
from lrs.errors import ElimuError
from reports.learners.models import Learner, LearnerIdentifier
from reports.learners.service import NewLearner, create_learner, get_learner, link_identity, owners_of

logger = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class Placed:
    """What putting one certificate on record did: its outcome and the statements to store."""

    outcome: str
    certificate: HuaweiCertificate | None
    statements: list[dict[str, Any]] = field(default_factory=list)


def place_certificate(session: Session, centre: Centre, row: CertificateRow, *, source: str) -> Placed:
    """Create or update the certificate's record, learner and identity links; return the statements it needs.

    Raises:
        RowRejected: the row contradicts what is on record (another learner, another centre, an identifier mismatch).
    """
    actor = actor_for(centre, row)
    if actor is None:
        raise RowRejected("email", "the academy has no home page for Huawei accounts: give the learner's email")
    digest = content_hash(row, actor)
    record = session.scalar(select(HuaweiCertificate).where(HuaweiCertificate.certificate_number == row.certificate_number))
    if record is not None and record.centre_id != centre.id:
        raise RowRejected("certificate_number", "is on record from another centre")
    if record is not None and record.content_hash == digest:
        return Placed(UNCHANGED, record)  # the very row put on record before: same identifiers, same learner
    learner = _learner(session, row, record)
    _link(session, learner, actor, row)
    revision = record.revision + 1 if record is not None else 1
    statements = certificate_statements(centre, row, actor, digest=digest, revision=revision)
    if record is not None:
        statements.extend(voiding_statements(centre, record.statement_ids, actor))
    else:
        record = HuaweiCertificate(certificate_number=row.certificate_number, centre_id=centre.id, created_at=utcnow())
        session.add(record)
    fill_record(record, row, learner_id=learner.id, digest=digest, revision=revision, source=source)
    record.statement_ids = [statement["id"] for statement in statements if statement["verb"]["id"] != VOIDED]
    session.flush()
    return Placed(CREATED if revision == 1 else UPDATED, record, statements)


def _learner(session: Session, row: CertificateRow, record: HuaweiCertificate | None) -> Learner:
    owners = owners_of(session, list(row.identifiers))
    learner_ids = sorted(set(owners.values()))
    if len(learner_ids) > 1:
        scheme, _ = next(pair for pair, owner in owners.items() if owner == learner_ids[1])
        raise RowRejected(_column_of(scheme), "belongs to another learner than the row's other identifier")
    if record is not None and learner_ids and learner_ids[0] != record.learner_id:
        raise RowRejected("certificate_number", "is on record for another learner")
    if record is not None and not learner_ids:
        learner_ids = [record.learner_id]
    if not learner_ids:
        try:
            return create_learner(session, NewLearner(row.full_name, "", None, list(row.identifiers)))
        except ElimuError as error:
            raise RowRejected("upn", error.message) from None
    learner = get_learner(session, learner_ids[0])
    held = {identifier.scheme: identifier.value for identifier in learner.identifiers}
    for scheme, value in row.identifiers:
        if scheme not in held:
            learner.identifiers.append(LearnerIdentifier(scheme=scheme, value=value))
        elif held[scheme] != value:
            raise RowRejected(_column_of(scheme), "does not match the learner's identifier of this kind on record")
    return learner


def _column_of(scheme: str) -> str:
    return "national_id" if scheme.endswith("national-id") else "upn"


def _link(session: Session, learner: Learner, actor: dict[str, Any], row: CertificateRow) -> None:
    agents = [actor]
    if row.email and "mbox" not in actor:
        agents.append({"objectType": "Agent", "mbox": f"mailto:{row.email}"})
    for agent in agents:
        try:
            link_identity(session, learner, agent, source="roster")
        except ElimuError as error:
            raise RowRejected("huawei_account" if "account" in agent else "email", error.message) from None


def fill_record(record: HuaweiCertificate, row: CertificateRow, *, learner_id: int, digest: str, revision: int, source: str) -> None:
    record.learner_id = learner_id
    record.course_code = row.course_code
    record.course_title = row.course_title
    record.certificate_name = row.certificate_name
    record.certificate_level = row.certificate_level
    record.track = row.track
    record.exam_date = row.exam_date
    record.issue_date = row.issue_date
    record.expiry_date = row.expiry_date
    record.training_hours = row.training_hours
    record.score = row.score
    record.pass_mark = row.pass_mark
    record.content_hash = digest
    record.revision = revision
    record.source = source
    record.updated_at = utcnow()


def certificate_status(record: HuaweiCertificate, today: date) -> str:
    """``current`` through its expiry date, ``expired`` from the day after."""
    return "expired" if record.expiry_date < today else "current"



def certificates_of_centre(
    session: Session, centre_id: int, *, learner_id: int | None, by: Caller, today: date | None = None
) -> list[dict[str, Any]]:
    """The academy's certificates on record, each with its ``status`` as of today (current or expired).

    Raises:
        NotFound: no such centre.
        Forbidden: a centre's credential asking about another centre.
    """
    if by.role != "registrar":
        authorise_centre_manage(by, centre_id)
    get_centre(session, centre_id)
    today = today or utcnow().date()
    query = select(HuaweiCertificate).where(HuaweiCertificate.centre_id == centre_id)
    if learner_id is not None:
        query = query.where(HuaweiCertificate.learner_id == learner_id)
    records = session.scalars(query.order_by(HuaweiCertificate.issue_date, HuaweiCertificate.id))
    return [
        {**{column.key: getattr(record, column.key) for column in HuaweiCertificate.__table__.columns},
         "status": certificate_status(record, today)}
        for record in records
    ]
