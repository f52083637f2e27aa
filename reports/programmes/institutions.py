"""Institutions: creating and changing them, and their head counts (the HR figure, or else the learners we know)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lrs.db import utcnow
from lrs.errors import Conflict, NotFound
from reports.learners.models import Learner
from reports.programmes.models import Institution, ProgrammeInstitution

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class InstitutionSpec:
    name: str
    country: str | None = None
    head_count: int | None = None  # from the HR roster; None: count the learners registered under the name


@dataclass(frozen=True)
class InstitutionCount:
    """An institution (registered or only named by learners) and its two head counts."""

    id: int | None
    name: str
    country: str | None
    hr_head_count: int | None
    learners: int

    @property
    def head_count(self) -> int:
        return self.hr_head_count if self.hr_head_count is not None else self.learners

    @property
    def head_count_source(self) -> str:
        return "hr" if self.hr_head_count is not None else "learners"


def create_institution(session: Session, spec: InstitutionSpec) -> Institution:
    """Register an institution.

    Raises:
        Conflict: the name is taken.
    """
    _check_name_free(session, spec.name, None)
    institution = Institution(name=spec.name.strip(), country=_country(spec.country), head_count=spec.head_count)
    session.add(institution)
    session.flush()
    logger.info("institution %s created", institution.id)
    return institution


def update_institution(session: Session, institution_id: int, spec: InstitutionSpec) -> Institution:
    """Replace an institution's name, country and head count.

    Raises:
        NotFound: no such institution.
        Conflict: the new name belongs to another institution.
    """
    institution = get_institution(session, institution_id)
    _check_name_free(session, spec.name, institution.id)
    institution.name = spec.name.strip()
    institution.country = _country(spec.country)
    institution.head_count = spec.head_count
    institution.updated_at = utcnow()
    session.flush()
    return institution


def delete_institution(session: Session, institution_id: int) -> None:
    """Remove an institution no programme names.

    Raises:
        NotFound: no such institution.
        Conflict: a programme's population names it (remove it there first).
    """
    institution = get_institution(session, institution_id)
    used = session.scalar(select(func.count()).where(ProgrammeInstitution.institution_id == institution.id)) or 0
    if used:
        raise Conflict(f"institution {institution.id} is in the population of {used} programme(s); remove it there first")
    session.delete(institution)
    session.flush()


def get_institution(session: Session, institution_id: int) -> Institution:
    """Raises: NotFound."""
    institution = session.get(Institution, institution_id)
    if institution is None:
        raise NotFound(f"no institution {institution_id}")
    return institution


def find_institution(session: Session, reference: int | str) -> Institution | None:
    """An institution by id (a number) or exact name."""
    if isinstance(reference, int):
        return session.get(Institution, reference)
    return session.scalar(select(Institution).where(Institution.name == reference.strip()))


def list_institutions(session: Session) -> list[Institution]:
    return list(session.scalars(select(Institution).order_by(Institution.name)))


def institution_counts(session: Session) -> list[InstitutionCount]:
    """Every registered institution and every institution learners name, with HR and learner head counts."""
    learners = {key: value for key, value in session.execute(select(Learner.institution, func.count()).group_by(Learner.institution))}
    counts = [
        InstitutionCount(item.id, item.name, item.country, item.head_count, learners.pop(item.name, 0))
        for item in list_institutions(session)
    ]
    counts += [InstitutionCount(None, name, None, None, count) for name, count in learners.items()]
    return sorted(counts, key=lambda item: item.name.lower())


def _check_name_free(session: Session, name: str, own_id: int | None) -> None:
    holder = session.scalar(select(Institution.id).where(Institution.name == name.strip()))
    if holder is not None and holder != own_id:
        raise Conflict(f"institution {name.strip()!r} already exists (id {holder})")


def _country(country: str | None) -> str | None:
    return country.strip().upper() or None if country else None
