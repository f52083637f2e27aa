"""multipart/mixed framing for the Statement resource."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re

import pytest

from lrs.errors import BadRequest
from lrs.xapi.multipart import (
    DEFAULT_PART_CONTENT_TYPE,
    Part,
    build_multipart_mixed,
    parse_multipart_mixed,
)

BOUNDARY = "-------314159265358979323846"
CONTENT_TYPE = f"multipart/mixed; boundary={BOUNDARY}"
CRLF = "\r\n"
STATEMENT = {
    "actor": {"mbox": "mailto:learner@example.gov"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
    "object": {"id": "http://example.gov/activities/1"},
}
TEXT = b"here is a simple attachment"
TEXT_SHA = hashlib.sha256(TEXT).hexdigest()


def part_lines(headers: list[str], body: str) -> str:
    return CRLF.join(headers) + CRLF + CRLF + body


def make_body(
    *sections: str, boundary: str = BOUNDARY, eol: str = CRLF, preamble: str = "", close: bool = True
) -> bytes:
    """A multipart body from already formatted sections (headers, blank line, body)."""
    text = preamble
    for section in sections:
        text += f"--{boundary}{eol}{section}{eol}"
    if close:
        text += f"--{boundary}--{eol}"
    return text.encode("utf-8")


def statement_section(statement: dict = STATEMENT, content_type: str = "application/json") -> str:
    return part_lines([f"Content-Type: {content_type}"], json.dumps(statement))


def text_section(*, sha2: str = TEXT_SHA, encoding: str | None = "binary", body: str = TEXT.decode()) -> str:
    headers = ["Content-Type: text/plain"]
    if encoding is not None:
        headers.append(f"Content-Transfer-Encoding: {encoding}")
    if sha2:
        headers.append(f"X-Experience-API-Hash: {sha2}")
    return part_lines(headers, body)


# ------------------------------------------------------------------ valid bodies


def test_statement_and_one_attachment():
    first, parts = parse_multipart_mixed(make_body(statement_section(), text_section()), CONTENT_TYPE)
    assert first.content_type == "application/json"
    assert json.loads(first.body) == STATEMENT
    assert len(parts) == 1
    assert parts[0].body == TEXT
    assert parts[0].sha2 == TEXT_SHA
    assert parts[0].content_type == "text/plain"
    assert parts[0].headers["content-transfer-encoding"] == "binary"


def test_header_names_are_lower_cased_and_values_stripped():
    section = part_lines(
        ["CONTENT-TYPE:   text/plain  ", "x-EXPERIENCE-api-HASH:" + TEXT_SHA, "Content-Transfer-Encoding:BINARY"],
        TEXT.decode(),
    )
    _, (part,) = parse_multipart_mixed(make_body(statement_section(), section), CONTENT_TYPE)
    assert part.headers == {
        "content-type": "text/plain",
        "x-experience-api-hash": TEXT_SHA,
        "content-transfer-encoding": "BINARY",
    }


def test_signed_statement_layout_leading_crlf_no_spaces_no_final_crlf():
    # Empty preamble then CRLF before the first boundary, "Name:value" headers and a
    # close delimiter with nothing after it.
    jws = b"eyJhbGciOiJSUzI1NiJ9.e30.c2ln"
    sha2 = hashlib.sha256(jws).hexdigest()
    boundary = "-------------" + "1234567890"
    body = (
        f"\r\n--{boundary}\r\nContent-Type:application/json\r\n\r\n{json.dumps(STATEMENT)}"
        f"\r\n--{boundary}\r\nContent-Type:application/octet-stream\r\nContent-Transfer-Encoding:binary\r\n"
        f"X-Experience-API-Hash:{sha2}\r\n\r\n"
    ).encode() + jws + f"\r\n--{boundary}--".encode()
    first, (part,) = parse_multipart_mixed(body, f"multipart/mixed; boundary={boundary}")
    assert json.loads(first.body) == STATEMENT
    assert part.body == jws
    assert part.sha2 == sha2
    assert part.content_type == "application/octet-stream"


def test_boundary_with_underscores_like_the_2_0_suite():
    boundary = "-------------__0b6f3a6e-9f0d-4b51-8d7b-3c1b4b0d2f11__123__456"
    body = make_body(statement_section(), text_section(), boundary=boundary)
    _, parts = parse_multipart_mixed(body, f"multipart/mixed; boundary={boundary}")
    assert parts[0].body == TEXT


def test_statement_only_body_is_fine():
    first, parts = parse_multipart_mixed(make_body(statement_section()), CONTENT_TYPE)
    assert json.loads(first.body) == STATEMENT
    assert parts == []


def test_quoted_boundary_and_extra_parameters():
    boundary = "simple boundary:with=odd'chars"
    body = make_body(statement_section(), text_section(), boundary=boundary)
    header = f'Multipart/Mixed; charset=utf-8; BOUNDARY="{boundary}"'
    _, parts = parse_multipart_mixed(body, header)
    assert parts[0].body == TEXT


def test_first_part_json_with_charset_parameter():
    body = make_body(statement_section(content_type="application/json; charset=utf-8"))
    first, _ = parse_multipart_mixed(body, CONTENT_TYPE)
    assert json.loads(first.body) == STATEMENT


def test_preamble_and_epilogue_are_ignored():
    body = make_body(statement_section(), text_section(), preamble="This is a preamble.\r\n")
    body += b"and an epilogue that says --" + BOUNDARY.encode() + b" nothing"
    first, parts = parse_multipart_mixed(body, CONTENT_TYPE)
    assert json.loads(first.body) == STATEMENT
    assert parts[0].body == TEXT


def test_binary_data_with_crlf_and_boundary_lookalikes_survives():
    data = b"\r\n\x00\xff--" + BOUNDARY.encode() + b"X not a delimiter\r\n" + bytes(range(256)) + b"\r\n"
    sha2 = hashlib.sha256(data).hexdigest()
    head = (
        f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n{json.dumps(STATEMENT)}\r\n"
        f"--{BOUNDARY}\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: binary\r\n"
        f"X-Experience-API-Hash: {sha2}\r\n\r\n"
    ).encode()
    body = head + data + f"\r\n--{BOUNDARY}--\r\n".encode()
    _, (part,) = parse_multipart_mixed(body, CONTENT_TYPE)
    assert part.body == data


def test_transport_padding_after_boundary():
    text = (
        f"--{BOUNDARY}  \r\n{statement_section()}\r\n"
        f"--{BOUNDARY}\t\r\n{text_section()}\r\n--{BOUNDARY}--\r\n"
    )
    _, parts = parse_multipart_mixed(text.encode(), CONTENT_TYPE)
    assert parts[0].body == TEXT


def test_bare_lf_bodies_are_read_with_lf_throughout():
    section = "Content-Type: application/json\n\n" + json.dumps(STATEMENT)
    attachment = f"Content-Type: text/plain\nX-Experience-API-Hash: {TEXT_SHA}\n\n{TEXT.decode()}"
    body = make_body(section, attachment, eol="\n")
    first, parts = parse_multipart_mixed(body, CONTENT_TYPE)
    assert json.loads(first.body) == STATEMENT
    assert parts[0].body == TEXT and parts[0].sha2 == TEXT_SHA


def test_missing_transfer_encoding_is_taken_as_binary():
    _, parts = parse_multipart_mixed(make_body(statement_section(), text_section(encoding=None)), CONTENT_TYPE)
    assert "content-transfer-encoding" not in parts[0].headers
    assert parts[0].body == TEXT


def test_folded_header_is_unfolded():
    section = "Content-Type: text/plain;\r\n charset=us-ascii\r\nX-Experience-API-Hash: " + TEXT_SHA + "\r\n\r\n" + TEXT.decode()
    _, (part,) = parse_multipart_mixed(make_body(statement_section(), section), CONTENT_TYPE)
    assert part.content_type == "text/plain; charset=us-ascii"


def test_empty_attachment_body():
    empty_sha = hashlib.sha256(b"").hexdigest()
    _, (part,) = parse_multipart_mixed(make_body(statement_section(), text_section(sha2=empty_sha, body="")), CONTENT_TYPE)
    assert part.body == b""
    assert part.sha2 == empty_sha


def test_part_properties_defaults():
    part = Part(headers={}, body=b"")
    assert part.content_type == DEFAULT_PART_CONTENT_TYPE
    assert part.sha2 is None
    with pytest.raises(dataclasses.FrozenInstanceError):
        part.body = b"x"  # type: ignore[misc]


def test_picture_sent_as_hex_text_is_kept_verbatim():
    data = bytes(range(200)).hex()
    sha2 = hashlib.sha256(data.encode()).hexdigest()
    section = part_lines(
        ["Content-Type: image/jpeg", "Content-Transfer-Encoding: binary", f"X-Experience-API-Hash: {sha2}"], data
    )
    _, (part,) = parse_multipart_mixed(make_body(statement_section(), section), CONTENT_TYPE)
    assert part.body == data.encode()


# ---------------------------------------------------------------- bad requests


@pytest.mark.parametrize(
    "header",
    [
        "multipart/mixed",
        "multipart/mixed;",
        "multipart/mixed; boundary=",
        'multipart/mixed; boundary=""',
        "multipart/mixed; charset=utf-8",
        "multipart/mixed; boundary=" + "x" * 71,
        'multipart/mixed; boundary="ends with space "',
        'multipart/mixed; boundary="unterminated',
        "multipart/mixed; boundary=a; boundary=b",
        "multipart/form-data; boundary=" + BOUNDARY,
        "application/json",
        "",
    ],
)
def test_bad_content_type_header(header):
    with pytest.raises(BadRequest):
        parse_multipart_mixed(make_body(statement_section(), text_section()), header)


def test_boundary_not_in_body():
    body = make_body(statement_section(), boundary="some-other-boundary")
    with pytest.raises(BadRequest, match="does not contain its boundary"):
        parse_multipart_mixed(body, CONTENT_TYPE)


def test_missing_close_delimiter():
    with pytest.raises(BadRequest, match="closing boundary"):
        parse_multipart_mixed(make_body(statement_section(), text_section(), close=False), CONTENT_TYPE)


def test_body_with_only_a_close_delimiter():
    with pytest.raises(BadRequest, match="no parts"):
        parse_multipart_mixed(f"--{BOUNDARY}--\r\n".encode(), CONTENT_TYPE)


def test_boundary_line_without_line_break():
    with pytest.raises(BadRequest):
        parse_multipart_mixed(f"--{BOUNDARY}Content-Type: application/json".encode(), CONTENT_TYPE)


def test_statement_part_without_leading_boundary_leaves_attachment_first():
    # The Statements are sent before any boundary: that text is preamble, and the
    # first real part is the text/plain attachment.
    text = (
        f"Content-Type: application/json\r\n\r\n{json.dumps(STATEMENT)}\r\n"
        f"--{BOUNDARY}\r\n{text_section()}\r\n--{BOUNDARY}--\r\n"
    )
    with pytest.raises(BadRequest, match="application/json"):
        parse_multipart_mixed(text.encode(), CONTENT_TYPE)


def test_missing_boundary_between_statement_and_attachment_is_not_valid_json():
    # Without the boundary the attachment's headers end up inside the Statements part.
    body = make_body(statement_section() + CRLF + text_section())
    first, parts = parse_multipart_mixed(body, CONTENT_TYPE)
    assert parts == []
    with pytest.raises(ValueError):
        json.loads(first.body)


def test_first_part_must_be_json():
    with pytest.raises(BadRequest, match="must be application/json"):
        parse_multipart_mixed(make_body(statement_section(content_type="text/plain"), text_section()), CONTENT_TYPE)


def test_first_part_without_content_type():
    body = make_body(CRLF + json.dumps(STATEMENT))
    with pytest.raises(BadRequest, match="no Content-Type"):
        parse_multipart_mixed(body, CONTENT_TYPE)


def test_first_part_with_encoded_transfer_encoding():
    section = part_lines(["Content-Type: application/json", "Content-Transfer-Encoding: base64"], "e30=")
    with pytest.raises(BadRequest, match="Transfer-Encoding"):
        parse_multipart_mixed(make_body(section), CONTENT_TYPE)


def test_two_statement_parts_second_has_no_hash():
    body = make_body(statement_section(), statement_section(), text_section())
    with pytest.raises(BadRequest, match="part 2 has no X-Experience-API-Hash"):
        parse_multipart_mixed(body, CONTENT_TYPE)


def test_attachment_part_without_hash_header():
    with pytest.raises(BadRequest, match="X-Experience-API-Hash"):
        parse_multipart_mixed(make_body(statement_section(), text_section(sha2="")), CONTENT_TYPE)


@pytest.mark.parametrize("encoding", ["base64", "quoted-printable", "8bit"])
def test_attachment_part_with_non_binary_transfer_encoding(encoding):
    with pytest.raises(BadRequest, match="binary"):
        parse_multipart_mixed(make_body(statement_section(), text_section(encoding=encoding)), CONTENT_TYPE)


def test_header_line_without_colon():
    section = part_lines(["Content-Type: text/plain", "this is not a header"], "x")
    with pytest.raises(BadRequest, match="malformed multipart part header"):
        parse_multipart_mixed(make_body(statement_section(), section), CONTENT_TYPE)


def test_part_without_blank_line_after_headers():
    section = "Content-Type: application/json" + CRLF + json.dumps(STATEMENT)
    with pytest.raises(BadRequest, match="blank line"):
        parse_multipart_mixed(make_body(section), CONTENT_TYPE)


def test_duplicate_hash_headers():
    section = part_lines(
        ["Content-Type: text/plain", f"X-Experience-API-Hash: {TEXT_SHA}", f"X-Experience-API-Hash: {TEXT_SHA}"],
        TEXT.decode(),
    )
    with pytest.raises(BadRequest, match="more than one"):
        parse_multipart_mixed(make_body(statement_section(), section), CONTENT_TYPE)


def test_errors_are_plain_bad_requests_with_messages():
    with pytest.raises(BadRequest) as caught:
        parse_multipart_mixed(b"garbage", CONTENT_TYPE)
    assert caught.value.status == 400
    assert caught.value.message


# ------------------------------------------------------------------------ build


def test_build_round_trips_through_parse():
    statement_json = json.dumps({"statements": [STATEMENT], "more": ""}).encode()
    image = bytes(range(256)) * 4
    attachments = [
        ("text/plain", TEXT_SHA, TEXT),
        ("image/png", hashlib.sha256(image).hexdigest(), image),
    ]
    body, content_type = build_multipart_mixed(statement_json, attachments)
    first, parts = parse_multipart_mixed(body, content_type)
    assert first.body == statement_json
    assert first.content_type == "application/json"
    assert [(p.content_type, p.sha2, p.body) for p in parts] == attachments
    assert all(p.headers["content-transfer-encoding"] == "binary" for p in parts)


def test_build_header_format_is_plain_and_split_friendly():
    body, content_type = build_multipart_mixed(b"{}", [("text/plain", TEXT_SHA, TEXT)])
    assert re.fullmatch(r"multipart/mixed; boundary=[0-9a-z-]+", content_type)
    boundary = content_type.split(";")[1].replace(" boundary=", "")
    assert body.startswith(f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{{}}\r\n".encode())
    assert body.endswith(f"{TEXT.decode()}\r\n--{boundary}--\r\n".encode())
    assert body.count(TEXT_SHA.encode()) == 1
    # every line break is CRLF
    assert b"\n" not in body.replace(b"\r\n", b"")


def test_build_sends_each_attachment_once():
    body, content_type = build_multipart_mixed(
        b"{}", [("text/plain", TEXT_SHA, TEXT), ("text/plain", TEXT_SHA.upper(), TEXT)]
    )
    _, parts = parse_multipart_mixed(body, content_type)
    assert len(parts) == 1


def test_build_without_attachments_is_still_multipart():
    body, content_type = build_multipart_mixed(b'{"statements":[],"more":""}', [])
    first, parts = parse_multipart_mixed(body, content_type)
    assert first.body == b'{"statements":[],"more":""}'
    assert parts == []


def test_build_boundary_never_occurs_in_the_data():
    body, content_type = build_multipart_mixed(b"{}", [("application/octet-stream", "ab" * 32, b"--xapi-")])
    boundary = content_type.split("boundary=")[1]
    assert body.count(f"--{boundary}".encode()) == 3
    assert len(boundary) <= 70


def test_build_boundaries_differ_between_calls():
    assert build_multipart_mixed(b"{}", [])[1] != build_multipart_mixed(b"{}", [])[1]


@pytest.mark.parametrize("bad", ["text/plain\r\nX-Evil: 1", ""])
def test_build_refuses_header_injection(bad):
    with pytest.raises(ValueError):
        build_multipart_mixed(b"{}", [(bad, TEXT_SHA, TEXT)])
