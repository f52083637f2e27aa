"""The transcript -> credential mapping, the status list encoding and the QR code, as pure functions."""

from __future__ import annotations

import io
import json
import uuid
from datetime import UTC, datetime
from typing import Any

import png
import pytest
import segno
from openbadgeslib.ob3 import decode_encoded_list, encode_bitstring, set_indices

from reports.credentials import clr
from reports.credentials.qr import verification_qr_png
from reports.credentials.schema import SchemaError, check_schema
from reports.credentials.status import StatusListError, decode_bits, encode_bits, is_set, status_entries

BASE = "https://skills.gov.example"


def transcript(*lines: dict[str, Any]) -> dict[str, Any]:
    return {"learner": {"id": 3, "name": "Jean Uwase", "identifiers": [{"scheme": "rw-ippis", "value": "IP0042"},
                                                                        {"scheme": "rw-national-id", "value": "1199080012345678"}]},
            "lines": list(lines), "totals": {}}


def line(outcome: str, **extra: Any) -> dict[str, Any]:
    return {"course": {"code": "RW-AI-1", "title": "AI for public servants", "level": 4, "framework": "RQF", "hours": 15,
                       "credits": 1.5, "achievement_type": "course"},
            "centre": {"id": 9, "slug": "rmi", "name": "Rwanda Management Institute"}, "outcome": outcome,
            "score_percent": 64.5, "completed_at": "2026-09-30T10:00:00.000Z", "evidence": ["c0ffee00-0000-4000-8000-000000000001"],
            **extra}


def issuance() -> clr.Issuance:
    return clr.Issuance(BASE, clr.issuer_profile("did:web:skills.gov.example", "Ministry of Public Service", BASE),
                        uuid.UUID("6b7c1f53-61a6-4c47-9a2a-0f1f0d5f4d11"), datetime(2026, 12, 1, 9, 0, tzinfo=UTC),
                        status_entries(BASE, 5), "00112233445566778899aabbccddeeff")


def test_a_line_becomes_an_achievement_credential() -> None:
    [member] = clr.achievement_credentials(transcript(line("passed")), issuance())
    subject = member["credentialSubject"]
    achievement = subject["achievement"]
    assert member["type"] == ["VerifiableCredential", "AchievementCredential"]
    assert (achievement["humanCode"], achievement["achievementType"], achievement["creditsAvailable"]) == ("RW-AI-1", "Course", 1.5)
    assert achievement["alignment"][0]["targetName"] == "RQF level 4"
    assert achievement["alignment"][0]["targetFramework"] == "Rwanda Qualifications Framework"
    assert subject["result"] == [{"type": ["Result"], "status": "Completed", "value": "64.5",
                                  "resultDescription": f"{BASE}/api/v1/courses/RW-AI-1#score"}]
    assert subject["creditsEarned"] == 1.5
    assert subject["activityEndDate"] == "2026-09-30T10:00:00Z"
    assert subject["source"] == {"id": f"{BASE}/api/v1/centres/9", "type": ["Profile"], "name": "Rwanda Management Institute"}
    assert member["evidence"][0]["id"] == f"{BASE}/xapi/statements?statementId=c0ffee00-0000-4000-8000-000000000001"
    assert member["credentialStatus"] == status_entries(BASE, 5)
    assert "validUntil" not in member


def test_the_learner_is_named_and_their_national_identifiers_hashed() -> None:
    identifiers = clr.learner_identifiers(transcript()["learner"], "salt")
    assert identifiers[0] == {"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": "Jean Uwase"}
    by_type = {identity["identityType"]: identity for identity in identifiers[1:]}
    assert set(by_type) == {"ext:rw-ippis", "nationalIdentityNumber"}
    assert by_type["ext:rw-ippis"]["identityHash"] == clr.identity_hash("IP0042", "salt")
    assert "1199080012345678" not in json.dumps(identifiers)


def test_failures_earn_nothing_and_revocations_are_left_out() -> None:
    members = clr.achievement_credentials(transcript(line("failed"), line("revoked"), line("certified", certificate_number="C-1",
                                                                                            expires_at="2029-09-30T00:00:00.000Z")), issuance())
    assert [m["credentialSubject"]["result"][0]["status"] for m in members] == ["Failed", "Completed"]
    assert [m["credentialSubject"]["creditsEarned"] for m in members] == [0, 1.5]
    assert members[1]["validUntil"] == "2029-09-30T00:00:00Z"
    assert members[1]["credentialSubject"]["licenseNumber"] == "C-1"
    assert len({m["id"] for m in members}) == 2


def test_the_clr_holds_the_members_and_passes_its_schema() -> None:
    data = transcript(line("passed"), line("completed"))
    members = clr.achievement_credentials(data, issuance())
    document = clr.clr_credential(data, members, issuance())
    assert document["@context"] == clr.CLR_CONTEXTS
    assert document["id"] == "urn:uuid:6b7c1f53-61a6-4c47-9a2a-0f1f0d5f4d11"
    assert document["credentialSubject"]["verifiableCredential"] == members
    assert "3 credit(s) and 30 notional hour(s)" in document["description"]
    check_schema(document)
    with pytest.raises(SchemaError, match="plain term"):
        check_schema({**document, "https://www.w3.org/2018/credentials#validUntil": "2000-01-01T00:00:00Z"})
    with pytest.raises(SchemaError, match="at least one"):
        check_schema({**document, "credentialSubject": {"type": ["ClrSubject"], "verifiableCredential": []}})


def test_whole_numbers_are_sent_as_integers() -> None:
    """JSON-LD processors elsewhere read 4.0 as the integer 4; sending 4 keeps every verifier's RDF identical."""
    assert clr.json_number(4.0) == 4 and isinstance(clr.json_number(4.0), int)
    assert clr.json_number(1.5) == 1.5


def test_status_bits_match_openbadgeslib() -> None:
    indexes = [0, 7, 8, 131071]
    encoded = encode_bits(indexes)
    assert set_indices(decode_encoded_list(encoded)) == frozenset(indexes)
    assert set_indices(decode_encoded_list(encode_bitstring(indexes))) == frozenset(indexes)
    bits = decode_bits(encode_bitstring(indexes))
    assert [is_set(bits, i) for i in (0, 1, 7, 8, 9, 131071, 200000)] == [True, False, True, True, False, True, False]
    for hostile in ("zabc", "u!!!", "u" + "A" * 10, 7):
        with pytest.raises(StatusListError):
            decode_bits(hostile)  # type: ignore[arg-type]


def test_a_gzip_bomb_is_refused() -> None:
    import base64
    import gzip

    bomb = "u" + base64.urlsafe_b64encode(gzip.compress(b"\0" * (64 * 1024 * 1024))).decode().rstrip("=")
    with pytest.raises(StatusListError, match="larger"):
        decode_bits(bomb)


def test_the_qr_code_encodes_the_verification_url() -> None:
    url = f"{BASE}/verify/6b7c1f53-61a6-4c47-9a2a-0f1f0d5f4d11"
    image = verification_qr_png(url)
    width, height, rows, _info = png.Reader(file=io.BytesIO(image)).read()
    expected = segno.make_qr(url, error="m")
    assert width == height == (expected.symbol_size(scale=4, border=4)[0])
    pixels = [list(row) for row in rows]
    # Module (0, 0) of the symbol is dark (finder pattern), drawn after the 4-module quiet zone.
    assert pixels[4 * 4][4 * 4] != pixels[0][0]
