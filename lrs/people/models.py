"""The people table: who may sign in to the web pages, with a scrypt password hash."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from lrs.db import Base, UTCDateTime, utcnow


class Person(Base):
    """Someone who signs in with an e-mail address and a password (never stored in clear)."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="admin")
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[UTCDateTime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
