"""Form handling for the pages: marshmallow does the validating, here its errors become per-field messages."""

from __future__ import annotations

from typing import Any

import marshmallow as ma


def form_errors(error: ma.ValidationError) -> dict[str, list[str]]:
    """Field name → readable messages (a list field's per-item messages are flattened)."""
    messages = error.messages if isinstance(error.messages, dict) else {"_form": error.messages}
    return {name: list(_flatten(problems)) for name, problems in messages.items()}


def _flatten(problems: Any) -> list[str]:
    if isinstance(problems, str):
        return [problems]
    if isinstance(problems, dict):
        return [message for value in problems.values() for message in _flatten(value)]
    if isinstance(problems, list):
        return [message for value in problems for message in _flatten(value)]
    return [str(problems)]


def lines(text: str | None) -> list[str]:
    """The non-blank lines of a textarea."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
