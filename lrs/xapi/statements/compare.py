"""When two statements with one id are "the same" (xAPI's statement comparison rules)."""

from __future__ import annotations

from typing import Any

# Properties the LRS sets or may rewrite; a re-sent statement is the same whatever they hold.
LRS_SET = ("stored", "authority", "version", "id")


def same_statement(stored: dict[str, Any], received: dict[str, Any]) -> bool:
    """Whether ``received`` re-sends ``stored`` rather than contradicting it."""
    ignored = set(LRS_SET)
    if "timestamp" not in received:
        ignored.add("timestamp")  # the LRS filled it in from stored
    return _strip(stored, ignored) == _strip(received, ignored)


def _strip(statement: dict[str, Any], ignored: set[str]) -> dict[str, Any]:
    return {key: value for key, value in statement.items() if key not in ignored}
