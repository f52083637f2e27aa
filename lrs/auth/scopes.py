"""xAPI scopes and Elimu roles, and what each lets a credential do."""

from __future__ import annotations

XAPI_SCOPES = frozenset(
    {
        "statements/write",
        "statements/read",
        "statements/read/mine",
        "all/read",
        "all",
        "state",
        "profile",
        "define",
    }
)
ROLES = frozenset({"admin", "registrar", "centre"})

# What the xAPI specification says a credential gets when it asks for nothing.
DEFAULT_SCOPES = ("statements/write", "statements/read/mine")

_GRANTS: dict[str, frozenset[str]] = {
    "write_statements": frozenset({"statements/write", "all"}),
    "read_all_statements": frozenset({"statements/read", "all/read", "all"}),
    "read_own_statements": frozenset({"statements/read/mine", "statements/read", "all/read", "all"}),
    "state": frozenset({"state", "all"}),
    "profile": frozenset({"profile", "all"}),
    "read_definitions": frozenset({"all/read", "all", "define", "statements/read", "profile"}),
}


def grants(scopes: frozenset[str], action: str) -> bool:
    """Whether a credential holding ``scopes`` may perform ``action``."""
    return not scopes.isdisjoint(_GRANTS[action])
