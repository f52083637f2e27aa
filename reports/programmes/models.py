"""Programmes and institutions: what a government set out to train, whom, by when, and the denominators.

A programme's population is every learner whose institution is one of its institutions (when it names
any) and whose cohort is one of its cohorts (when it names any): both empty means every learner.
Institutions are matched to learners by name (``learners.institution``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lrs.db import Base, UTCDateTime, utcnow
from reports.catalogue.models import Course


class Institution(Base):
    """A ministry, department or agency; ``head_count`` is the HR figure, when one was given."""

    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str | None] = mapped_column(String(2))
    head_count: Mapped[int | None]
    created_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)
    updated_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)


class Programme(Base):
    """A named training effort: population, required courses, a target and deadline, mandatory or not."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(2000))
    country: Mapped[str | None] = mapped_column(String(2))
    requirement: Mapped[str] = mapped_column(String(20))  # all_of | any_of | min_credits
    min_credits: Mapped[float | None] = mapped_column(Float)
    target_count: Mapped[int | None]  # None: the whole population
    starts_on: Mapped[date]
    deadline: Mapped[date | None]
    ends_on: Mapped[date | None]
    is_mandatory: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)
    updated_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)

    courses: Mapped[list[ProgrammeCourse]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="ProgrammeCourse.course_id", lazy="selectin"
    )
    institutions: Mapped[list[ProgrammeInstitution]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="ProgrammeInstitution.institution_id", lazy="selectin"
    )
    cohorts: Mapped[list[ProgrammeCohort]] = relationship(
        back_populates="programme", cascade="all, delete-orphan", order_by="ProgrammeCohort.cohort", lazy="selectin"
    )

    @property
    def course_ids(self) -> list[int]:
        return [link.course_id for link in self.courses]

    @property
    def cohort_names(self) -> list[str]:
        return [link.cohort for link in self.cohorts]


class ProgrammeCourse(Base):
    """A course the programme requires (or counts the credits of)."""

    __tablename__ = "programme_courses"

    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), primary_key=True, index=True)

    programme: Mapped[Programme] = relationship(back_populates="courses")
    course: Mapped[Course] = relationship(lazy="joined")


class ProgrammeInstitution(Base):
    """An institution in the programme's population, with its own deadline when its phase differs."""

    __tablename__ = "programme_institutions"

    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id", ondelete="CASCADE"), primary_key=True, index=True)
    deadline: Mapped[date | None]

    programme: Mapped[Programme] = relationship(back_populates="institutions")
    institution: Mapped[Institution] = relationship(lazy="joined")


class ProgrammeCohort(Base):
    """A cohort (``learners.cohort``) in the programme's population."""

    __tablename__ = "programme_cohorts"
    __table_args__ = (UniqueConstraint("programme_id", "cohort", name="uq_programme_cohorts_programme_cohort"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    cohort: Mapped[str] = mapped_column(String(100))

    programme: Mapped[Programme] = relationship(back_populates="cohorts")
