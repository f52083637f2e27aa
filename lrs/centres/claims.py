"""What a centre claims: activity-IRI prefixes and LMS home pages, parsed, normalised and checked for overlap.

A prefix is compared as a string prefix of activity IRIs, so it must be specific: an http(s) IRI with a host,
no user info, query or fragment; a bare host gets a trailing ``/`` so that ``https://lms.ke`` cannot also claim
``https://lms.ke.example.org/``. Two prefixes conflict when one starts with the other. Home pages are compared
whole (an account's ``homePage`` is its LMS's address, e.g. Moodle's ``wwwroot``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from lrs.centres.models import Centre, CentreStatus, normalise_iri

MAX_IRI = 2048
# Rejected centres give their claims up; every other centre keeps them, records and all.
CLAIMING = (CentreStatus.PENDING, CentreStatus.APPROVED, CentreStatus.SUSPENDED, CentreStatus.REVOKED)
_FORBIDDEN = re.compile(r"[\s<>\"{}|\\^`\x00-\x1f\x7f]")


class ClaimError(ValueError):
    """A prefix or home page that is not a usable http(s) IRI."""


def _parse(value: str, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ClaimError(f"{what} must be a non-empty string")
    if len(value) > MAX_IRI:
        raise ClaimError(f"{what} is longer than {MAX_IRI} characters")
    if _FORBIDDEN.search(value):
        raise ClaimError(f"{what} {value!r} contains spaces or characters not allowed in an IRI")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ClaimError(f"{what} {value!r} is not a valid IRI") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ClaimError(f"{what} {value!r} must be an absolute http:// or https:// IRI")
    if not parts.hostname or "@" in parts.netloc:
        raise ClaimError(f"{what} {value!r} must name a host (and no user or password)")
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        raise ClaimError(f"{what} {value!r} must not have a query or fragment")
    return normalise_iri(value)


def parse_activity_prefix(value: str) -> str:
    """The normalised form of an activity-IRI prefix.

    Raises:
        ClaimError: not an http(s) IRI with a host, or with a query or fragment.
    """
    prefix = _parse(value, "activity prefix")
    rest = prefix.partition("://")[2]
    return prefix if "/" in rest else prefix + "/"


def parse_home_page(value: str) -> str:
    """The normalised form of an LMS home page (no trailing slash).

    Raises:
        ClaimError: not an http(s) IRI with a host, or with a query or fragment.
    """
    return _parse(value, "home page").rstrip("/")


@dataclass(frozen=True)
class ClaimConflict:
    field: str
    value: str
    claimed: str
    centre: Centre

    def describe(self) -> str:
        what = "activity prefix" if self.field == "activity_prefixes" else "home page"
        relation = "is already claimed" if self.value == self.claimed else f"overlaps {self.claimed}, claimed"
        return (
            f"{what} {self.value} {relation} by centre {self.centre.name!r} "
            f"(id {self.centre.id}, {self.centre.status.value})"
        )


def overlaps(a: str, b: str) -> bool:
    """Whether two prefixes would both match some IRI."""
    return a.startswith(b) or b.startswith(a)


def find_conflicts(
    session: Session, prefixes: Iterable[str], home_pages: Iterable[str], *, exclude: int | None = None
) -> list[ClaimConflict]:
    """Every claim of another centre that these prefixes and home pages collide with."""
    prefixes, home_pages = list(prefixes), list(home_pages)
    conflicts: list[ClaimConflict] = []
    for centre in session.scalars(select(Centre).where(Centre.status.in_(CLAIMING)).order_by(Centre.id)):
        if centre.id == exclude:
            continue
        conflicts.extend(
            ClaimConflict("activity_prefixes", prefix, theirs, centre)
            for prefix in prefixes
            for theirs in centre.activity_prefixes
            if overlaps(prefix, theirs)
        )
        conflicts.extend(
            ClaimConflict("home_pages", page, page, centre) for page in home_pages if page in centre.home_pages
        )
    return conflicts


def serialise_claims(session: Session) -> None:
    """Hold the claims lock until the transaction ends, so two overlapping applications cannot both pass."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(7243501)"))
    else:
        # SQLite: a write takes the database's one write lock now, before the claims are read.
        session.execute(text("UPDATE centres SET id = id WHERE id < 0"))
