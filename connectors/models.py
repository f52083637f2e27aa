"""Every model of the connectors packages, imported once for ``lrs.models`` (and so Alembic)."""

from __future__ import annotations

from connectors.core import models as core_models
from connectors.huawei_talent import models as huawei_models

__all__ = ["core_models", "huawei_models"]
