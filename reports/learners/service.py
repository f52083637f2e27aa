"""Creating and finding learners, and linking xAPI identities to them (which re-normalises their history)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.db import utcnow
from lrs.errors import BadRequest, Conflict, NotFound
from lrs.xapi.validation import agent_ifi, validate_agent
from reports.learners.identifiers import normalise_identifier
from reports.learners.models import Identity, Learner, LearnerIdentifier
from reports.normalise.locks import hold_normaliser_lock
from reports.normalise.service import relink_identity
from reports.transcripts.feed import mark_changed


@dataclass(frozen=True)
class NewLearner:
    name: str
    institution: str
    cohort: str | None
    identifiers: list[tuple[str, str]]  # (scheme, value), values not yet normalised


def create_learner(session: Session, new: NewLearner) -> Learner:
    """Register a learner under identifiers no other learner holds.

    Raises:
        BadRequest: no identifier, or a malformed one.
        Conflict: an identifier that already belongs to a learner.
    """
    identifiers = canonical_identifiers(new.identifiers)
    taken = owners_of(session, identifiers)
    if taken:
        scheme, value = next(iter(taken))
        raise Conflict(f"identifier {scheme}:{value} already belongs to learner {taken[(scheme, value)]}")
    learner = Learner(name=new.name.strip(), institution=new.institution.strip(), cohort=_blank_to_none(new.cohort))
    learner.identifiers = [LearnerIdentifier(scheme=scheme, value=value) for scheme, value in identifiers]
    session.add(learner)
    session.flush()
    mark_changed(session, [learner.id])
    return learner


def canonical_identifiers(pairs: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Normalised (scheme, value) pairs, at least one, at most one per scheme.

    Raises:
        BadRequest: none given, a malformed one, or two values for one scheme.
    """
    if not pairs:
        raise BadRequest("identifiers: at least one identifier is required")
    canonical = [(scheme, normalise_identifier(scheme, value)) for scheme, value in pairs]
    schemes = [scheme for scheme, _ in canonical]
    repeated = sorted({scheme for scheme in schemes if schemes.count(scheme) > 1})
    if repeated:
        raise BadRequest(f"identifiers: more than one value for {', '.join(repeated)}")
    return canonical


def owners_of(session: Session, identifiers: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Which learner already holds each of these identifiers."""
    owners: dict[tuple[str, str], int] = {}
    for scheme, value in identifiers:
        learner_id = session.scalar(
            select(LearnerIdentifier.learner_id).where(LearnerIdentifier.scheme == scheme, LearnerIdentifier.value == value)
        )
        if learner_id is not None:
            owners[(scheme, value)] = learner_id
    return owners


def get_learner(session: Session, learner_id: int) -> Learner:
    """Raises: NotFound."""
    learner = session.get(Learner, learner_id)
    if learner is None:
        raise NotFound(f"no learner {learner_id}")
    return learner


def find_by_identifier(session: Session, scheme: str, value: str) -> list[Learner]:
    query = select(Learner).join(LearnerIdentifier).where(LearnerIdentifier.scheme == scheme, LearnerIdentifier.value == value)
    return list(session.scalars(query))


def list_learners(session: Session, *, after_id: int, limit: int) -> list[Learner]:
    query = select(Learner).where(Learner.id > after_id).order_by(Learner.id).limit(limit)
    return list(session.scalars(query))


def link_identity(session: Session, learner: Learner, agent: dict[str, Any], *, source: str) -> tuple[Identity, bool]:
    """Link an xAPI Agent to the learner and re-normalise everything that actor did; ``True`` if newly linked.

    Linking an actor already linked to this learner changes nothing.

    Raises:
        BadRequest: not a valid xAPI Agent with an identifier.
        Conflict: the actor is linked to another learner.
    """
    ifi = ifi_of_agent(agent)
    hold_normaliser_lock(session)
    identity = session.scalar(select(Identity).where(Identity.ifi == ifi))
    if identity is not None:
        if identity.learner_id != learner.id:
            raise Conflict(f"this identity is already linked to learner {identity.learner_id}")
        return identity, False
    identity = Identity(ifi=ifi, learner_id=learner.id, source=source)
    session.add(identity)
    session.flush()
    relink_identity(session, ifi, learner.id)
    return identity, True


def ifi_of_agent(agent: Any) -> str:
    """The canonical IFI of an xAPI Agent.

    Raises:
        BadRequest: not a valid Agent.
    """
    if not isinstance(agent, dict):
        raise BadRequest("agent: must be an xAPI Agent object")
    validate_agent(agent, path="agent", version="1.0.3", allow_group=False)
    ifi = agent_ifi(agent)
    if ifi is None:
        raise BadRequest("agent: needs an identifier (mbox, mbox_sha1sum, openid or account)")
    return ifi


def update_learner(session: Session, learner: Learner, *, name: str, institution: str, cohort: str | None) -> bool:
    """Change what we know of the learner; ``True`` when anything changed (the transcript did too)."""
    values = {"name": name.strip(), "institution": institution.strip(), "cohort": _blank_to_none(cohort)}
    if all(getattr(learner, key) == value for key, value in values.items()):
        return False
    for key, value in values.items():
        setattr(learner, key, value)
    learner.updated_at = utcnow()
    session.flush()
    mark_changed(session, [learner.id])
    return True


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
