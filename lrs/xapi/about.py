"""GET /xapi/about: the versions this LRS speaks."""

from __future__ import annotations

from flask import Response

from lrs.xapi.http import bp, json_response
from lrs.xapi.versions import SUPPORTED


@bp.route("/about", methods=["GET"])
def about() -> Response:
    return json_response({"version": list(SUPPORTED), "extensions": {}})
