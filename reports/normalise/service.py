"""Folding statements into learning records: incrementally from the outbox, and as a full rebuild.

Every function here expects the caller to hold the normaliser lock (``locks.hold_normaliser_lock``)
and to commit. Facts are the per-statement readings; records are recomputed from all facts of each
affected learner x course, so the result never depends on the order statements were processed in
(when new statements only add facts after all the others, by extending the record: ``policy.extend``).
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import ColumnElement, CursorResult, Table, and_, delete, func, select, update
from sqlalchemy.orm import Session

from lrs.bulk import bulk_insert, bulk_update
from lrs.db import utcnow
from lrs.errors import ElimuError
from lrs.sets import is_member, is_pair_member
from lrs.xapi.models import Statement
from reports.catalogue.models import Course
from reports.catalogue.resolver import MappingResolver
from reports.learners.models import Identity
from reports.normalise.models import RECORD_FIELDS, LearningRecord, StatementFact
from reports.normalise.policy import CourseTerms, FactView, Folded, FoldState, extend, fold
from reports.normalise.reading import read_statement
from reports.normalise.vocabulary import VOIDED, Effect
from reports.transcripts.feed import mark_changed

logger = logging.getLogger(__name__)

Pair = tuple[int, int]  # (learner_id, course_id)
Additions = dict[Pair, tuple[list[FactView], set[str]]]  # new facts, and the fingerprints among them already on record
FACTS_TABLE = cast(Table, StatementFact.__table__)
RECORDS_TABLE = cast(Table, LearningRecord.__table__)
REFOLD_CHUNK = 500


@dataclass
class Summary:
    """What one normaliser run did (counts only: safe to log)."""

    statements: int = 0
    facts: int = 0
    voided: int = 0
    records_changed: int = 0
    learners_changed: set[int] = field(default_factory=set)

    def as_json(self) -> dict[str, int]:
        return {
            "statements": self.statements,
            "facts": self.facts,
            "voided": self.voided,
            "records_changed": self.records_changed,
            "learners_changed": len(self.learners_changed),
        }


def normalise_statements(session: Session, seqs: Sequence[int]) -> Summary:
    """Read these stored statements into facts, apply voidings, and refold what they touch."""
    summary = Summary(statements=len(seqs))
    rows = session.connection().execute(
        select(Statement.seq, Statement.id, Statement.centre_id, Statement.is_voided, Statement.body)
        .where(is_member(session, Statement.seq, seqs, "bigint"))
    ).all()
    resolver = MappingResolver(session)
    facts = _facts_of(session, rows, resolver)
    # A statement normalised before (a retried batch) may have been resolved to another pair then.
    superseded = session.connection().execute(
        delete(StatementFact).where(is_member(session, StatementFact.statement_seq, seqs, "bigint"))
        .returning(StatementFact.learner_id, StatementFact.course_id)
    ).all()
    reread = {(learner, course) for learner, course in superseded if learner and course}
    arrived: dict[Pair, list[FactView]] = defaultdict(list)
    for fact in facts:
        if fact["learner_id"] and fact["course_id"]:
            arrived[(fact["learner_id"], fact["course_id"])].append(_arrived_view(fact))
    seen, out_of_order = _copies_on_record(session, arrived)
    reread |= out_of_order
    bulk_insert(session, FACTS_TABLE, facts)
    summary.facts = len(facts)
    targets = [uuid.UUID(row.body["object"]["id"]) for row in rows if row.body["verb"]["id"] == VOIDED]
    if targets:
        voided = session.connection().execute(
            update(StatementFact).where(is_member(session, StatementFact.statement_id, targets, "uuid"))
            .values(is_voided=True).returning(StatementFact.learner_id, StatementFact.course_id)
        ).all()
        summary.voided = len(voided)
        reread.update((learner, course) for learner, course in voided if learner and course)
    additions = {pair: (views, seen.get(pair, set())) for pair, views in arrived.items() if pair not in reread}
    _refold_into(session, set(additions) | reread, summary, additions)
    return summary


def _copies_on_record(session: Session, arrived: dict[Pair, list[FactView]]) -> tuple[dict[Pair, set[str]], set[Pair]]:
    """The fingerprints of arrived facts that their pair already has (replays, which never count twice),
    and the pairs where such a copy on record came *later* than the arrival (the arrival becomes the
    copy that counts, so only a refold from the table can tell).
    """
    fingerprints = sorted({fact.fingerprint for views in arrived.values() for fact in views})
    on_record: dict[tuple[Pair, str], int] = {}
    if fingerprints:
        rows = session.connection().execute(
            select(StatementFact.learner_id, StatementFact.course_id, StatementFact.fingerprint, func.max(StatementFact.statement_seq))
            .where(is_member(session, StatementFact.fingerprint, fingerprints, "text"))
            .group_by(StatementFact.learner_id, StatementFact.course_id, StatementFact.fingerprint)
        )
        on_record = {((learner, course), fingerprint): seq for learner, course, fingerprint, seq in rows}
    seen: dict[Pair, set[str]] = defaultdict(set)
    out_of_order: set[Pair] = set()
    for pair, views in arrived.items():
        for fact in views:
            latest_copy = on_record.get((pair, fact.fingerprint))
            if latest_copy is not None:
                seen[pair].add(fact.fingerprint)
                if latest_copy > fact.statement_seq:
                    out_of_order.add(pair)
    return seen, out_of_order


def _facts_of(session: Session, rows: Sequence[Any], resolver: MappingResolver) -> list[dict[str, Any]]:
    readings = []
    for row in rows:
        if row.body["verb"]["id"] == VOIDED:
            continue
        try:
            reading = read_statement(row.body)
        except (KeyError, TypeError, ValueError, ElimuError):  # validated on the way in; never let one block the outbox
            logger.exception("statement %s could not be read; it yields no fact", row.seq)
            continue
        if reading is not None:
            readings.append((row, reading))
    learners = _learners_by_ifi(session, {reading.actor_ifi for _, reading in readings})
    facts = []
    for row, reading in readings:
        centre_id = resolver.centre_for(row.centre_id, reading.activity_iri)
        resolution = resolver.resolve(centre_id, reading.activity_iri, reading.context_iris)
        facts.append({
            "statement_seq": row.seq,
            "statement_id": row.id,
            "fingerprint": reading.fingerprint,
            "actor_ifi": reading.actor_ifi,
            "learner_id": learners.get(reading.actor_ifi),
            "centre_id": centre_id,
            "activity_iri": reading.activity_iri,
            "context_iris": list(reading.context_iris),
            "course_id": resolution.course_id,
            "is_outcome": resolution.is_outcome,
            "effect": reading.effect.value,
            "success": reading.success,
            "score_percent": reading.score_percent,
            "occurred_at": reading.occurred_at,
            "duration_seconds": reading.duration_seconds,
            "certificate_number": reading.certificate_number,
            "expires_at": reading.expires_at,
            "is_proctored": reading.is_proctored,
            "is_voided": row.is_voided,
        })
    return facts


def _learners_by_ifi(session: Session, ifis: set[str]) -> dict[str, int]:
    if not ifis:
        return {}
    rows = session.connection().execute(select(Identity.ifi, Identity.learner_id).where(is_member(session, Identity.ifi, sorted(ifis), "text")))
    return {ifi: learner_id for ifi, learner_id in rows}


def relink_identity(session: Session, ifi: str, learner_id: int | None) -> Summary:
    """Point every fact of actor ``ifi`` at ``learner_id`` and refold both the old and new records."""
    summary = Summary()
    before = session.execute(
        select(StatementFact.learner_id, StatementFact.course_id).where(StatementFact.actor_ifi == ifi).distinct()
    ).all()
    moved = session.execute(update(StatementFact).where(StatementFact.actor_ifi == ifi).values(learner_id=learner_id))
    summary.facts = cast(CursorResult[Any], moved).rowcount
    pairs = {(learner, course) for learner, course in before if learner is not None and course is not None}
    if learner_id is not None:
        pairs.update((learner_id, course) for _, course in before if course is not None)
    _refold_into(session, pairs, summary)
    return summary


def reresolve_centre(session: Session, centre_id: int) -> Summary:
    """Resolve the centre's facts against the mappings again (after a mapping was added) and refold."""
    summary = Summary()
    resolver = MappingResolver(session)
    rows = session.execute(
        select(StatementFact.statement_seq, StatementFact.learner_id, StatementFact.course_id,
               StatementFact.is_outcome, StatementFact.activity_iri, StatementFact.context_iris)
        .where(StatementFact.centre_id == centre_id)
    ).all()
    pairs: set[Pair] = set()
    changes: dict[tuple[int | None, bool], list[int]] = defaultdict(list)
    for row in rows:
        resolution = resolver.resolve(centre_id, row.activity_iri, row.context_iris)
        if (resolution.course_id, resolution.is_outcome) == (row.course_id, row.is_outcome):
            continue
        changes[(resolution.course_id, resolution.is_outcome)].append(row.statement_seq)
        if row.learner_id is not None:
            pairs.update((row.learner_id, course) for course in (row.course_id, resolution.course_id) if course)
    for (course_id, is_outcome), seqs in changes.items():
        for start in range(0, len(seqs), 5000):
            session.execute(
                update(StatementFact).where(StatementFact.statement_seq.in_(seqs[start:start + 5000]))
                .values(course_id=course_id, is_outcome=is_outcome)
            )
    summary.facts = sum(len(seqs) for seqs in changes.values())
    _refold_into(session, pairs, summary)
    return summary


