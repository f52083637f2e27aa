"""Who is signed in to the web pages: the session cookie's person, sign-in and sign-out, ``login_required``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import g, redirect, request, session, url_for

from lrs.db import request_session
from lrs.errors import Forbidden
from lrs.people.models import Person
from lrs.people.service import session_stamp
from lrs.web.csrf import rotate_csrf_token

F = TypeVar("F", bound=Callable[..., Any])


def current_person() -> Person | None:
    """The signed-in person, or None; a session whose password changed or whose person was disabled ends."""
    if "elimu_person" not in g:
        person = None
        person_id = session.get("person_id")
        if isinstance(person_id, int):
            person = request_session().get(Person, person_id)
            if person is None or not person.is_active or session.get("stamp") != session_stamp(person):
                person = None
                session.pop("person_id", None)
        g.elimu_person = person
    return g.elimu_person


def sign_in(person: Person) -> None:
    """Start a fresh session for ``person`` (nothing from before signing in survives it)."""
    session.clear()
    session["person_id"] = person.id
    session["stamp"] = session_stamp(person)
    session.permanent = True
    rotate_csrf_token()
    g.elimu_person = person


def sign_out() -> None:
    session.clear()
    rotate_csrf_token()
    g.elimu_person = None


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site (never another host: no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def login_required(view: F) -> F:
    """Send anyone not signed in to /login, and back here afterwards."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_person() is None:
            return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def admin_required(view: F) -> F:
    """Like ``login_required``, for pages only administrators see."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        person = current_person()
        if person is None:
            return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
        if person.role != "admin":
            raise Forbidden("this page is for the ministry's administrators")
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
