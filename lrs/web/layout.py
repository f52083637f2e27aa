"""What every page shares: navigation links and dashboard panels that packages register, HTML error pages,
cookie and security settings, and the CSRF check.

A package adds its pages on its own blueprint and, when that blueprint is registered, calls
``add_nav_link`` and ``add_dashboard_panel`` (from a ``record_once`` hook) to appear in the layout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask import Blueprint, Flask, current_app, g, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from lrs.errors import ElimuError
from lrs.settings import Settings
from lrs.web.auth import current_person
from lrs.web.csrf import check_csrf, csrf_token

NAV_KEY = "elimu.web.nav"
PANELS_KEY = "elimu.web.panels"


@dataclass(frozen=True)
class NavLink:
    label: str
    endpoint: str
    for_admins: bool  # shown only to signed-in administrators; otherwise to everyone
    order: int = 100
    description: str | None = None  # public links with one are also offered on the home page


@dataclass(frozen=True)
class DashboardPanel:
    """A section of /dashboard: ``render`` returns its HTML (usually ``render_template`` of a partial)."""

    title: str
    render: Callable[[], str]
    order: int = 100


def add_nav_link(app: Flask, link: NavLink) -> None:
    links: list[NavLink] = app.extensions.setdefault(NAV_KEY, [])
    if link not in links:
        links.append(link)
        links.sort(key=lambda item: item.order)


def add_dashboard_panel(app: Flask, panel: DashboardPanel) -> None:
    panels: list[DashboardPanel] = app.extensions.setdefault(PANELS_KEY, [])
    panels.append(panel)
    panels.sort(key=lambda item: item.order)


def nav_links() -> list[NavLink]:
    signed_in = current_person() is not None
    return [link for link in current_app.extensions.get(NAV_KEY, []) if signed_in or not link.for_admins]


def dashboard_panels() -> list[tuple[DashboardPanel, Markup]]:
    return [(panel, Markup(panel.render())) for panel in current_app.extensions.get(PANELS_KEY, [])]  # noqa: S704 - our templates


def render_error(error: ElimuError | HTTPException) -> tuple[str, int, dict[str, str]]:
    """An error on a page, as a page."""
    if isinstance(error, ElimuError):
        status, message, headers = error.status, error.message, dict(error.headers)
    else:
        status, message, headers = error.code or 500, error.description or error.name, {}
    headers.pop("WWW-Authenticate", None)
    return render_template("web/error.html", status=status, message=message), status, headers


def html_errors(bp: Blueprint) -> None:
    """Answer the blueprint's errors as HTML pages instead of the API's JSON envelope."""
    bp.register_error_handler(ElimuError, render_error)
    bp.register_error_handler(HTTPException, render_error)


def _security_headers(response: Response) -> Response:
    if response.mimetype == "text/html":
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"
        )
        if g.get("elimu_person") is not None:
            response.headers["Cache-Control"] = "no-store"
    return response


def set_up(app: Flask) -> None:
    """Cookie settings, the CSRF check on every page POST, and the layout's template globals."""
    settings: Settings = app.extensions["elimu.settings"]
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.base_url.startswith("https://"),
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
    )
    app.before_request(check_csrf)
    app.after_request(_security_headers)
    app.jinja_env.globals.update(
        csrf_token=csrf_token, current_person=current_person, nav_links=nav_links, request=request
    )