def rebuild(session: Session, *, chunk: int = 5000) -> Summary:
    """Recompute every fact and record from the statements; unchanged records stay untouched."""
    summary = Summary()
    session.execute(delete(StatementFact))
    resolver = MappingResolver(session)
    last = 0
    while True:
        rows = session.connection().execute(
            select(Statement.seq, Statement.id, Statement.centre_id, Statement.is_voided, Statement.body)
            .where(Statement.seq > last).order_by(Statement.seq).limit(chunk)
        ).all()
        if not rows:
            break
        facts = _facts_of(session, rows, resolver)
        bulk_insert(session, FACTS_TABLE, facts)
        summary.statements += len(rows)
        summary.facts += len(facts)
        last = rows[-1].seq
    summary.voided = session.scalar(select(func.count()).where(StatementFact.is_voided.is_(True))) or 0
    learners = {learner for learner in session.scalars(select(StatementFact.learner_id).distinct()) if learner is not None}
    learners.update(session.scalars(select(LearningRecord.learner_id).distinct()))
    ordered = sorted(learners)
    for start in range(0, len(ordered), REFOLD_CHUNK):
        _refold_learners(session, ordered[start:start + REFOLD_CHUNK], None, summary, {})
    mark_changed(session, summary.learners_changed)
    return summary


