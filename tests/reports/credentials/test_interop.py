"""An independent implementation agrees: openbadgeslib's eddsa-rdfc-2022 verifier, given the key from our
DID document, accepts every credential Elimu issues and rejects what Elimu rejects.

openbadgeslib (LGPL, its own pyld-based Data Integrity code and did:web resolution) offers
``OB3LdpVerifier`` — a full Open Badges 3.0 verifier that also checks the JSON is exactly the
compacted form of the signed RDF, the issuer binding, the validity window and the status list — and
``verify_data_integrity_proof``, the proof check alone, which is what it offers for a CLR (and for
our status lists: it checks a list's own signature only when the list is a JWT-VC).
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from openbadgeslib.ob3 import (
    OB3LdpVerifier,
    OB3VerificationError,
    add_data_integrity_proof,
    bundled_clr_contexts,
    did_key_from_pem,
    resolve_verification_method,
    verify_data_integrity_proof,
)

from tests.reports.credentials.conftest import World


def downloader(world: World) -> Any:
    """openbadgeslib's download hook: every https://127.0.0.1:8000 or http URL of ours, served by the live server."""

    def download(url: str) -> bytes:
        parts = urlsplit(url)
        response = requests.get(f"{world.live_server.url}{parts.path}", timeout=30)
        response.raise_for_status()
        return response.content

    return download


def their_verdict(document: dict[str, Any], world: World, issuer_method: str) -> bool:
    """openbadgeslib's answer, with the issuer's key it resolved from our DID document itself."""
    try:
        key = resolve_verification_method(issuer_method, download=downloader(world))
        if "ClrCredential" in document.get("type", []):
            verify_data_integrity_proof(document, key, extra_contexts=bundled_clr_contexts())
            for member in document["credentialSubject"]["verifiableCredential"]:
                OB3LdpVerifier(pubkey_pem=key).verify(member)
        else:
            OB3LdpVerifier(pubkey_pem=key).verify(document)
    except OB3VerificationError:
        return False
    return True


@pytest.fixture
def credential(world: World) -> dict[str, Any]:
    response = world.issue()
    assert response.status_code == 201, response.text
    return response.json()["credential"]


def test_openbadgeslib_accepts_everything_elimu_issues(world: World, credential: dict[str, Any]) -> None:
    download = downloader(world)
    key = resolve_verification_method(credential["proof"]["verificationMethod"], download=download)
    verify_data_integrity_proof(credential, key, extra_contexts=bundled_clr_contexts())
    did = credential["issuer"]["id"]
    for member in credential["credentialSubject"]["verifiableCredential"]:
        # Anchored to our DID: the key comes from the DID document, the status list is fetched and read.
        checked = OB3LdpVerifier.for_issuer_did(did).verify(member, check_status=True, download=download, verify_status_list=False)
        assert checked.issuer.id == did
    # openbadgeslib checks a status list's own signature only for JWT-VC lists; ours carry a Data
    # Integrity proof, which its proof verifier accepts.
    for purpose in ("revocation", "suspension"):
        listed = requests.get(f"{world.live_server.url}/api/v1/credentials/status-lists/{purpose}/0", timeout=30).json()
        verify_data_integrity_proof(listed, key)


def test_openbadgeslib_sees_a_revocation(world: World, credential: dict[str, Any]) -> None:
    public_id = credential["id"].removeprefix("urn:uuid:")
    revoked = requests.post(f"{world.live_server.url}/api/v1/credentials/{public_id}/revoke",
                            json={"reason": "issued in error"}, auth=world.registrar.auth, timeout=30)
    assert revoked.status_code == 200
    member = credential["credentialSubject"]["verifiableCredential"][0]
    with pytest.raises(OB3VerificationError, match="status .revocation. is set"):
        OB3LdpVerifier.for_issuer_did(credential["issuer"]["id"]).verify(
            member, check_status=True, download=downloader(world), verify_status_list=False)


def tampered_copies(credential: dict[str, Any]) -> dict[str, dict[str, Any]]:
    def change(path: tuple[Any, ...]) -> dict[str, Any]:
        document = copy.deepcopy(credential)
        holder = document
        for step in path[:-1]:
            holder = holder[step]
        value = holder[path[-1]]
        holder[path[-1]] = value[:-1] + ("A" if value[-1] != "A" else "B")
        return document

    member = ("credentialSubject", "verifiableCredential", 0)
    return {
        "transcript name": change(("name",)),
        "hashed national id": change(("credentialSubject", "identifier", 1, "identityHash")),
        "course title": change((*member, "credentialSubject", "achievement", "name")),
        "certificate number": change(("credentialSubject", "verifiableCredential", 2, "credentialSubject", "licenseNumber")),
        "expiry": change(("credentialSubject", "verifiableCredential", 2, "validUntil")),
        "signature": change(("proof", "proofValue")),
    }


def foreign(credential: dict[str, Any]) -> dict[str, Any]:
    """The same transcript re-signed, throughout, by a stranger's key (openbadgeslib's own signer)."""
    stranger = Ed25519PrivateKey.generate()
    pem = stranger.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    did_key = did_key_from_pem(stranger.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    method = f"{did_key}#{did_key.removeprefix('did:key:')}"
    document = copy.deepcopy(credential)
    document.pop("proof")
    subject = document["credentialSubject"]
    subject["verifiableCredential"] = [
        add_data_integrity_proof({k: v for k, v in m.items() if k != "proof"}, pem, method)
        for m in subject["verifiableCredential"]
    ]
    return add_data_integrity_proof(document, pem, method, extra_contexts=bundled_clr_contexts())


def test_both_verifiers_agree_on_valid_tampered_and_foreign_key_credentials(world: World, credential: dict[str, Any]) -> None:
    cases = {"as issued": credential, **tampered_copies(credential), "re-signed by a stranger": foreign(credential)}
    members = credential["credentialSubject"]["verifiableCredential"]
    cases |= {f"embedded {m['credentialSubject']['achievement']['humanCode']}": m for m in members}
    for name, document in cases.items():
        ours = world.verify(document)["verified"]
        theirs = their_verdict(document, world, credential["proof"]["verificationMethod"])
        assert ours == theirs, name
        assert ours is (name == "as issued" or name.startswith("embedded")), name
