"""Scalar xAPI value checks shared by every other validation module.

Every check raises :class:`InvalidStatement` whose message starts with the property path
(``"actor.mbox: must be a mailto: IRI"``), so a client can find the offending value.
The regular expressions are compiled once at import; the hot paths (IRIs, language tags)
are memoised because the same verbs, activity types and tags recur in nearly every statement.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any, NoReturn

from lrs.errors import InvalidStatement

XAPI_VERSIONS = ("1.0.3", "2.0.0")


def is_v2(version: str) -> bool:
    """Whether the negotiated request version is xAPI 2.0 (IEEE 9274.1.1) rather than 1.0.x."""
    return version[:2] == "2."


def fail(path: str, message: str) -> NoReturn:
    raise InvalidStatement(f"{path}: {message}" if path else message)


def join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def index(path: str, position: int) -> str:
    return f"{path}[{position}]"


# --- JSON shapes ---------------------------------------------------------------------------


def require_object(value: object, path: str) -> dict[str, Any]:
    if type(value) is not dict:
        fail(path, "must be a JSON object")
    return value


def require_array(value: object, path: str) -> list[Any]:
    if type(value) is not list:
        fail(path, "must be a JSON array")
    return value


def check_keys(obj: Mapping[str, Any], allowed: frozenset[str], path: str) -> None:
    """Reject unknown (including wrongly cased) property names; the spec's list is closed."""
    if not allowed.issuperset(obj):
        for key in obj:
            if key not in allowed:
                fail(join(path, key), "is not an allowed property")


def require_keys(obj: Mapping[str, Any], required: tuple[str, ...], path: str) -> None:
    for key in required:
        if key not in obj:
            fail(join(path, key), "is required")


def require_string(value: object, path: str) -> str:
    if type(value) is not str:
        fail(path, "must be a string")
    return value


def require_bool(value: object, path: str) -> bool:
    if type(value) is not bool:
        fail(path, "must be a boolean")
    return value


def require_number(value: object, path: str) -> float:
    # bool is an int subclass, and Python's json module happily yields NaN/Infinity.
    if type(value) is int:
        return value
    if type(value) is float and math.isfinite(value):
        return value
    fail(path, "must be a number")


def require_integer(value: object, path: str) -> int:
    if type(value) is not int:
        fail(path, "must be an integer")
    return value


# --- identifiers ---------------------------------------------------------------------------

# Absolute IRI (RFC 3987), best effort as the spec allows: a scheme, then no whitespace,
# no characters excluded from IRIs, and only well-formed percent escapes.
_IRI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*:"
    r"(?:[^\x00-\x20\x7f<>\"{}|\\^`%#]|%[0-9A-Fa-f]{2})+"
    r"(?:#(?:[^\x00-\x20\x7f<>\"{}|\\^`%#]|%[0-9A-Fa-f]{2})*)?"
)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_MAILTO = re.compile(r"mailto:[^\x00-\x20\x7f@<>\"()\[\]\\,;:]+@[^\x00-\x20\x7f@<>\"()\\,;]+")
_SHA1 = re.compile(r"[0-9a-fA-F]{40}")
# SHA-224, SHA-256, SHA-384 and SHA-512 digests, hex encoded.
_SHA2 = re.compile(r"[0-9a-fA-F]{56}(?:[0-9a-fA-F]{8}(?:[0-9a-fA-F]{32}(?:[0-9a-fA-F]{32})?)?)?")
# RFC 6838 type "/" subtype, optionally followed by parameters.
_MEDIA_TYPE = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+\-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+\-]{0,126}"
    r"(?:[ \t]*;[ \t]*[A-Za-z0-9!#$&^_.+\-]+=(?:[^\x00-\x20\";]+|\"[^\"]*\"))*[ \t]*"
)


@lru_cache(maxsize=16384)
def _is_short_iri(value: str) -> bool:
    return _IRI.fullmatch(value) is not None


def is_iri(value: str) -> bool:
    """Whether a string is an absolute IRI (see ``validate_iri``)."""
    # Only short values are memoised, so hostile clients cannot pin large strings in memory.
    if len(value) <= 512:
        return _is_short_iri(value)
    return _IRI.fullmatch(value) is not None


