"""Finding one centre, by id or by slug."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.centres.models import Centre
from lrs.errors import NotFound

MAX_ID = 2**31 - 1  # ids are 32-bit integers; a larger one names nothing (and PostgreSQL would refuse it)


def get_centre(session: Session, centre_id: int) -> Centre:
    """The centre with this id.

    Raises:
        NotFound: there is none.
    """
    centre = session.get(Centre, centre_id) if 0 < centre_id <= MAX_ID else None
    if centre is None:
        raise NotFound(f"no centre {centre_id}")
    return centre


def find_centre(session: Session, slug: str) -> Centre | None:
    return session.scalars(select(Centre).where(Centre.slug == slug)).one_or_none()
