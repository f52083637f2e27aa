"""The registrar feed's bookkeeping: the latest change number of each learner's transcript.

``FeedClock`` is a one-row counter; taking numbers from it locks the row until the transaction ends,
so change numbers become visible in the order they were handed out (see ``feed``).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, UTCDateTime


class TranscriptChange(Base):
    """A learner whose transcript changed: the number and time of its latest change."""

    __tablename__ = "transcript_changes"

    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True)
    change_seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    changed_at: Mapped[UTCDateTime] = mapped_column(index=True)


class FeedClock(Base):
    """The last change number handed out."""

    __tablename__ = "transcript_feed_clock"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)
