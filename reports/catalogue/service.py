"""Maintaining the catalogue: courses with their recognition, and mappings from activity IRIs."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.centres.models import Centre
from lrs.errors import BadRequest, Conflict, InvalidStatement, NotFound
from lrs.xapi.validation import validate_iri
from reports.catalogue.models import Course, CourseMapping
from reports.normalise.locks import hold_normaliser_lock
from reports.normalise.service import reresolve_centre

# Open Badges 3.0 achievementType values (issue 6 aligns credentials to them).
ACHIEVEMENT_TYPES = {
    name.lower(): name
    for name in (
        "Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment", "AssociateDegree", "Award", "Badge",
        "BachelorDegree", "Certificate", "CertificateOfCompletion", "Certification", "CommunityService", "Competency",
        "Course", "CoCurricular", "Degree", "Diploma", "DoctoralDegree", "Fieldwork", "GeneralEducationDevelopment",
        "JourneymanCertificate", "LearningProgram", "License", "Membership", "ProfessionalDoctorate",
        "QualityAssuranceCredential", "MasterCertificate", "MasterDegree", "MicroCredential", "ResearchDoctorate",
        "SecondarySchoolDiploma",
    )
}
# Framework: highest level. KNQF: Kenya National Qualifications Framework; RQF: Rwanda's.
FRAMEWORK_LEVELS = {"KNQF": 10, "RQF": 8}
HOURS_PER_CREDIT = 10  # KNQF: one credit is ten notional learning hours
CREDIT_TOLERANCE = 0.05


@dataclass(frozen=True)
class NewCourse:
    code: str
    title: str
    centre: str
    achievement_type: str
    track: str
    framework: str
    level: int
    hours: float
    credits: float | None = None
    assessment_method: str | None = None
    validity_days: int | None = None


def find_centre(session: Session, reference: str | int) -> Centre:
    """A centre by id or slug.

    Raises:
        NotFound: no such centre.
    """
    text = str(reference).strip()
    centre = session.get(Centre, int(text)) if text.isdigit() else session.scalar(select(Centre).where(Centre.slug == text))
    if centre is None:
        raise NotFound(f"no centre {text!r}")
    return centre


def create_course(session: Session, new: NewCourse) -> Course:
    """Add a course to the catalogue; credits are derived from hours when not given.

    Raises:
        BadRequest: an unknown achievement type or framework, a level outside it, or credits that
            disagree with the hours (KNQF: 1 credit = 10 notional hours).
        NotFound: no such provider centre.
        Conflict: the code is taken.
    """
    code = new.code.strip().upper()
    if session.scalar(select(Course.id).where(Course.code == code)) is not None:
        raise Conflict(f"course {code} already exists")
    centre = find_centre(session, new.centre)
    achievement_type = ACHIEVEMENT_TYPES.get(new.achievement_type.strip().lower())
    if achievement_type is None:
        raise BadRequest(f"achievement_type: not an Open Badges 3.0 achievement type: {new.achievement_type!r}")
    framework = new.framework.strip().upper()
    if framework not in FRAMEWORK_LEVELS:
        raise BadRequest(f"framework: expected one of {', '.join(FRAMEWORK_LEVELS)}")
    if not 1 <= new.level <= FRAMEWORK_LEVELS[framework]:
        raise BadRequest(f"level: {framework} levels run from 1 to {FRAMEWORK_LEVELS[framework]}")
    credits = _credits(framework, new.hours, new.credits)
    course = Course(
        code=code,
        title=new.title.strip(),
        centre_id=centre.id,
        achievement_type=achievement_type,
        track=new.track.strip(),
        framework=framework,
        level=new.level,
        hours=float(new.hours),
        credits=credits,
        assessment_method=(new.assessment_method or "").strip() or None,
        validity_days=new.validity_days,
    )
    session.add(course)
    session.flush()
    return course


def _credits(framework: str, hours: float, credits: float | None) -> float:
    derived = round(hours / HOURS_PER_CREDIT, 2)
    if credits is None:
        return derived
    if framework == "KNQF" and abs(credits - hours / HOURS_PER_CREDIT) > CREDIT_TOLERANCE:
        raise BadRequest(f"credits: {hours:g} notional hours are {derived:g} KNQF credits (1 credit = 10 hours), not {credits:g}")
    return float(credits)


def get_course(session: Session, code: str) -> Course:
    """Raises: NotFound."""
    course = session.scalar(select(Course).where(Course.code == code.strip().upper()))
    if course is None:
        raise NotFound(f"no course {code}")
    return course


def list_courses(session: Session) -> list[Course]:
    return list(session.scalars(select(Course).order_by(Course.code)))


def add_mapping(session: Session, course: Course, centre_ref: str | int, iri: str, *, is_prefix: bool) -> tuple[CourseMapping, bool]:
    """Count a centre's activity IRI (or every IRI under a prefix) towards the course; re-normalises.

    Returns the mapping and whether it is new (adding the same mapping again changes nothing).

    Raises:
        BadRequest: not an absolute IRI.
        NotFound: no such centre.
        Conflict: the IRI (or prefix) already counts towards another course.
    """
    field = "activity_prefix" if is_prefix else "activity_iri"
    try:
        validate_iri(iri, path=field)
    except InvalidStatement as error:
        raise BadRequest(error.message) from None
    centre = find_centre(session, centre_ref)
    hold_normaliser_lock(session)
    existing = session.scalar(
        select(CourseMapping).where(
            CourseMapping.centre_id == centre.id, CourseMapping.iri == iri, CourseMapping.is_prefix.is_(is_prefix)
        )
    )
    if existing is not None:
        if existing.course_id != course.id:
            raise Conflict(f"{field} {iri} of centre {centre.slug} already counts towards another course")
        return existing, False
    mapping = CourseMapping(course_id=course.id, centre_id=centre.id, iri=iri, is_prefix=is_prefix)
    session.add(mapping)
    session.flush()
    reresolve_centre(session, centre.id)
    return mapping, True
