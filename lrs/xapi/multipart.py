"""``multipart/mixed`` bodies for the Statement resource (xAPI 1.0.3 and 2.0.0).

A Statement request that carries Attachment data is an RFC 2046 ``multipart/mixed``
body: the first part holds the Statement(s) as ``application/json``; every further
part holds the raw data of one Attachment, names it by its SHA-2 in an
``X-Experience-API-Hash`` header and, if it says anything about its transfer
encoding, says ``binary``.  GET ``/statements?attachments=true`` answers in the
same format.

This module only handles the framing.  Matching parts to the Attachment Objects
of the Statements (and checking hashes and signatures) is ``attachments.py``'s job.

Parsing rules, beyond RFC 2046:

* the request ``Content-Type`` must be ``multipart/mixed`` with a non-empty
  ``boundary`` parameter (quoted or not) of at most 70 characters;
* anything before the first delimiter (the preamble) and after the close
  delimiter (the epilogue) is ignored, as RFC 2046 says;
* line breaks are CRLF as RFC 2046 requires; a body whose first delimiter line
  ends in a bare LF is read with LF line breaks throughout (some hand-written
  clients do that), never a mix of the two;
* a body without a close delimiter is rejected;
* the first part must declare ``Content-Type: application/json`` (parameters such
  as ``charset`` are allowed) and no transfer encoding other than an identity one;
* every later part must carry a non-empty ``X-Experience-API-Hash`` and, when it
  has a ``Content-Transfer-Encoding``, its value must be ``binary`` (a missing one
  is taken to mean binary, as the spec tells the LRS to assume).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from lrs.errors import BadRequest

__all__ = ["Part", "parse_multipart_mixed", "build_multipart_mixed", "media_type", "DEFAULT_PART_CONTENT_TYPE"]

# RFC 2046 §5.1.1: a part without a Content-Type is plain US-ASCII text.
DEFAULT_PART_CONTENT_TYPE = "text/plain; charset=us-ascii"

_HASH_HEADER = "x-experience-api-hash"
_IDENTITY_ENCODINGS = frozenset({"7bit", "8bit", "binary"})
_MAX_BOUNDARY = 70
# RFC 2046 bchars (the characters a boundary may be made of).
_BOUNDARY_RE = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]")
_TOKEN_RE = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_PADDING = b" \t"


@dataclass(frozen=True)
class Part:
    """One body part: its headers (names lower-cased, values stripped) and raw bytes."""

    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        """The part's Content-Type, or RFC 2046's default when it has none."""
        return self.headers.get("content-type") or DEFAULT_PART_CONTENT_TYPE

    @property
    def sha2(self) -> str | None:
        """The ``X-Experience-API-Hash`` header, if the part has one."""
        return self.headers.get(_HASH_HEADER) or None


def media_type(value: str) -> str:
    """``type/subtype`` of a Content-Type value, lower-cased, without parameters."""
    return value.split(";", 1)[0].strip().lower()


def _parse_content_type(value: str) -> tuple[str, dict[str, str]]:
    """Split a Content-Type header into its media type and its parameters."""
    head, _, rest = value.partition(";")
    params: dict[str, str] = {}
    i, n = 0, len(rest)
    while i < n:
        while i < n and rest[i] in " \t;":
            i += 1
        if i >= n:
            break
        match = _TOKEN_RE.match(rest, i)
        if not match:
            raise BadRequest(f"malformed Content-Type parameters: {value!r}")
        name = match.group().lower()
        i = match.end()
        while i < n and rest[i] in " \t":
            i += 1
        if i >= n or rest[i] != "=":
            raise BadRequest(f"malformed Content-Type parameter {name!r}: {value!r}")
        i += 1
        while i < n and rest[i] in " \t":
            i += 1
        if i < n and rest[i] == '"':
            i += 1
            chars: list[str] = []
            while i < n and rest[i] != '"':
                if rest[i] == "\\" and i + 1 < n:
                    i += 1
                chars.append(rest[i])
                i += 1
            if i >= n:
                raise BadRequest(f"unterminated quoted string in Content-Type: {value!r}")
            i += 1
            param = "".join(chars)
        else:
            start = i
            while i < n and rest[i] not in "; \t":
                i += 1
            param = rest[start:i]
        if name in params:
            raise BadRequest(f"Content-Type parameter {name!r} given twice")
        params[name] = param
    return head.strip().lower(), params


def _boundary_of(content_type_header: str) -> bytes:
    mtype, params = _parse_content_type(content_type_header or "")
    if mtype != "multipart/mixed":
        raise BadRequest(f"expected a multipart/mixed Content-Type, got {content_type_header!r}")
    boundary = params.get("boundary")
    if not boundary:
        raise BadRequest("the multipart/mixed Content-Type has no boundary parameter")
    if len(boundary) > _MAX_BOUNDARY or not _BOUNDARY_RE.fullmatch(boundary):
        raise BadRequest(f"invalid multipart boundary {boundary!r}")
    return boundary.encode("ascii")


def _parse_headers(block: bytes, eol: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    last: str | None = None
    for raw in block.split(eol):
        if raw[:1] in (b" ", b"\t"):  # obsolete line folding: continue the last header
            if last is None:
                raise BadRequest("multipart part headers start with a continuation line")
            headers[last] = (headers[last] + " " + raw.strip().decode("latin-1")).strip()
            continue
        name, colon, value = raw.partition(b":")
        name = name.strip()
        if not colon or not name or not _TOKEN_RE.fullmatch(name.decode("latin-1")):
            raise BadRequest(f"malformed multipart part header line {raw[:80]!r}")
        key = name.decode("ascii").lower()
        text = value.strip().decode("latin-1")
        if key in headers:
            if key in ("content-type", _HASH_HEADER, "content-transfer-encoding"):
                raise BadRequest(f"multipart part has more than one {name.decode('ascii')} header")
            headers[key] = headers[key] + ", " + text
        else:
            headers[key] = text
        last = key
    return headers


def _line_end(body: bytes, at: int) -> tuple[bytes, int] | None:
    """After a boundary at ``at``: skip transport padding and return (line break, index past it)."""
    while at < len(body) and body[at] in _PADDING:
        at += 1
    if body.startswith(b"\r\n", at):
        return b"\r\n", at + 2
    if body.startswith(b"\n", at):
        return b"\n", at + 1
    return None


def _at_line_start(body: bytes, dash: bytes, start: int) -> int:
    """Index of the next ``dash`` that begins a line, searching from ``start``; -1 if none."""
    found = body.find(b"\n" + dash, start)
    return found + 1 if found >= 0 else -1


def _split_parts(body: bytes, boundary: bytes) -> list[Part]:
    dash = b"--" + boundary
    # The first delimiter line: at the very start of the body or of a line, and followed by
    # a line break (or "--"); whatever comes before it is the preamble.
    at = 0 if body.startswith(dash) else _at_line_start(body, dash, 0)
    while True:
        if at < 0:
            raise BadRequest("the multipart body does not contain its boundary")
        end = at + len(dash)
        if body.startswith(b"--", end):
            raise BadRequest("the multipart body has no parts")
        line = _line_end(body, end)
        if line is not None:
            break
        at = _at_line_start(body, dash, at)  # "--boundaryX...": not a delimiter line
    eol, cursor = line
    delimiter = eol + dash

    parts: list[Part] = []
    while True:
        # The next delimiter line; "--boundaryX" (X not padding, line break or "--") is not one.
        search = cursor
        while True:
            found = body.find(delimiter, search)
            if found < 0:
                raise BadRequest("the multipart body has no closing boundary")
            end = found + len(delimiter)
            if body.startswith(b"--", end):
                after = None
                break
            line = _line_end(body, end)
            if line is not None and line[0] == eol:
                after = line[1]
                break
            search = found + 1
        parts.append(_make_part(body[cursor:found], eol))
        if after is None:
            return parts
        cursor = after


def _make_part(raw: bytes, eol: bytes) -> Part:
    if not raw:  # an empty part: no headers, no body
        return Part(headers={}, body=b"")
    if raw.startswith(eol):  # no headers at all
        return Part(headers={}, body=raw[len(eol):])
    separator = raw.find(eol + eol)
    if separator < 0:
        if raw.endswith(eol):  # headers only: the delimiter's line break doubled as the blank line
            return Part(headers=_parse_headers(raw[: -len(eol)], eol), body=b"")
        raise BadRequest("a multipart part has no blank line between its headers and its body")
    headers = _parse_headers(raw[:separator], eol)
    return Part(headers=headers, body=raw[separator + 2 * len(eol):])


def parse_multipart_mixed(body: bytes, content_type_header: str) -> tuple[Part, list[Part]]:
    """Split a multipart/mixed request into the statement part (must be application/json) and attachment parts; raise BadRequest with a clear message on any malformation."""
    boundary = _boundary_of(content_type_header)
    parts = _split_parts(bytes(body), boundary)
    first, rest = parts[0], parts[1:]

    declared = first.headers.get("content-type")
    if declared is None:
        raise BadRequest("the first multipart part (the Statements) has no Content-Type; it must be application/json")
    if media_type(declared) != "application/json":
        raise BadRequest(f"the first multipart part must be application/json, not {declared!r}")
    encoding = first.headers.get("content-transfer-encoding")
    if encoding is not None and encoding.lower() not in _IDENTITY_ENCODINGS:
        raise BadRequest(f"unsupported Content-Transfer-Encoding {encoding!r} on the Statements part")

    for number, part in enumerate(rest, start=2):
        if not part.sha2:
            raise BadRequest(f"multipart part {number} has no X-Experience-API-Hash header")
        encoding = part.headers.get("content-transfer-encoding")
        if encoding is not None and encoding.lower() != "binary":
            raise BadRequest(
                f"multipart part {number} has Content-Transfer-Encoding {encoding!r}; attachments must be binary"
            )
    return first, rest


def _header_value(value: str, what: str) -> bytes:
    if not value or "\r" in value or "\n" in value:
        raise ValueError(f"invalid {what} for a multipart header: {value!r}")
    return value.encode("latin-1")


def build_multipart_mixed(statement_json: bytes, attachments: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """(content_type, sha2, data) list -> (body, Content-Type header value with boundary) for GET ...?attachments=true."""
    unique: list[tuple[bytes, bytes, bytes]] = []
    seen: set[str] = set()
    for content_type, sha2, data in attachments:
        key = sha2.lower()
        if key in seen:  # one copy of each attachment's data, as the spec asks
            continue
        seen.add(key)
        unique.append((_header_value(content_type, "content type"), _header_value(sha2, "sha2"), bytes(data)))

    while True:
        boundary = b"xapi-" + secrets.token_hex(16).encode("ascii")
        dash = b"--" + boundary
        if dash not in statement_json and not any(dash in data for _, _, data in unique):
            break

    crlf = b"\r\n"
    chunks = [dash, crlf, b"Content-Type: application/json", crlf, crlf, statement_json, crlf]
    for content_type, sha2, data in unique:
        chunks += [
            dash, crlf,
            b"Content-Type: ", content_type, crlf,
            b"Content-Transfer-Encoding: binary", crlf,
            b"X-Experience-API-Hash: ", sha2, crlf,
            crlf, data, crlf,
        ]
    chunks += [dash, b"--", crlf]
    return b"".join(chunks), "multipart/mixed; boundary=" + boundary.decode("ascii")
