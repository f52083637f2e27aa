"""Catalogue courses (what a government recognises) and the mappings from activity IRIs to them."""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lrs.db import Base, UTCDateTime, utcnow

IRI = String(2048)


class Course(Base):
    """A recognised course or certification: its framework level, notional hours and credits."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    achievement_type: Mapped[str] = mapped_column(String(40))
    track: Mapped[str] = mapped_column(String(80))
    framework: Mapped[str] = mapped_column(String(10))
    level: Mapped[int]
    hours: Mapped[float] = mapped_column(Float)
    credits: Mapped[float] = mapped_column(Float)
    assessment_method: Mapped[str | None] = mapped_column(String(200))
    validity_days: Mapped[int | None]
    created_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)

    mappings: Mapped[list[CourseMapping]] = relationship(
        back_populates="course", cascade="all, delete-orphan", order_by="CourseMapping.id", lazy="selectin"
    )


class CourseMapping(Base):
    """A centre's activity IRI (exact) or IRI prefix that counts towards a course."""

    __tablename__ = "course_mappings"
    __table_args__ = (UniqueConstraint("centre_id", "iri", "is_prefix", name="uq_course_mappings_centre_iri"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    iri: Mapped[str] = mapped_column(IRI)
    is_prefix: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(back_populates="mappings")