def validate_iri(value: object, *, path: str) -> None:
    """An absolute IRI: it has a scheme (``ab=c://x``, ``example.com/x`` and ``abc`` fail)."""
    if type(value) is not str:
        fail(path, "must be an IRI string")
    if not is_iri(value):
        fail(path, "must be a valid absolute IRI (with a scheme, e.g. http://example.com/x)")


# An IRL is an IRI that locates something; syntax cannot tell the two apart.
validate_irl = validate_iri


def validate_uuid(value: object, *, path: str) -> None:
    """A UUID in the standard 8-4-4-4-12 hex form (either letter case)."""
    if type(value) is not str:
        fail(path, "must be a UUID string")
    if _UUID.fullmatch(value) is None:
        fail(path, "must be a UUID in standard string form")


def validate_mbox(value: object, path: str) -> None:
    if type(value) is not str or _MAILTO.fullmatch(value) is None:
        fail(path, "must be a mailto: IRI holding an email address")


def validate_sha1(value: object, path: str) -> None:
    if type(value) is not str or _SHA1.fullmatch(value) is None:
        fail(path, "must be a hex-encoded SHA-1 digest")


def validate_sha2(value: object, path: str) -> None:
    if type(value) is not str or _SHA2.fullmatch(value) is None:
        fail(path, "must be a hex-encoded SHA-2 digest")


def validate_media_type(value: object, path: str) -> None:
    if type(value) is not str or _MEDIA_TYPE.fullmatch(value) is None:
        fail(path, "must be an Internet media type")


# --- language tags (RFC 5646) ----------------------------------------------------------------

_LANGUAGE_TAG = re.compile(
    r"(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"  # language [extlang]
    r"(?:-[A-Za-z]{4})?"  # script
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"  # variants
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"  # extensions
    r"(?:-[Xx](?:-[A-Za-z0-9]{1,8})+)?"  # private use
    r"|[Xx](?:-[A-Za-z0-9]{1,8})+"  # private use only
    r"|[Ii]-(?:ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)"
    r"|en-GB-oed|sgn-(?:BE-FR|BE-NL|CH-DE)"
    r"|art-lojban|cel-gaulish|no-bok|no-nyn|zh-(?:guoyu|hakka|min|min-nan|xiang))",
    re.IGNORECASE | re.ASCII,  # without ASCII, [a-z] would also match U+017F and U+212A
)


def _is_language_tag(tag: str) -> bool:
    return _is_short_language_tag(tag) if len(tag) <= 64 else _check_language_tag(tag)


@lru_cache(maxsize=4096)
def _is_short_language_tag(tag: str) -> bool:
    return _check_language_tag(tag)


def _check_language_tag(tag: str) -> bool:
    if _LANGUAGE_TAG.fullmatch(tag) is None:
        return False
    if tag.count("-") < 2:
        return True  # too short to repeat a singleton or a variant
    # Well-formed is not enough: a repeated extension singleton (zh-z-aaa-z-bbb) or variant
    # makes the tag invalid. Private-use subtags after "x" are free-form.
    subtags = tag.lower().split("-")[1:]
    if "x" in subtags:
        subtags = subtags[: subtags.index("x")]
    singletons = [subtag for subtag in subtags if len(subtag) == 1]
    if len(singletons) != len(set(singletons)):
        return False
    head = subtags[: subtags.index(singletons[0])] if singletons else subtags
    variants = [s for s in head if len(s) >= 5 or (len(s) == 4 and s[0].isdigit())]
    return len(variants) == len(set(variants))


def validate_language_tag(value: object, path: str) -> None:
    if type(value) is not str or not _is_language_tag(value):
        fail(path, f"{value!r} is not an RFC 5646 language tag")


def is_language_map(value: object) -> bool:
    """Whether ``value`` is a Language Map: RFC 5646 tags mapped to strings."""
    if type(value) is not dict:
        return False
    for tag, text in value.items():
        if type(text) is not str or not _is_language_tag(tag):
            return False
    return True


def validate_language_map(value: object, path: str) -> None:
    if is_language_map(value):
        return
    mapping = require_object(value, path)
    for tag, text in mapping.items():
        if not _is_language_tag(tag):
            fail(path, f"{tag!r} is not an RFC 5646 language tag")
        if type(text) is not str:
            fail(f"{path}[{tag!r}]", "must be a string")


def validate_extensions(value: object, path: str) -> None:
    """Keys are IRIs; values are any JSON at all (null included), which the LRS must not judge."""
    extensions = require_object(value, path)
    for key in extensions:
        if not is_iri(key):
            fail(path, f"key {key!r} must be an absolute IRI")


