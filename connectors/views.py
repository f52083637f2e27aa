"""The connectors REST API under /api/v1: connect a source to a centre, start runs, follow them.

``blueprints()`` lists every connectors blueprint (these and the Huawei Talent ones) for ``lrs.rest_blueprints``.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint

from connectors import schemas
from connectors.core.http import caller
from connectors.core.jobs import enqueue_run, schedule_dispatch
from connectors.core.models import Connector, ConnectorRun
from connectors.core.runs import latest_runs, request_run
from connectors.core.service import (
    ConnectorChange,
    NewConnector,
    centre_connectors,
    change_connector,
    create_connector,
    get_connector,
)
from lrs.api import api_blueprint
from lrs.auth.http import require_role
from lrs.db import request_session
from lrs.settings import Settings

centre_blp = api_blueprint("centre_connectors", __name__, "/centres", "A centre's connected sources (Moodle sites)")
blp = api_blueprint("connectors", __name__, "/connectors", "Connectors and their runs")
MANAGERS = ("admin", "centre")


def blueprints() -> list[Blueprint]:
    from connectors.huawei_talent import views as huawei_talent

    return [centre_blp, blp, *huawei_talent.blueprints()]


def _settings() -> Settings:
    return current_app.extensions["elimu.settings"]


@centre_blp.route("/<int:centre_id>/connectors")
class CentreConnectors(MethodView):
    @require_role(*MANAGERS)
    @centre_blp.arguments(schemas.NewConnectorSchema)
    @centre_blp.response(201, schemas.ConnectorSchema)
    @centre_blp.alt_response(409, description="the centre is not approved")
    def post(self, data: dict[str, Any], centre_id: int) -> Connector:
        """Connect a Moodle site to the centre.

        The site must be one of the centre's home pages (its accounts) and under its activity prefixes.
        Loopback and private addresses are refused. The token is stored encrypted and never returned.
        Moodle `idnumber` values are matched to learners by `identifier_scheme` (default `ke-upn`).
        """
        session = request_session()
        connector = create_connector(session, _settings(), centre_id, NewConnector(**data), by=caller())
        session.commit()
        schedule_dispatch(current_app)
        return connector

    @require_role(*MANAGERS)
    @centre_blp.response(200, schemas.ConnectorListSchema)
    def get(self, centre_id: int) -> dict[str, list[Connector]]:
        """The centre's connectors."""
        return {"items": centre_connectors(request_session(), centre_id, by=caller())}


@blp.route("/<int:connector_id>")
class ConnectorResource(MethodView):
    @require_role(*MANAGERS)
    @blp.response(200, schemas.ConnectorSchema)
    def get(self, connector_id: int) -> Connector:
        """A connector, with its schedule and checkpoint (never its token)."""
        return get_connector(request_session(), connector_id, by=caller())

    @require_role(*MANAGERS)
    @blp.arguments(schemas.ConnectorChangeSchema)
    @blp.response(200, schemas.ConnectorSchema)
    def patch(self, data: dict[str, Any], connector_id: int) -> Connector:
        """Replace the token, change or stop the schedule, change the identifier scheme, or disable the connector."""
        change = ConnectorChange(
            token=data.get("token"), schedule=data.get("schedule"), clear_schedule="schedule" in data and data["schedule"] is None,
            identifier_scheme=data.get("identifier_scheme"), is_enabled=data.get("enabled"),
        )
        session = request_session()
        connector = change_connector(session, _settings(), connector_id, change, by=caller())
        session.commit()
        schedule_dispatch(current_app)
        return connector


@blp.route("/<int:connector_id>/runs")
class ConnectorRuns(MethodView):
    @require_role(*MANAGERS)
    @blp.response(202, schemas.RunSchema)
    @blp.alt_response(409, description="a run is already queued or running")
    @blp.alt_response(503, description="the job queue is unavailable")
    def post(self, connector_id: int) -> ConnectorRun:
        """Start a run now; follow it with GET on this path."""
        session = request_session()
        run = request_run(session, get_connector(session, connector_id, by=caller()), trigger="api")
        session.commit()
        enqueue_run(current_app, run.id)
        return run

    @require_role(*MANAGERS)
    @blp.arguments(schemas.RunQuerySchema, location="query")
    @blp.response(200, schemas.RunListSchema)
    def get(self, query: dict[str, Any], connector_id: int) -> dict[str, list[ConnectorRun]]:
        """The connector's runs, newest first: status, times, counts read/stored/skipped/failed, error text."""
        session = request_session()
        get_connector(session, connector_id, by=caller())
        return {"items": latest_runs(session, connector_id, limit=query["limit"])}
