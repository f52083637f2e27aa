"""Elimu's service: the app factory that wires the store, its HTTP API and its jobs together."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

from lrs import api, db, errors, health, queue
from lrs.logs import configure_logging
from lrs.settings import Settings


class DatabaseInt(IntegerConverter):
    """``<int:...>`` path parts no larger than a database id can be; a larger one matches no route (404)."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(url_map, *args, **kwargs)


def create_app(settings: Settings | None = None) -> Flask:
    """Build an Elimu app; tests, the CLI and workers each pass or read their own settings."""
    settings = settings or Settings.from_env()
    configure_logging(settings)
    app = Flask(__name__)
    app.url_map.converters["int"] = DatabaseInt
    app.extensions["elimu.settings"] = settings
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=settings.max_body_bytes)
    for extension in (db, queue, errors, health):
        extension.init_app(app)

    from lrs.xapi import http as xapi_http

    xapi_http.init_app(app)
    rest = api.init_app(app)
    for blueprint in rest_blueprints():
        rest.register_blueprint(blueprint)
    for blueprint in web_blueprints():
        app.register_blueprint(blueprint)
    return app


def rest_blueprints() -> list:
    """Every /api/v1 blueprint, one line per package (imported late: they import the models)."""
    from connectors import views as connectors
    from lrs.centres import views as centres
    from reports import api as reports
    from reports.compliance import views as compliance
    from reports.credentials import views as credentials
    from reports.programmes import views as programmes

    return [centres.blp, centres.audit_blp, *reports.blueprints(), credentials.blp, programmes.blp, programmes.institutions_blp, compliance.blp, *connectors.blueprints()]


def web_blueprints() -> list:
    """Every server-rendered page blueprint, one line per package; ``lrs.web`` (layout, sign-in) comes first."""
    from connectors import pages as connector_pages
    from lrs.centres import pages as centre_pages
    from lrs.web import views as web
    from reports import pages as report_pages
    from reports.compliance import pages as programme_pages
    from reports.compliance import report_pages as compliance_report_pages
    from reports.credentials import pages as credential_pages

    return [web.bp, centre_pages.bp, credential_pages.bp, report_pages.bp, programme_pages.bp, compliance_report_pages.bp, connector_pages.bp]