def _refold_into(session: Session, pairs: Iterable[Pair], summary: Summary, additions: Additions | None = None) -> None:
    """Refold these pairs; a pair in ``additions`` only gained those facts (with the fingerprints it
    already had among them) since its record was folded."""
    wanted = set(pairs)
    by_learner: dict[int, set[int]] = defaultdict(set)
    for learner, course in wanted:
        by_learner[learner].add(course)
    ordered = sorted(by_learner)
    for start in range(0, len(ordered), REFOLD_CHUNK):
        _refold_learners(session, ordered[start:start + REFOLD_CHUNK], wanted, summary, additions or {})
    mark_changed(session, summary.learners_changed)


def _refold_learners(session: Session, learner_ids: list[int], only: set[Pair] | None, summary: Summary,
                     additions: Additions) -> None:
    """Recompute the records of these learners (only the ``only`` pairs, when given).

    A pair in ``additions`` whose record can simply be extended by its new facts (``policy.extend``)
    is; every other pair is folded again from all its facts in ``statement_facts``.
    """
    if only is None:
        record_filter = is_member(session, LearningRecord.learner_id, learner_ids, "int")
    else:
        chunk = set(learner_ids)
        pairs_here = sorted(pair for pair in only if pair[0] in chunk)
        record_filter = is_pair_member(session, LearningRecord.learner_id, LearningRecord.course_id, pairs_here)
    existing = {
        (row.learner_id, row.course_id): _Stored(row[0], dict(zip(RECORD_FIELDS, row[1:-1], strict=True)), row[-1])
        for row in session.connection().execute(select(LearningRecord.id, *_RECORD_COLUMNS, LearningRecord.fold_state).where(record_filter))
    }
    terms = _course_terms(session, {course for _, course in existing} | {course for _, course in (only or ())})
    folded: dict[Pair, Folded | None] = {}
    for pair in pairs_here if only is not None else ():
        record, addition = existing.get(pair), additions.get(pair)
        if addition is not None and record is not None and record.fold_state is not None and pair[1] in terms:
            views, seen = addition
            extended = extend(record.content, FoldState.from_json(record.fold_state), views, terms[pair[1]], seen)
            if extended is not None:
                folded[pair] = extended
    if only is None:
        fact_filter = and_(is_member(session, StatementFact.learner_id, learner_ids, "int"), StatementFact.course_id.is_not(None))
        facts = _facts_from_table(session, fact_filter)
    else:
        unread = [pair for pair in pairs_here if pair not in folded]
        facts = _facts_from_table(session, is_pair_member(session, StatementFact.learner_id, StatementFact.course_id, unread)) if unread else {}
    terms.update(_course_terms(session, {course for _, course in facts if course not in terms}))
    for pair, pair_facts in facts.items():
        folded[pair] = fold(pair_facts, terms[pair[1]]) if pair[1] in terms else None
    writes = _Writes()
    for pair in sorted(set(folded) | set(existing)):
        if writes.plan(existing.get(pair), pair, folded.get(pair)):
            summary.records_changed += 1
            summary.learners_changed.add(pair[0])
    writes.apply(session)


