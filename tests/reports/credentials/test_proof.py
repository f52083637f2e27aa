"""eddsa-rdfc-2022 against the W3C vc-di-eddsa test vectors, and what the proof refuses."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from reports.credentials import proof
from reports.credentials.multikey import b58decode, b58encode, private_key_from_multikey, public_key_from_multikey
from tests.reports.credentials.w3c_vectors import VECTORS

EXAMPLES_CONTEXT = "https://www.w3.org/ns/credentials/examples/v2"


def vector(name: str) -> Any:
    return copy.deepcopy(VECTORS[name])


@pytest.fixture
def loader() -> proof.OfflineLoader:
    """The pinned contexts plus the W3C examples context the vectors use (a test fixture only)."""
    return proof.OfflineLoader({EXAMPLES_CONTEXT: vector("credentials-examples-v2.json")})


def test_canonical_document_and_proof_options_match_the_vectors(loader: proof.OfflineLoader) -> None:
    assert proof.canonize(vector("unsigned.json"), loader) == vector("canonDocDataInt.txt")
    assert proof.canonize(vector("proofConfigDataInt.json"), loader) == vector("proofCanonDataInt.txt")


def test_hash_data_matches_the_vectors(loader: proof.OfflineLoader) -> None:
    options = {k: v for k, v in vector("proofConfigDataInt.json").items() if k != "@context"}
    data = proof.hash_data(vector("unsigned.json"), options, loader)
    assert data[:32].hex() == vector("proofHashDataInt.txt").strip()
    assert data[32:].hex() == vector("docHashDataInt.txt").strip()
    assert data.hex() == vector("combinedHashDataInt.txt").strip()


def test_signing_the_unsigned_vector_reproduces_the_signed_vector(loader: proof.OfflineLoader) -> None:
    keys = vector("keyPair.json")
    options = vector("proofConfigDataInt.json")
    signed = proof.sign(
        vector("unsigned.json"),
        private_key_from_multikey(keys["privateKeyMultibase"]),
        options["verificationMethod"],
        created=datetime.fromisoformat(options["created"].replace("Z", "+00:00")),
        loader=loader,
    )
    assert signed == vector("signedDataInt.json")
    assert signed["proof"]["proofValue"] == vector("sigBTC58DataInt.txt").strip()
    assert b58decode(signed["proof"]["proofValue"][1:]).hex() == vector("sigHexDataInt.txt").strip()


def test_the_signed_vector_verifies_and_any_change_to_it_does_not(loader: proof.OfflineLoader) -> None:
    public_key = public_key_from_multikey(vector("keyPair.json")["publicKeyMultibase"])
    signed = vector("signedDataInt.json")
    proof.verify(signed, public_key, loader=loader)
    for path in (("name",), ("credentialSubject", "alumniOf"), ("validFrom",), ("proof", "created")):
        tampered = copy.deepcopy(signed)
        holder = tampered
        for key in path[:-1]:
            holder = holder[key]
        holder[path[-1]] = holder[path[-1]][:-1] + ("X" if holder[path[-1]][-1] != "X" else "Y")
        with pytest.raises(proof.ProofError):
            proof.verify(tampered, public_key, loader=loader)


def test_a_proof_by_another_key_does_not_verify(loader: proof.OfflineLoader) -> None:
    public_key = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(proof.ProofError, match="signature does not match"):
        proof.verify(vector("signedDataInt.json"), public_key, loader=loader)


def test_contexts_are_never_fetched() -> None:
    """The vectors' examples context is not pinned, so without the fixture the document is refused."""
    with pytest.raises(proof.ProofError, match="never fetched"):
        proof.verify(vector("signedDataInt.json"), Ed25519PrivateKey.generate().public_key())


def test_inline_contexts_are_refused() -> None:
    document = {"@context": ["https://www.w3.org/ns/credentials/v2", {"@vocab": "https://evil.example/#"}]}
    with pytest.raises(proof.ProofError, match="inline"):
        proof.sign(document, Ed25519PrivateKey.generate(), "did:example:1#k")


def test_malformed_proofs_are_refused(loader: proof.OfflineLoader) -> None:
    public_key = public_key_from_multikey(vector("keyPair.json")["publicKeyMultibase"])
    signed = vector("signedDataInt.json")
    cases = {
        "no proof": {k: v for k, v in signed.items() if k != "proof"},
        "other suite": {**signed, "proof": {**signed["proof"], "cryptosuite": "ecdsa-rdfc-2019"}},
        "two proofs": {**signed, "proof": [signed["proof"], signed["proof"]]},
        "other purpose": {**signed, "proof": {**signed["proof"], "proofPurpose": "authentication"}},
        "short signature": {**signed, "proof": {**signed["proof"], "proofValue": "z" + b58encode(b"\1" * 10)}},
        "not base58": {**signed, "proof": {**signed["proof"], "proofValue": "z0OIl"}},
        "not multibase": {**signed, "proof": {**signed["proof"], "proofValue": 42}},
    }
    for name, document in cases.items():
        with pytest.raises(proof.ProofError):
            proof.verify(document, public_key, loader=loader)
            pytest.fail(name)


def test_a_poison_graph_is_refused_within_budget(loader: proof.OfflineLoader) -> None:
    """Indistinguishable blank nodes that all link to each other: RDFC-1.0's factorial case."""
    size = 9
    nodes = [{"@id": f"_:n{i}", "https://example.org/v#link": [{"@id": f"_:n{j}"} for j in range(size) if j != i]}
             for i in range(size)]
    document = {"@context": "https://www.w3.org/ns/credentials/v2", "@graph": nodes}
    with pytest.raises(proof.ProofError, match="too costly"):
        proof.canonize(document, loader)


def test_members_no_context_defines_are_neither_signed_nor_accepted() -> None:
    """The VC 2.0 context has no @vocab, so an undefined member would silently escape the signature."""
    key = Ed25519PrivateKey.generate()
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:issuer",
        "validFrom": "2026-12-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:subject"},
    }
    with pytest.raises(proof.ProofError, match="not defined"):
        proof.sign({**document, "nickname": "unsigned"}, key, "did:example:issuer#key")
    signed = proof.sign(document, key, "did:example:issuer#key")
    proof.verify(signed, key.public_key())
    with pytest.raises(proof.ProofError, match="not defined"):
        proof.verify({**signed, "credentialSubject": {**signed["credentialSubject"], "degree": "PhD"}}, key.public_key())
