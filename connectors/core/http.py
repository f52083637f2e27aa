"""The connectors' REST views ask who is calling through here: the request's principal, as a ``Caller``."""

from __future__ import annotations

from connectors.core.service import Caller
from lrs.auth.http import current_principal


def caller() -> Caller:
    """The authenticated caller of this request."""
    return Caller.of_principal(current_principal())
