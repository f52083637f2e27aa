"""Every model of every package, imported once so that metadata (and Alembic) sees all tables."""

from __future__ import annotations

from connectors import models as connector_models
from lrs import outbox as outbox_models
from lrs.auth import models as auth_models
from lrs.centres import models as centre_models
from lrs.db import Base
from lrs.people import models as people_models
from lrs.xapi import models as xapi_models
from reports import models as report_models
from reports.credentials import models as credential_models
from reports.programmes import models as programme_models

metadata = Base.metadata

__all__ = ["auth_models", "centre_models", "connector_models", "credential_models", "metadata", "outbox_models", "people_models", "programme_models", "report_models", "xapi_models"]
