"""Programmes: creating, replacing and removing them, checked against the catalogue and the institutions."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lrs.db import utcnow
from lrs.errors import BadRequest, NotFound
from reports.catalogue.models import Course
from reports.programmes.institutions import find_institution
from reports.programmes.models import Institution, Programme, ProgrammeCohort, ProgrammeCourse, ProgrammeInstitution

logger = logging.getLogger(__name__)

REQUIREMENTS = {
    "all_of": "every required course",
    "any_of": "any one of the required courses",
    "min_credits": "a minimum number of credits from the programme's courses",
}


@dataclass(frozen=True)
class InstitutionTarget:
    institution: int | str  # id or exact name
    deadline: date | None = None  # this institution's own deadline (a later or earlier phase)


@dataclass(frozen=True)
class ProgrammeSpec:
    name: str
    requirement: str
    courses: list[str]
    starts_on: date
    description: str | None = None
    country: str | None = None
    min_credits: float | None = None
    institutions: list[InstitutionTarget] = field(default_factory=list)
    cohorts: list[str] = field(default_factory=list)
    target_count: int | None = None
    deadline: date | None = None
    ends_on: date | None = None
    is_mandatory: bool = False


def create_programme(session: Session, spec: ProgrammeSpec) -> Programme:
    """Set up a programme.

    Raises:
        BadRequest: an unknown requirement, course or institution, or dates out of order.
    """
    programme = Programme(slug=_unique_slug(session, spec.name))
    _apply(session, programme, spec)
    session.add(programme)
    session.flush()
    logger.info("programme %s created (%d courses)", programme.id, len(programme.courses))
    return programme


def update_programme(session: Session, programme_id: int, spec: ProgrammeSpec) -> Programme:
    """Replace everything a programme says (its slug stays).

    Raises:
        NotFound: no such programme.
        BadRequest: as for ``create_programme``.
    """
    programme = get_programme(session, programme_id)
    _apply(session, programme, spec)
    programme.updated_at = utcnow()
    session.flush()
    return programme


def delete_programme(session: Session, programme_id: int) -> None:
    """Raises: NotFound."""
    session.delete(get_programme(session, programme_id))
    session.flush()


def get_programme(session: Session, programme_id: int) -> Programme:
    """Raises: NotFound."""
    programme = session.get(Programme, programme_id)
    if programme is None:
        raise NotFound(f"no programme {programme_id}")
    return programme


def find_programme(session: Session, slug: str) -> Programme | None:
    return session.scalar(select(Programme).where(Programme.slug == slug))


def list_programmes(session: Session) -> list[Programme]:
    """Mandatory programmes first, then by deadline and name."""
    programmes = session.scalars(select(Programme))
    return sorted(programmes, key=lambda p: (not p.is_mandatory, p.deadline or date.max, p.name.lower()))


def courses_of(session: Session, programme: Programme) -> list[Course]:
    return list(session.scalars(select(Course).where(Course.id.in_(programme.course_ids)).order_by(Course.code)))


def _apply(session: Session, programme: Programme, spec: ProgrammeSpec) -> None:
    if spec.requirement not in REQUIREMENTS:
        raise BadRequest(f"requirement: expected one of {', '.join(REQUIREMENTS)}")
    if (spec.requirement == "min_credits") != (spec.min_credits is not None):
        raise BadRequest("min_credits: required exactly when the requirement is min_credits")
    _check_dates(spec)
    programme.name = spec.name.strip()
    programme.description = (spec.description or "").strip() or None
    programme.country = spec.country.strip().upper() if spec.country else None
    programme.requirement = spec.requirement
    programme.min_credits = spec.min_credits
    programme.target_count = spec.target_count
    programme.starts_on, programme.deadline, programme.ends_on = spec.starts_on, spec.deadline, spec.ends_on
    programme.is_mandatory = spec.is_mandatory
    # Links whose key stays are kept (not deleted and re-inserted: the unit of work inserts first).
    courses = {link.course_id: link for link in programme.courses}
    programme.courses = [courses.get(key) or ProgrammeCourse(course_id=key) for key in _course_ids(session, spec.courses)]
    institutions = {link.institution_id: link for link in programme.institutions}
    programme.institutions = [
        _link_institution(institutions.get(institution.id), institution, deadline)
        for institution, deadline in _institutions(session, spec)
    ]
    cohorts = {link.cohort: link for link in programme.cohorts}
    wanted = sorted({cohort.strip() for cohort in spec.cohorts if cohort.strip()})
    programme.cohorts = [cohorts.get(cohort) or ProgrammeCohort(cohort=cohort) for cohort in wanted]


def _link_institution(existing: ProgrammeInstitution | None, institution: Institution, deadline: date | None) -> ProgrammeInstitution:
    link = existing or ProgrammeInstitution(institution_id=institution.id, institution=institution)
    link.deadline = deadline
    return link


def _check_dates(spec: ProgrammeSpec) -> None:
    if spec.deadline is not None and spec.deadline < spec.starts_on:
        raise BadRequest("deadline: must not be before starts_on")
    if spec.ends_on is not None and spec.ends_on < spec.starts_on:
        raise BadRequest("ends_on: must not be before starts_on")
    for target in spec.institutions:
        if target.deadline is not None and target.deadline < spec.starts_on:
            raise BadRequest(f"institutions: the deadline of {target.institution} is before starts_on")


def _course_ids(session: Session, codes: list[str]) -> list[int]:
    wanted = list(dict.fromkeys(code.strip().upper() for code in codes))
    if not wanted:
        raise BadRequest("courses: at least one course is required")
    found = {key: value for key, value in session.execute(select(Course.code, Course.id).where(Course.code.in_(wanted)))}
    missing = [code for code in wanted if code not in found]
    if missing:
        raise BadRequest(f"courses: no course {', '.join(missing)} in the catalogue")
    return sorted(found[code] for code in wanted)


def _institutions(session: Session, spec: ProgrammeSpec) -> list[tuple[Institution, date | None]]:
    found: dict[int, tuple[Institution, date | None]] = {}
    for target in spec.institutions:
        institution = find_institution(session, target.institution)
        if institution is None:
            raise BadRequest(f"institutions: no institution {target.institution!r}; register it first")
        found[institution.id] = (institution, target.deadline)
    return [found[key] for key in sorted(found)]


def _unique_slug(session: Session, name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "programme"
    taken = set(session.scalars(select(Programme.slug).where(or_(Programme.slug == base, Programme.slug.like(f"{base}-%")))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
