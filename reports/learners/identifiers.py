"""Identifier schemes registrars key learners by, and how a value of each is checked and written.

Add a scheme by adding one line to ``SCHEMES``; everything else (API, roster columns) follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lrs.errors import BadRequest


@dataclass(frozen=True)
class Scheme:
    name: str
    description: str
    pattern: re.Pattern[str]
    hint: str


SCHEMES: dict[str, Scheme] = {
    scheme.name: scheme
    for scheme in (
        Scheme("ke-upn", "Kenya Unified Payroll Number", re.compile(r"[0-9A-Z]{4,20}"), "4-20 digits or capital letters"),
        Scheme("ke-national-id", "Kenya national identity card number", re.compile(r"[0-9]{6,9}"), "6-9 digits"),
        Scheme("rw-ippis", "Rwanda IPPIS employee number", re.compile(r"[0-9A-Z]{4,20}"), "4-20 digits or capital letters"),
        Scheme("rw-national-id", "Rwanda national identity number", re.compile(r"[0-9]{16}"), "16 digits"),
    )
}


class InvalidIdentifier(BadRequest):
    code = "invalid_identifier"


def normalise_identifier(scheme: str, value: object) -> str:
    """The canonical form of ``value`` in ``scheme`` (trimmed, spaces removed, upper-cased).

    Raises:
        InvalidIdentifier: an unknown scheme or a value that is not of its form.
    """
    known = SCHEMES.get(scheme)
    if known is None:
        raise InvalidIdentifier(f"unknown identifier scheme {scheme!r}; known: {', '.join(SCHEMES)}")
    if not isinstance(value, str):
        raise InvalidIdentifier(f"{scheme}: the value must be a string")
    canonical = re.sub(r"[\s-]", "", value).upper()
    if not known.pattern.fullmatch(canonical):
        raise InvalidIdentifier(f"{scheme}: {known.description} must be {known.hint}")
    return canonical


def parse_identifier_query(text: str) -> tuple[str, str]:
    """``scheme:value`` as a normalised pair.

    Raises:
        InvalidIdentifier: no colon, an unknown scheme, or a malformed value.
    """
    scheme, sep, value = text.partition(":")
    if not sep:
        raise InvalidIdentifier("identifier must be written scheme:value, e.g. ke-upn:2019123456")
    return scheme, normalise_identifier(scheme, value)
