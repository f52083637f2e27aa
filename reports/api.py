"""The REST blueprints of the reports packages, for ``lrs.rest_blueprints``."""

from __future__ import annotations

from flask_smorest import Blueprint


def blueprints() -> list[Blueprint]:
    """Learners, catalogue, transcripts and the two review queues (imported late: they import the models)."""
    from reports.catalogue import views as catalogue
    from reports.learners import views as learners
    from reports.transcripts import views as transcripts

    return [learners.blp, learners.review_blp, catalogue.blp, catalogue.review_blp, transcripts.blp]
