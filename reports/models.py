"""Every model of the reports packages, imported once for ``lrs.models`` (and so Alembic)."""

from __future__ import annotations

from reports.catalogue import models as catalogue_models
from reports.learners import models as learner_models
from reports.normalise import models as normalise_models
from reports.transcripts import models as transcript_models

__all__ = ["catalogue_models", "learner_models", "normalise_models", "transcript_models"]
