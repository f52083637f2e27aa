"""Learners, their national identifiers and the xAPI identities (actor IFIs) linked to them."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lrs.db import Base, UTCDateTime, utcnow

IFI = String(2048)


class Learner(Base):
    """A civil servant: who they are and where they work; identifiers and identities hang off it."""

    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    institution: Mapped[str] = mapped_column(String(200))
    cohort: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)
    updated_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)

    identifiers: Mapped[list[LearnerIdentifier]] = relationship(
        back_populates="learner", cascade="all, delete-orphan", order_by="LearnerIdentifier.scheme", lazy="selectin"
    )


class LearnerIdentifier(Base):
    """One national identifier of a learner, e.g. ``ke-upn:2019123456``; unique per scheme."""

    __tablename__ = "learner_identifiers"
    __table_args__ = (UniqueConstraint("scheme", "value", name="uq_learner_identifiers_scheme_value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    scheme: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(100))

    learner: Mapped[Learner] = relationship(back_populates="identifiers")


class Identity(Base):
    """An xAPI actor (by its canonical IFI) known to be this learner, and how we came to know it."""

    __tablename__ = "learner_identities"

    id: Mapped[int] = mapped_column(primary_key=True)
    ifi: Mapped[str] = mapped_column(IFI, unique=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(40))  # admin, roster, connector
    linked_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)
