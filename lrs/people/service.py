"""Creating administrators and checking their passwords (werkzeug's scrypt)."""

from __future__ import annotations

import hashlib
import logging
import re

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from lrs.db import utcnow
from lrs.errors import BadRequest
from lrs.people.models import Person

logger = logging.getLogger(__name__)

MIN_PASSWORD = 8
MAX_PASSWORD = 1024
ROLES = ("admin",)
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
# Checked when the e-mail is unknown, so a wrong address takes as long as a wrong password.
_DUMMY_HASH = generate_password_hash("elimu-timing-equaliser", method="scrypt")


def normalise_email(email: str) -> str:
    """The address in the form it is stored and looked up in.

    Raises:
        BadRequest: it is not an e-mail address.
    """
    email = email.strip().lower()
    if len(email) > 320 or not _EMAIL.match(email):
        raise BadRequest(f"{email!r} is not an e-mail address")
    return email


PAGE_ROLES = ("admin", "registrar")


def hash_password(password: str) -> str:
    """A scrypt hash of an acceptable password.

    Raises:
        BadRequest: shorter than ``MIN_PASSWORD`` or absurdly long.
    """
    if len(password) < MIN_PASSWORD:
        raise BadRequest(f"the password must have at least {MIN_PASSWORD} characters")
    if len(password) > MAX_PASSWORD:
        raise BadRequest(f"the password must have at most {MAX_PASSWORD} characters")
    return generate_password_hash(password, method="scrypt")


def save_person(session: Session, email: str, password: str, *, role: str | None = None) -> tuple[Person, bool]:
    """Create a person who signs in, or set a new password (and role, if given) when the address exists.

    ``role`` is ``admin`` (the ministry: every page) or ``registrar`` (programme, report and verification
    pages, none of the decisions); a new person without one is an administrator. Says whether it was created.

    Raises:
        BadRequest: an unknown role, or an unacceptable password.
    """
    if role is not None and role not in PAGE_ROLES:
        raise BadRequest(f"unknown role {role!r}; expected one of {', '.join(PAGE_ROLES)}")
    email = normalise_email(email)
    password_hash = hash_password(password)
    person = session.scalars(select(Person).where(Person.email == email)).one_or_none()
    created = person is None
    if person is None:
        person = Person(email=email, password_hash=password_hash, role=role or "admin")
        session.add(person)
    else:
        person.password_hash = password_hash
        person.is_active = True
        person.role = role or person.role
    session.flush()
    logger.info("person %s (%s) %s", person.id, person.role, "created" if created else "updated")
    return person, created


def check_sign_in(session: Session, email: str, password: str) -> Person | None:
    """The active person with this e-mail and password, or None (in about the same time either way)."""
    try:
        email = normalise_email(email)
    except BadRequest:
        email = ""
    person = session.scalars(select(Person).where(Person.email == email)).one_or_none() if email else None
    password = password[:MAX_PASSWORD]  # a longer one cannot be right, and must not cost a long hash
    if person is None or not person.is_active:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(person.password_hash, password):
        return None
    person.last_login_at = utcnow()
    return person


def session_stamp(person: Person) -> str:
    """A short digest of the password hash: a signed-in session ends when the password changes."""
    return hashlib.sha256(person.password_hash.encode()).hexdigest()[:16]
