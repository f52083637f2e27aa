"""Signed Statements: JWS decoding, algorithms, x5c verification, payload equivalence."""

from __future__ import annotations

import base64
import copy
import datetime
import hashlib
import hmac
import json
import uuid
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import NameOID

from lrs.errors import BadRequest, InvalidStatement
from lrs.xapi.signatures import (
    SIGNATURE_CONTENT_TYPE,
    SIGNATURE_USAGE_TYPE,
    signed_payload_matches,
    verify_statement_signature,
)

HASHES = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_jws(
    payload: Any,
    key: rsa.RSAPrivateKey,
    *,
    alg: str = "RS256",
    header: dict[str, Any] | None = None,
    raw_payload: bytes | None = None,
) -> bytes:
    """A compact JWS over ``payload`` (JSON-serialised unless ``raw_payload`` is given)."""
    protected = b64url(json.dumps({"alg": alg, **(header or {})}).encode())
    body = b64url(raw_payload if raw_payload is not None else json.dumps(payload).encode())
    signing_input = f"{protected}.{body}".encode()
    if alg in HASHES:
        signature = key.sign(signing_input, padding.PKCS1v15(), HASHES[alg]())
    elif alg == "HS256":
        secret = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
        )
        signature = hmac.new(secret, signing_input, hashlib.sha256).digest()
    else:
        signature = b"\x00" * 32
    return f"{protected}.{body}.{b64url(signature)}".encode()


def self_signed(key: Any, name: str = "Elimu test signer") -> x509.Certificate:
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )


def x5c_of(certificate: x509.Certificate) -> list[str]:
    return [base64.b64encode(certificate.public_bytes(serialization.Encoding.DER)).decode("ascii")]


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def certificate(key) -> x509.Certificate:
    return self_signed(key)


def base_statement() -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "name": "Learner", "mbox": "mailto:learner@example.gov"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-US": "attended"}},
        "object": {"objectType": "Activity", "id": "http://example.gov/activities/meeting"},
    }


def signature_attachment(jws: bytes) -> dict[str, Any]:
    return {
        "usageType": SIGNATURE_USAGE_TYPE,
        "display": {"en-US": "Signature"},
        "contentType": SIGNATURE_CONTENT_TYPE,
        "length": len(jws),
        "sha2": hashlib.sha256(jws).hexdigest(),
    }


def signed(statement: dict[str, Any], jws: bytes) -> dict[str, Any]:
    """The received Statement: the signed one plus its signature Attachment."""
    received = copy.deepcopy(statement)
    received.setdefault("attachments", []).append(signature_attachment(jws))
    return received


# ---------------------------------------------------------------- valid cases


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_accepts_supported_algorithms_without_certificate(key, alg):
    statement = base_statement()
    jws = make_jws(statement, key, alg=alg)
    verify_statement_signature(signed(statement, jws), jws)


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_accepts_signature_verified_against_x5c(key, certificate, alg):
    statement = base_statement()
    jws = make_jws(statement, key, alg=alg, header={"x5c": x5c_of(certificate)})
    verify_statement_signature(signed(statement, jws), jws)


def test_accepts_x5c_with_matching_thumbprints(key, certificate):
    der = certificate.public_bytes(serialization.Encoding.DER)
    header = {
        "x5c": x5c_of(certificate),
        "x5t": b64url(hashlib.sha1(der).digest()),  # noqa: S324 - the JWS x5t header is defined as SHA-1
        "x5t#S256": b64url(hashlib.sha256(der).digest()),
    }
    statement = base_statement()
    jws = make_jws(statement, key, header=header)
    verify_statement_signature(signed(statement, jws), jws)


def test_jws_with_surrounding_whitespace(key):
    statement = base_statement()
    jws = make_jws(statement, key)
    verify_statement_signature(signed(statement, jws), b"  " + jws + b"\r\n")


def test_other_attachments_signed_with_the_statement(key):
    statement = base_statement()
    statement["attachments"] = [
        {
            "usageType": "http://example.gov/attachment-usage/certificate",
            "display": {"en-US": "Certificate"},
            "contentType": "application/pdf",
            "length": 3,
            "sha2": hashlib.sha256(b"pdf").hexdigest(),
        }
    ]
    jws = make_jws(statement, key)
    verify_statement_signature(signed(statement, jws), jws)


