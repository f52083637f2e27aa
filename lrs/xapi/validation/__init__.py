"""Pure validation of xAPI data (1.0.3 and 2.0 / IEEE 9274.1.1), by hand and for speed.

Everything raises :class:`lrs.errors.InvalidStatement` (400) with a message that starts with
the offending property path, e.g. ``actor.mbox: must be a mailto: IRI holding an email address``.
``version`` is always the negotiated request version: ``"1.0.3"`` for every 1.0.x, ``"2.0.0"``.
Nothing here touches Flask, the database or the request; nothing mutates its input.
"""

from lrs.xapi.validation.agents import agent_ifi, validate_actor, validate_agent
from lrs.xapi.validation.primitives import (
    XAPI_VERSIONS,
    parse_timestamp,
    validate_extensions,
    validate_iri,
    validate_irl,
    validate_language_map,
    validate_language_tag,
    validate_uuid,
)
from lrs.xapi.validation.statements import VOIDED_VERB, validate_statement, validate_statements

__all__ = [
    "VOIDED_VERB",
    "XAPI_VERSIONS",
    "agent_ifi",
    "parse_timestamp",
    "validate_actor",
    "validate_agent",
    "validate_extensions",
    "validate_iri",
    "validate_irl",
    "validate_language_map",
    "validate_language_tag",
    "validate_statement",
    "validate_statements",
    "validate_uuid",
]