@dataclass
class _Writes:
    """The record writes one refold chunk needs, applied a table statement at a time."""

    now: datetime = field(default_factory=utcnow)
    inserts: list[dict[str, Any]] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    state_updates: list[dict[str, Any]] = field(default_factory=list)
    deletes: list[int] = field(default_factory=list)

    def plan(self, record: _Stored | None, pair: Pair, folded: Folded | None) -> bool:
        """Plan the write that brings ``record`` to what was folded; whether the record changed."""
        if folded is None:
            if record is None:
                return False
            self.deletes.append(record.id)
            return True
        content = {"learner_id": pair[0], "course_id": pair[1], **folded[0]}
        state = folded[1].as_json()
        if record is None:
            self.inserts.append({**content, "updated_at": self.now, "fold_state": state})
            return True
        if record.content != content:
            self.updates.append({**content, "id": record.id, "updated_at": self.now, "fold_state": state})
            return True
        if record.fold_state != state:
            self.state_updates.append({"id": record.id, "fold_state": state})
        return False

    def apply(self, session: Session) -> None:
        if self.deletes:
            session.connection().execute(delete(LearningRecord).where(is_member(session, LearningRecord.id, self.deletes, "int")))
        bulk_update(session, RECORDS_TABLE, self.updates)
        bulk_update(session, RECORDS_TABLE, self.state_updates)
        bulk_insert(session, RECORDS_TABLE, self.inserts)


_RECORD_COLUMNS = tuple(getattr(LearningRecord, name) for name in RECORD_FIELDS)


class _Stored(NamedTuple):
    """A learning record as read for a refold."""

    id: int
    content: dict[str, Any]  # RECORD_FIELDS
    fold_state: list[Any] | None


# In FactView field order, after the pair.
_FACT_COLUMNS = (
    StatementFact.learner_id, StatementFact.course_id, StatementFact.statement_seq, StatementFact.statement_id,
    StatementFact.fingerprint, StatementFact.centre_id, StatementFact.is_outcome, StatementFact.effect,
    StatementFact.score_percent, StatementFact.occurred_at, StatementFact.duration_seconds,
    StatementFact.certificate_number, StatementFact.expires_at, StatementFact.is_proctored, StatementFact.is_voided,
)
_EFFECTS = {effect.value: effect for effect in Effect}


def _facts_from_table(session: Session, where: ColumnElement[bool]) -> dict[Pair, list[FactView]]:
    facts: dict[Pair, list[FactView]] = defaultdict(list)
    for row in session.connection().execute(select(*_FACT_COLUMNS).where(where)):
        learner, course, seq, statement_id, fingerprint, centre, is_outcome, effect, *rest = row
        facts[(learner, course)].append(
            FactView(seq, str(statement_id), fingerprint, centre, is_outcome, _EFFECTS[effect], *rest)
        )
    return facts


def _arrived_view(fact: dict[str, Any]) -> FactView:
    """The view of a fact about to be inserted (a row of ``_facts_of``)."""
    return FactView._make(
        str(fact[name]) if name == "statement_id" else _EFFECTS[fact[name]] if name == "effect" else fact[name]
        for name in FactView._fields
    )


def _course_terms(session: Session, course_ids: set[int]) -> dict[int, CourseTerms]:
    if not course_ids:
        return {}
    rows = session.connection().execute(select(Course.id, Course.hours, Course.credits, Course.validity_days).where(Course.id.in_(course_ids)))
    return {row.id: CourseTerms(row.hours, row.credits, row.validity_days) for row in rows}