def test_statement_signed_without_id_gets_id_from_lrs(key):
    statement = base_statement()
    del statement["id"]
    jws = make_jws(statement, key)
    received = signed(statement, jws)
    received["id"] = str(uuid.uuid4())
    verify_statement_signature(received, jws)


def test_lrs_set_properties_are_ignored(key):
    statement = base_statement()
    jws = make_jws(statement, key)
    received = signed(statement, jws)
    received.update(
        stored="2024-01-01T00:00:00.000Z",
        timestamp="2024-01-01T00:00:00.000Z",
        version="1.0.3",
        authority={"objectType": "Agent", "account": {"homePage": "https://lrs.example.gov", "name": "client"}},
    )
    verify_statement_signature(received, jws)


def test_authority_and_version_in_payload_may_be_overwritten(key):
    statement = base_statement()
    statement["version"] = "1.0.0"
    statement["authority"] = {"objectType": "Agent", "mbox": "mailto:old@example.gov"}
    jws = make_jws(statement, key)
    received = signed(statement, jws)
    received["version"] = "2.0.0"
    received["authority"] = {"objectType": "Agent", "mbox": "mailto:new@example.gov"}
    verify_statement_signature(received, jws)


def test_suite_style_signature_without_x5c_uses_a_pem_key_not_given_to_lrs(other_key):
    # Without x5c there is no key to verify with: only the form and payload are checked.
    statement = base_statement()
    jws = make_jws(statement, other_key)
    verify_statement_signature(signed(statement, jws), jws)


# ------------------------------------------------------- logical equivalence


def equivalent(payload: dict[str, Any], received: dict[str, Any]) -> bool:
    return signed_payload_matches(received, payload)


def test_timestamps_compare_as_instants():
    payload = base_statement() | {"timestamp": "2023-05-04T12:00:00-05:00"}
    assert equivalent(payload, payload | {"timestamp": "2023-05-04T17:00:00.000Z"})
    assert equivalent(payload, payload | {"timestamp": "2023-05-04T17:00:00.0004+00:00"})
    assert not equivalent(payload, payload | {"timestamp": "2023-05-04T17:00:01Z"})
    assert not equivalent(payload, {k: v for k, v in payload.items() if k != "timestamp"})


def test_ids_compare_case_insensitively_but_must_match():
    payload = base_statement()
    assert equivalent(payload, payload | {"id": payload["id"].upper()})
    assert not equivalent(payload, payload | {"id": str(uuid.uuid4())})
    assert not equivalent(payload, {k: v for k, v in payload.items() if k != "id"})


def test_duration_compared_to_hundredths():
    payload = base_statement() | {"result": {"duration": "P1DT12H36M0.12S"}}
    assert equivalent(payload, payload | {"result": {"duration": "P1DT12H36M0.1237S"}})
    assert equivalent(payload, payload | {"result": {"duration": "P1DT12H36M0.120S"}})
    assert not equivalent(payload, payload | {"result": {"duration": "P1DT12H36M0.13S"}})
    whole = base_statement() | {"result": {"duration": "PT5S"}}
    assert equivalent(whole, whole | {"result": {"duration": "PT5.004S"}})
    assert not equivalent(whole, whole | {"result": {"duration": "PT6S"}})


def test_mbox_domain_and_scheme_case_insensitive_local_part_not():
    payload = base_statement()
    assert equivalent(payload, payload | {"actor": payload["actor"] | {"mbox": "MAILTO:learner@EXAMPLE.gov"}})
    assert not equivalent(payload, payload | {"actor": payload["actor"] | {"mbox": "mailto:Learner@example.gov"}})


def test_default_object_types():
    payload = base_statement()
    received = copy.deepcopy(payload)
    del received["actor"]["objectType"]
    del received["object"]["objectType"]
    assert equivalent(payload, received)
    received["object"]["objectType"] = "Agent"
    assert not equivalent(payload, received)


def test_group_members_are_unordered():
    members = [{"mbox": "mailto:a@example.gov"}, {"mbox": "mailto:b@example.gov", "objectType": "Agent"}]
    payload = base_statement() | {"actor": {"objectType": "Group", "member": members}}
    received = payload | {"actor": {"objectType": "Group", "member": list(reversed(members))}}
    assert equivalent(payload, received)
    assert not equivalent(payload, payload | {"actor": {"objectType": "Group", "member": members[:1]}})