# --- versions, timestamps, durations ---------------------------------------------------------

_VERSION_1 = re.compile(r"1\.0(?:\.[0-9]+)?")
_VERSION_1_OR_2 = re.compile(r"[12]\.0(?:\.[0-9]+)?")


def validate_version_property(value: object, path: str, version: str) -> None:
    """A statement's own ``version``: 1.0[.x] always, and 2.0[.x] too on a 2.0 request."""
    pattern = _VERSION_1_OR_2 if is_v2(version) else _VERSION_1
    if type(value) is not str or pattern.fullmatch(value) is None:
        allowed = '"1.0", "1.0.x", "2.0" or "2.0.x"' if is_v2(version) else '"1.0" or "1.0.x"'
        fail(path, f"must be {allowed}")


# RFC 3339 date-time (xAPI 2.0), T or space between date and time, offset required.
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))",
    re.ASCII,  # \d must not match non-ASCII digits, which int() would happily accept
)
# ISO 8601 combined date and time (xAPI 1.0.x): extended or basic format, minutes or seconds
# precision, optional decimal fraction, optional offset (hh, hhmm or hh:mm).
_ISO8601_EXTENDED = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?"
    r"(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?",
    re.ASCII,
)
_ISO8601_BASIC = re.compile(
    r"(\d{4})(\d{2})(\d{2})[Tt](\d{2})(\d{2})(?:(\d{2})(?:[.,](\d+))?)?"
    r"(?:([Zz])|([+-])(\d{2})(\d{2})?)?",
    re.ASCII,
)


def parse_timestamp(value: str, *, path: str, version: str | None = None) -> datetime:
    """Parse an xAPI Timestamp into an aware datetime.

    With ``version`` 2.0.x the value must be an RFC 3339 date-time (offset required); otherwise
    any ISO 8601 combined date and time is accepted and a missing offset means UTC. A negative
    zero offset (``-00``, ``-0000``, ``-00:00``: "offset unknown" in RFC 3339) is always refused.
    """
    if type(value) is not str:
        fail(path, "must be a timestamp string")
    strict = version is not None and is_v2(version)
    if strict:
        match = _RFC3339.fullmatch(value)
    else:
        match = _ISO8601_EXTENDED.fullmatch(value) or _ISO8601_BASIC.fullmatch(value)
    if match is None:
        fail(path, "must be an RFC 3339 timestamp with a time zone offset" if strict
             else "must be an ISO 8601 timestamp")
    year, month, day, hour, minute, second, fraction, _zulu, sign, off_hours, off_minutes = match.groups()
    zone: timezone = UTC
    if sign is not None:
        hours, minutes = int(off_hours), int(off_minutes or 0)
        if hours > 23 or minutes > 59:
            fail(path, "has an out-of-range time zone offset")
        if sign == "-" and not (hours or minutes):
            fail(path, "must not use a negative zero time zone offset")
        offset = timedelta(hours=hours, minutes=minutes)
        zone = timezone(-offset if sign == "-" else offset)
    micro = int(fraction[:6].ljust(6, "0")) if fraction else 0
    try:
        return datetime(
            int(year), int(month), int(day), int(hour), int(minute), int(second or 0), micro, zone
        )
    except ValueError:
        fail(path, "is not a real calendar date and time")


# ISO 8601:2004 4.4.3.2 durations: PnYnMnDTnHnMnS or PnW; the alternative format is refused.
_DURATION = re.compile(
    r"P(?=\d|T\d)(?:\d+(?:[.,]\d+)?Y)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:[.,]\d+)?H)?(?:\d+(?:[.,]\d+)?M)?(?:\d+(?:[.,]\d+)?S)?)?"
    r"|P\d+(?:[.,]\d+)?W",
    re.ASCII,
)
# Only the smallest component given may carry a decimal fraction.
_DURATION_FRACTION = re.compile(r"[^.,]*[.,]\d+[YMWDHS]", re.ASCII)


def validate_duration(value: object, path: str) -> None:
    if type(value) is not str or _DURATION.fullmatch(value) is None:
        fail(path, "must be an ISO 8601 duration such as PT1H30M")
    if ("." in value or "," in value) and _DURATION_FRACTION.fullmatch(value) is None:
        fail(path, "may only have a fraction on its smallest component")
