"""The REST shapes of connectors and their runs (marshmallow, at the HTTP edge only)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from connectors.core.models import Connector, RunStatus
from connectors.core.schedule import describe_schedule
from connectors.core.service import PULL_KINDS
from reports.learners.identifiers import SCHEMES


class NewConnectorSchema(ma.Schema):
    kind = ma.fields.String(
        data_key="type", required=True, validate=validate.OneOf(sorted(PULL_KINDS)), metadata={"example": "moodle"}
    )
    base_url = ma.fields.String(required=True, validate=validate.Length(max=2048), metadata={"example": "https://elearning.ksg.ac.ke"})
    token = ma.fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=256),
                             metadata={"description": "the Moodle web-services token; stored encrypted, never returned"})
    identifier_scheme = ma.fields.String(load_default="ke-upn", validate=validate.OneOf(list(SCHEMES)),
                                         metadata={"description": "the learner identifier Moodle's idnumber holds"})
    schedule = ma.fields.String(load_default=None, allow_none=True,
                                metadata={"description": "hourly, daily, weekly or an ISO 8601 duration (PT30M); none: on demand only"})


class ConnectorChangeSchema(ma.Schema):
    token = ma.fields.String(load_only=True, validate=validate.Length(min=1, max=256))
    schedule = ma.fields.String(allow_none=True, metadata={"description": "null stops the schedule"})
    identifier_scheme = ma.fields.String(validate=validate.OneOf(list(SCHEMES)))
    enabled = ma.fields.Boolean()


class ConnectorSchema(ma.Schema):
    id = ma.fields.Integer()
    centre_id = ma.fields.Integer()
    type = ma.fields.String(attribute="kind")
    base_url = ma.fields.String()
    identifier_scheme = ma.fields.Method("_scheme")
    schedule = ma.fields.Method("_schedule")
    next_run_at = ma.fields.DateTime(allow_none=True)
    enabled = ma.fields.Boolean(attribute="is_enabled")
    checkpoint = ma.fields.Dict()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()

    def _scheme(self, connector: Connector) -> Any:
        return (connector.options or {}).get("identifier_scheme")

    def _schedule(self, connector: Connector) -> str | None:
        return describe_schedule(connector.schedule_seconds)


class ConnectorListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ConnectorSchema))


class RunSchema(ma.Schema):
    id = ma.fields.Integer()
    connector_id = ma.fields.Integer()
    status = ma.fields.Enum(RunStatus, by_value=True)
    trigger = ma.fields.String()
    requested_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)
    read = ma.fields.Integer()
    stored = ma.fields.Integer()
    skipped = ma.fields.Integer()
    failed = ma.fields.Integer()
    error = ma.fields.String(allow_none=True)


class RunListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RunSchema))


class RunQuerySchema(ma.Schema):
    limit = ma.fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