def test_context_activities_single_object_equals_list_and_registration_case():
    registration = str(uuid.uuid4())
    parent = {"id": "http://example.gov/activities/course"}
    payload = base_statement() | {"context": {"registration": registration, "contextActivities": {"parent": parent}}}
    received = payload | {
        "context": {"registration": registration.upper(), "contextActivities": {"parent": [parent | {"objectType": "Activity"}]}}
    }
    assert equivalent(payload, received)


def test_language_tags_are_case_insensitive():
    payload = base_statement() | {"context": {"language": "en-US"}}
    assert equivalent(payload, payload | {"context": {"language": "en-us"}})


def test_verb_display_and_activity_definitions_are_not_part_of_the_statement():
    payload = base_statement()
    received = copy.deepcopy(payload)
    received["verb"]["display"] = {"fr-FR": "a assisté"}
    received["object"]["definition"] = {"name": {"en-US": "Meeting"}}
    assert equivalent(payload, received)
    received["verb"]["id"] = "http://adlnet.gov/expapi/verbs/completed"
    assert not equivalent(payload, received)


def test_extensions_compare_exactly_true_is_not_one():
    payload = base_statement() | {"result": {"extensions": {"http://example.gov/ext": True}}}
    assert not equivalent(payload, payload | {"result": {"extensions": {"http://example.gov/ext": 1}}})
    assert equivalent(payload, copy.deepcopy(payload))


