"""Putting a chunk's plainly new certificates on record at once: the fast path of a large roster import.

A row is plainly new when nothing about it is on record yet and no other row of the chunk shares any of
it: its certificate number, its identifiers, its Huawei account and its e-mail (as xAPI identities).
For those rows this does what ``records.place_certificate`` does row by row (create the learner,
link the identities, add the record, build the statements) with one INSERT per table for the whole
chunk, under the normaliser's lock, and with a single transcript-feed change for the new learners.
No statement of these actors has been seen yet (checked), so linking them has nothing to re-normalise.
Rows exactly as put on record before are recognised at once too (``unchanged``). Every other row, and
any chunk where this fails, goes the row-by-row way.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from connectors.huawei_talent.models import HuaweiCertificate
from connectors.huawei_talent.records import CREATED, Placed, fill_record
from connectors.huawei_talent.rows import CertificateRow
from connectors.huawei_talent.statements import actor_for, certificate_statements, content_hash
from lrs.bulk import bulk_insert
from lrs.centres.models import Centre
from lrs.db import utcnow
from lrs.sets import is_member
from lrs.xapi.validation import agent_ifi
from reports.learners.models import Identity, Learner, LearnerIdentifier
from reports.normalise.locks import hold_normaliser_lock
from reports.normalise.models import StatementFact
from reports.transcripts.feed import mark_changed


@dataclass(frozen=True)
class Candidate:
    row: CertificateRow
    actor: dict[str, Any]
    ifis: tuple[str, ...]


def plainly_new(session: Session, centre: Centre, rows: list[CertificateRow]) -> list[Candidate]:
    """The rows that are plainly new (see the module's docstring)."""
    candidates: list[Candidate | None] = []
    for row in rows:
        actor = actor_for(centre, row)
        if actor is None:
            candidates.append(None)
            continue
        ifis = {agent_ifi(actor)}
        if row.email:
            ifis.add(f"mbox:mailto:{row.email}")
        candidates.append(Candidate(row, actor, tuple(sorted(ifi for ifi in ifis if ifi))))
    keys = [_keys(candidate) for candidate in candidates if candidate is not None]
    shared = {key for key, count in Counter(key for group in keys for key in group).items() if count > 1}
    taken = _on_record(session, candidates)
    return [candidate for candidate in candidates if candidate is not None and not _keys(candidate) & (shared | taken)]


def _keys(candidate: Candidate) -> set[str]:
    row = candidate.row
    return {f"number:{row.certificate_number}", *(f"id:{scheme}:{value}" for scheme, value in row.identifiers), *candidate.ifis}


def _on_record(session: Session, candidates: list[Candidate | None]) -> set[str]:
    present = [candidate for candidate in candidates if candidate is not None]
    numbers = [candidate.row.certificate_number for candidate in present]
    pairs = {pair for candidate in present for pair in candidate.row.identifiers}
    ifis = sorted({ifi for candidate in present for ifi in candidate.ifis})
    taken: set[str] = {f"number:{n}" for n in session.scalars(
        select(HuaweiCertificate.certificate_number).where(is_member(session, HuaweiCertificate.certificate_number, numbers, "text")))}
    for scheme in sorted({scheme for scheme, _ in pairs}):  # one index lookup per scheme
        values = sorted(value for pair_scheme, value in pairs if pair_scheme == scheme)
        taken.update(f"id:{scheme}:{value}" for value in session.scalars(
            select(LearnerIdentifier.value).where(LearnerIdentifier.scheme == scheme, is_member(session, LearnerIdentifier.value, values, "text"))))
    taken.update(session.scalars(select(Identity.ifi).where(is_member(session, Identity.ifi, ifis, "text"))))
    taken.update(session.scalars(select(StatementFact.actor_ifi).where(is_member(session, StatementFact.actor_ifi, ifis, "text")).distinct()))
    return taken


def place_new(session: Session, centre: Centre, candidates: list[Candidate]) -> list[Placed]:
    """Create the learners, identities, records and statements of plainly new rows, a table at a time."""
    if not candidates:
        return []
    hold_normaliser_lock(session)
    now = utcnow()
    learners = [Learner(name=c.row.full_name, institution="", cohort=None, created_at=now, updated_at=now) for c in candidates]
    session.add_all(learners)
    session.flush()  # one INSERT ... RETURNING, ids in the order given
    identifiers: list[dict[str, Any]] = []
    identities: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = []
    placed: list[Placed] = []
    for learner, candidate in zip(learners, candidates, strict=True):
        row = candidate.row
        identifiers.extend({"learner_id": learner.id, "scheme": scheme, "value": value} for scheme, value in row.identifiers)
        identities.extend({"ifi": ifi, "learner_id": learner.id, "source": "roster", "linked_at": now} for ifi in candidate.ifis)
        digest = content_hash(row, candidate.actor)
        statements = certificate_statements(centre, row, candidate.actor, digest=digest, revision=1)
        record = HuaweiCertificate(certificate_number=row.certificate_number, centre_id=centre.id, created_at=now)
        fill_record(record, row, learner_id=learner.id, digest=digest, revision=1, source="roster")
        record.statement_ids = [statement["id"] for statement in statements]
        records.append({column.key: getattr(record, column.key) for column in HuaweiCertificate.__table__.columns if column.key != "id"})
        placed.append(Placed(CREATED, None, statements))
    bulk_insert(session, _table(LearnerIdentifier), identifiers)
    bulk_insert(session, _table(Identity), identities)
    bulk_insert(session, _table(HuaweiCertificate), records)
    mark_changed(session, [learner.id for learner in learners])
    return placed


def unchanged(session: Session, centre: Centre, rows: list[CertificateRow]) -> set[str]:
    """The certificate numbers of rows that are exactly what this centre put on record before (one query)."""
    digests = {}
    for row in rows:
        actor = actor_for(centre, row)
        if actor is not None:
            digests[row.certificate_number] = content_hash(row, actor)
    if not digests:
        return set()
    held = session.execute(
        select(HuaweiCertificate.certificate_number, HuaweiCertificate.content_hash).where(
            is_member(session, HuaweiCertificate.certificate_number, list(digests), "text"), HuaweiCertificate.centre_id == centre.id)
    )
    return {number for number, digest in held if digests.get(number) == digest}


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)
