"""Matching multipart parts to the Statements' Attachment Objects."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import uuid
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from lrs.errors import InvalidStatement
from lrs.xapi.attachments import check_attachments, digest_key
from lrs.xapi.multipart import Part, parse_multipart_mixed
from lrs.xapi.signatures import SIGNATURE_USAGE_TYPE

TEXT1 = b"here is a simple attachment"
TEXT2 = b"here is another simple attachment"
TEXT3 = b"and a third one, not declared"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def attachment(data: bytes, *, content_type: str = "text/plain", file_url: str | None = None, **extra: Any) -> dict:
    out = {
        "usageType": "http://example.gov/attachment-usage/test",
        "display": {"en-US": "A test attachment"},
        "contentType": content_type,
        "length": len(data),
        "sha2": sha256(data),
    }
    if file_url:
        out["fileUrl"] = file_url
    out.update(extra)
    return out


def statement(*attachments: dict, **extra: Any) -> dict:
    out: dict[str, Any] = {
        "actor": {"mbox": "mailto:learner@example.gov"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended"},
        "object": {"id": "http://example.gov/activities/1"},
    }
    if attachments:
        out["attachments"] = list(attachments)
    out.update(extra)
    return out


def part(data: bytes, sha2: str | None = None, content_type: str = "text/plain") -> Part:
    return Part(
        headers={
            "content-type": content_type,
            "content-transfer-encoding": "binary",
            "x-experience-api-hash": sha2 if sha2 is not None else sha256(data),
        },
        body=data,
    )


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def sign(stmt: dict, key: rsa.RSAPrivateKey, alg: str = "RS256", content_type: str = "application/octet-stream"):
    """(received statement, jws) the way a signing client builds them: sign, then attach."""
    protected = b64url(json.dumps({"alg": alg}).encode())
    payload = b64url(json.dumps(stmt).encode())
    digest = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}[alg]()
    signature = key.sign(f"{protected}.{payload}".encode(), padding.PKCS1v15(), digest)
    jws = f"{protected}.{payload}.{b64url(signature)}".encode()
    received = copy.deepcopy(stmt)
    received.setdefault("attachments", []).append(
        {
            "usageType": SIGNATURE_USAGE_TYPE,
            "display": {"en-US": "Signed"},
            "contentType": content_type,
            "length": len(jws),
            "sha2": sha256(jws),
        }
    )
    return received, jws


# ----------------------------------------------------------------- acceptance


def test_no_attachments_no_parts():
    assert check_attachments([statement(), statement()], []) == {}


def test_one_attachment_one_part():
    p = part(TEXT1)
    assert check_attachments([statement(attachment(TEXT1))], [p]) == {sha256(TEXT1): p}


def test_two_attachments_two_parts():
    p1, p2 = part(TEXT1), part(TEXT2)
    result = check_attachments([statement(attachment(TEXT1), attachment(TEXT2))], [p1, p2])
    assert result == {sha256(TEXT1): p1, sha256(TEXT2): p2}


def test_file_url_attachment_needs_no_part():
    stmt = statement(attachment(TEXT1, file_url="http://over.there.example/file.txt"))
    assert check_attachments([stmt], []) == {}


def test_file_url_attachment_may_still_have_its_data_sent():
    p = part(TEXT1)
    stmt = statement(attachment(TEXT1, file_url="http://over.there.example/file.txt"))
    assert check_attachments([stmt], [p]) == {sha256(TEXT1): p}


def test_same_data_shared_by_statements_sent_once():
    p = part(TEXT1)
    batch = [statement(attachment(TEXT1)), statement(attachment(TEXT1, content_type="text/markdown"))]
    assert check_attachments(batch, [p]) == {sha256(TEXT1): p}


def test_repeated_part_is_accepted_first_copy_kept():
    p1, p2 = part(TEXT1), part(TEXT1)
    result = check_attachments([statement(attachment(TEXT1))], [p1, p2])
    assert result[sha256(TEXT1)] is p1


def test_hash_case_does_not_matter_and_result_uses_declared_spelling():
    stmt = statement(attachment(TEXT1) | {"sha2": sha256(TEXT1).upper()})
    p = part(TEXT1, sha2=sha256(TEXT1))
    assert check_attachments([stmt], [p]) == {sha256(TEXT1).upper(): p}


@pytest.mark.parametrize("algorithm", ["sha224", "sha256", "sha384", "sha512"])
def test_other_sha2_sizes(algorithm):
    digest = hashlib.new(algorithm, TEXT1).hexdigest()
    p = part(TEXT1, sha2=digest)
    assert check_attachments([statement(attachment(TEXT1) | {"sha2": digest})], [p]) == {digest: p}


def test_base64_digest_is_understood():
    declared = base64.b64encode(hashlib.sha256(TEXT1).digest()).decode()
    p = part(TEXT1, sha2=sha256(TEXT1))
    assert check_attachments([statement(attachment(TEXT1) | {"sha2": declared})], [p]) == {declared: p}
    assert digest_key(declared) == (sha256(TEXT1), "sha256")


def test_declared_length_is_not_compared_with_the_data():
    p = part(TEXT1)
    stmt = statement(attachment(TEXT1) | {"length": 1})
    assert check_attachments([stmt], [p]) == {sha256(TEXT1): p}


def test_substatement_attachments_count():
    sub = statement(attachment(TEXT2), objectType="SubStatement")
    stmt = statement(attachment(TEXT1), object=sub)
    p1, p2 = part(TEXT1), part(TEXT2)
    assert check_attachments([stmt], [p1, p2]) == {sha256(TEXT1): p1, sha256(TEXT2): p2}
    with pytest.raises(InvalidStatement, match=sha256(TEXT2)):
        check_attachments([stmt], [p1])


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_signed_statement(key, alg):
    received, jws = sign(statement(id=str(uuid.uuid4())), key, alg)
    p = part(jws, content_type="application/octet-stream")
    assert check_attachments([received], [p]) == {sha256(jws): p}


def test_signed_statement_with_other_attachments(key):
    received, jws = sign(statement(attachment(TEXT1)), key)
    parts = [part(TEXT1), part(jws, content_type="application/octet-stream")]
    assert set(check_attachments([received], parts)) == {sha256(TEXT1), sha256(jws)}


def test_signed_and_unsigned_statements_in_one_batch(key):
    received, jws = sign(statement(), key)
    parts = [part(jws), part(TEXT1)]
    assert len(check_attachments([statement(attachment(TEXT1)), received], parts)) == 2


# ------------------------------------------------------------------ rejection


def test_missing_part():
    stmt = statement(attachment(TEXT1), attachment(TEXT2))
    with pytest.raises(InvalidStatement, match=f"{sha256(TEXT2)} has neither a fileUrl nor a multipart part"):
        check_attachments([stmt], [part(TEXT1)])


def test_attachment_without_file_url_in_a_json_style_request():
    with pytest.raises(InvalidStatement):
        check_attachments([statement(attachment(TEXT1))], [])


def test_extra_part_not_declared():
    stmt = statement(attachment(TEXT1), attachment(TEXT2))
    with pytest.raises(InvalidStatement, match="part 4 .* matches no Attachment"):
        check_attachments([stmt], [part(TEXT1), part(TEXT2), part(TEXT3)])


def test_part_hash_header_differs_from_sha2():
    stmt = statement(attachment(TEXT1))
    wrong = "b018994f8bbe0f08992a65c48c8c8c56f09e9baceaa6227ed85c90ae52b73c89"
    with pytest.raises(InvalidStatement, match="matches no Attachment"):
        check_attachments([stmt], [part(TEXT1, sha2=wrong)])


def test_data_does_not_hash_to_its_declared_value():
    stmt = statement(attachment(TEXT1))
    with pytest.raises(InvalidStatement, match="does not hash"):
        check_attachments([stmt], [part(TEXT2, sha2=sha256(TEXT1))])


def test_repeated_part_with_other_data_is_rejected():
    stmt = statement(attachment(TEXT1))
    with pytest.raises(InvalidStatement, match="does not hash"):
        check_attachments([stmt], [part(TEXT1), part(TEXT2, sha2=sha256(TEXT1))])


def test_part_without_hash():
    stmt = statement(attachment(TEXT1))
    with pytest.raises(InvalidStatement, match="X-Experience-API-Hash"):
        check_attachments([stmt], [Part(headers={"content-type": "text/plain"}, body=TEXT1)])


def test_hash_that_cannot_be_checked():
    stmt = statement(attachment(TEXT1) | {"sha2": "not-a-digest"})
    with pytest.raises(InvalidStatement, match="not a SHA-2 digest"):
        check_attachments([stmt], [part(TEXT1, sha2="not-a-digest")])


@pytest.mark.parametrize(
    "bad",
    [
        {"attachments": {"sha2": "ab" * 32}},
        {"attachments": [12345]},
        {"attachments": [{"usageType": "http://example.gov/u", "contentType": "text/plain"}]},
        {"attachments": [{"sha2": 12345}]},
    ],
)
def test_malformed_attachment_objects(bad):
    with pytest.raises(InvalidStatement):
        check_attachments([statement(**bad)], [])


def test_signature_with_wrong_content_type(key):
    received, jws = sign(statement(), key, content_type="text/plain; charset=ascii")
    with pytest.raises(InvalidStatement, match="application/octet-stream"):
        check_attachments([received], [part(jws, content_type="text/plain; charset=ascii")])


def test_signature_attachment_without_its_part(key):
    received, _ = sign(statement(), key)
    received["attachments"][0]["fileUrl"] = "http://over.there.example/signature.jws"
    with pytest.raises(InvalidStatement, match="neither a fileUrl nor a multipart part"):
        check_attachments([received], [])


def test_signature_over_another_statement(key):
    received, jws = sign(statement(), key)
    received["verb"] = {"id": "http://adlnet.gov/expapi/verbs/passed"}
    with pytest.raises(InvalidStatement, match="does not match"):
        check_attachments([received], [part(jws)])


def test_signature_with_unsupported_algorithm(key):
    protected = b64url(json.dumps({"alg": "HS256"}).encode())
    stmt = statement()
    jws = f"{protected}.{b64url(json.dumps(stmt).encode())}.{b64url(b'mac')}".encode()
    received, _ = sign(stmt, key)
    received["attachments"][0].update(sha2=sha256(jws), length=len(jws))
    with pytest.raises(InvalidStatement, match="algorithm"):
        check_attachments([received], [part(jws)])


# ------------------------------------------------- whole requests, end to end

BOUNDARY = "-------314159265358979323846"


def request_body(stmt: Any, sections: list[tuple[list[str], bytes]]) -> bytes:
    out = f"--{BOUNDARY}\r\nContent-Type: application/json\r\n\r\n".encode() + json.dumps(stmt).encode() + b"\r\n"
    for headers, data in sections:
        out += f"--{BOUNDARY}\r\n".encode() + "".join(h + "\r\n" for h in headers).encode() + b"\r\n" + data + b"\r\n"
    return out + f"--{BOUNDARY}--\r\n".encode()


def handle(body: bytes, content_type: str = f"multipart/mixed; boundary={BOUNDARY}") -> dict[str, Part]:
    first, parts = parse_multipart_mixed(body, content_type)
    document = json.loads(first.body)
    return check_attachments(document if isinstance(document, list) else [document], parts)


def text_headers(data: bytes, sha2: str | None = None) -> list[str]:
    return ["Content-Type: text/plain", "Content-Transfer-Encoding: binary", f"X-Experience-API-Hash: {sha2 or sha256(data)}"]


def test_end_to_end_two_attachments():
    stmt = statement(attachment(TEXT1), attachment(TEXT2))
    stored = handle(request_body(stmt, [(text_headers(TEXT1), TEXT1), (text_headers(TEXT2), TEXT2)]))
    assert {sha2: p.body for sha2, p in stored.items()} == {sha256(TEXT1): TEXT1, sha256(TEXT2): TEXT2}


def test_end_to_end_batch_as_array():
    body = request_body([statement(attachment(TEXT1)), statement()], [(text_headers(TEXT1), TEXT1)])
    assert list(handle(body)) == [sha256(TEXT1)]


def test_end_to_end_excess_part():
    stmt = statement(attachment(TEXT1), attachment(TEXT2))
    sections = [(text_headers(d), d) for d in (TEXT1, TEXT2, TEXT3)]
    with pytest.raises(InvalidStatement):
        handle(request_body(stmt, sections))


def test_end_to_end_missing_part():
    stmt = statement(attachment(TEXT1), attachment(TEXT2))
    with pytest.raises(InvalidStatement):
        handle(request_body(stmt, [(text_headers(TEXT1), TEXT1)]))


def test_end_to_end_signed_statement_layout(key):
    # Leading CRLF, "Name:value" headers, nothing after the close delimiter.
    received, jws = sign(statement(id=str(uuid.uuid4()), result={"duration": "PT1M0.12S"}), key)
    boundary = "-------------3141592653"
    text = json.dumps(received).replace("PT1M0.12S", "PT1M0.1299S")
    body = (
        f"\r\n--{boundary}\r\nContent-Type:application/json\r\n\r\n{text}"
        f"\r\n--{boundary}\r\nContent-Type:application/octet-stream\r\nContent-Transfer-Encoding:binary\r\n"
        f"X-Experience-API-Hash:{sha256(jws)}\r\n\r\n"
    ).encode() + jws + f"\r\n--{boundary}--".encode()
    stored = handle(body, f"multipart/mixed; boundary={boundary}")
    assert stored[sha256(jws)].body == jws