def test_substatement_is_compared_with_the_same_rules():
    sub = {
        "objectType": "SubStatement",
        "actor": {"mbox": "mailto:a@example.gov"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": "http://example.gov/activities/1"},
        "timestamp": "2023-05-04T12:00:00+01:00",
    }
    payload = base_statement() | {"object": sub}
    assert equivalent(payload, payload | {"object": sub | {"timestamp": "2023-05-04T11:00:00Z"}})
    assert not equivalent(payload, payload | {"object": sub | {"verb": {"id": "http://adlnet.gov/expapi/verbs/failed"}}})


def test_non_signature_attachments_must_match():
    attachment = {
        "usageType": "http://example.gov/attachment-usage/essay",
        "display": {"en-US": "Essay"},
        "contentType": "text/plain",
        "length": 4,
        "sha2": "AB" * 32,
    }
    payload = base_statement() | {"attachments": [attachment]}
    assert equivalent(payload, payload | {"attachments": [attachment | {"sha2": "ab" * 32, "display": {"EN-us": "Essay"}}]})
    assert not equivalent(payload, base_statement() | {"id": payload["id"]})
    assert not equivalent(payload, payload | {"attachments": [attachment | {"length": 5}]})


def test_countersigned_statement(key, other_key):
    statement = base_statement()
    first = make_jws(statement, key)
    once = signed(statement, first)
    second = make_jws(once, other_key)
    twice = signed(once, second)
    verify_statement_signature(twice, first)
    verify_statement_signature(twice, second)


# ------------------------------------------------------------------ rejections


def test_tampered_statement_is_rejected(key):
    statement = base_statement()
    jws = make_jws(statement, key)
    received = signed(statement, jws)
    received["verb"]["id"] = "http://adlnet.gov/expapi/verbs/passed"
    with pytest.raises(InvalidStatement, match="does not match"):
        verify_statement_signature(received, jws)


def test_tampered_payload_fails_x5c_verification(key, certificate):
    statement = base_statement()
    jws = make_jws(statement, key, header={"x5c": x5c_of(certificate)})
    protected, _, signature = jws.decode().split(".")
    forged = statement | {"result": {"success": True}}
    tampered = f"{protected}.{b64url(json.dumps(forged).encode())}.{signature}".encode()
    with pytest.raises(InvalidStatement, match="does not verify"):
        verify_statement_signature(signed(forged, tampered), tampered)


def test_signature_by_another_key_than_the_certificate(other_key, certificate):
    statement = base_statement()
    jws = make_jws(statement, other_key, header={"x5c": x5c_of(certificate)})
    with pytest.raises(InvalidStatement, match="does not verify"):
        verify_statement_signature(signed(statement, jws), jws)


def test_algorithm_mismatch_with_certificate(key, certificate):
    # Signed with SHA-512 but the header claims RS256.
    statement = base_statement()
    jws = make_jws(statement, key, alg="RS512", header={"x5c": x5c_of(certificate)})
    protected = b64url(json.dumps({"alg": "RS256", "x5c": x5c_of(certificate)}).encode())
    _, body, signature = jws.decode().split(".")
    relabelled = f"{protected}.{body}.{signature}".encode()
    with pytest.raises(InvalidStatement):
        verify_statement_signature(signed(statement, relabelled), relabelled)


@pytest.mark.parametrize("alg", ["HS256", "none", "ES256", "PS256", "rs256", None])
def test_unsupported_algorithms(key, alg):
    statement = base_statement()
    jws = make_jws(statement, key, alg=alg) if alg else make_jws(statement, key, alg="RS256")
    if alg is None:
        _, body, signature = jws.decode().split(".")
        jws = f"{b64url(b'{}')}.{body}.{signature}".encode()
    with pytest.raises(InvalidStatement, match="algorithm"):
        verify_statement_signature(signed(statement, jws), jws)


def test_payload_that_is_not_json(key):
    statement = base_statement()
    broken = json.dumps(statement).replace('"', "'", 1).encode()
    jws = make_jws(None, key, raw_payload=broken)
    with pytest.raises(InvalidStatement, match="payload is not valid JSON"):
        verify_statement_signature(signed(statement, jws), jws)


@pytest.mark.parametrize("payload", [b"[1, 2]", b'"statement"', b"NaN"])
def test_payload_that_is_not_a_statement_object(key, payload):
    jws = make_jws(None, key, raw_payload=payload)
    with pytest.raises(InvalidStatement):
        verify_statement_signature(signed(base_statement(), jws), jws)


@pytest.mark.parametrize(
    "jws",
    [
        b"",
        b"not a jws",
        b"a.b",
        b"a.b.c.d",
        b"eyJhbGciOiJSUzI1NiJ9.e30",
        b"eyJhbGciOiJSUzI1NiJ9.e30.",  # empty signature
        b"eyJhbGciOiJSUzI1NiJ9.e3 0.c2ln",
        b"eyJhbGciOiJSUzI1NiJ9.e30.c2ln+/",
        b"bm90IGpzb24.e30.c2ln",  # header "not json"
        b"WzFd.e30.c2ln",  # header [1]
        b'{"payload":"e30","signatures":[]}',  # JSON serialization
        "é.e30.c2ln".encode(),
        b"\xff\xfe",
    ],
)
def test_malformed_jws(jws):
    with pytest.raises(InvalidStatement):
        verify_statement_signature({}, jws)


def test_crit_header_is_not_understood(key):
    statement = base_statement()
    jws = make_jws(statement, key, header={"crit": ["exp"], "exp": 1})
    with pytest.raises(InvalidStatement, match="extensions"):
        verify_statement_signature(signed(statement, jws), jws)


def test_x5c_that_is_not_a_certificate(key):
    statement = base_statement()
    for x5c in (["bm90IGEgY2VydA=="], [], "MIIB", [123], ["***"]):
        jws = make_jws(statement, key, header={"x5c": x5c})
        with pytest.raises(InvalidStatement, match="x5c"):
            verify_statement_signature(signed(statement, jws), jws)


def test_x5c_with_non_rsa_key(key):
    ec_key = ec.generate_private_key(ec.SECP256R1())
    statement = base_statement()
    jws = make_jws(statement, key, header={"x5c": x5c_of(self_signed(ec_key))})
    with pytest.raises(InvalidStatement, match="RSA"):
        verify_statement_signature(signed(statement, jws), jws)


def test_x5t_thumbprint_mismatch(key, certificate):
    statement = base_statement()
    header = {"x5c": x5c_of(certificate), "x5t#S256": b64url(b"\x00" * 32)}
    jws = make_jws(statement, key, header=header)
    with pytest.raises(InvalidStatement, match="thumbprint"):
        verify_statement_signature(signed(statement, jws), jws)


def test_rejection_is_a_400(key):
    statement = base_statement()
    jws = make_jws(statement, key, alg="HS256")
    with pytest.raises(BadRequest) as caught:
        verify_statement_signature(signed(statement, jws), jws)
    assert caught.value.status == 400
    assert "signature" in caught.value.message
