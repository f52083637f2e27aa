"""Data Integrity proofs with the ``eddsa-rdfc-2022`` cryptosuite (W3C vc-di-eddsa), offline.

Signing and verifying follow the spec: canonicalise the document without its proof and the proof
options without ``proofValue`` (carrying the document's ``@context``) with RDFC-1.0 — pyld calls it
URDNA2015, same output — then sign SHA-256(proof options) || SHA-256(document) with Ed25519 and
encode the signature as multibase base58btc.

Every JSON-LD context is served from the copies pinned inside the ``openbadgeslib`` wheel (VC 2.0,
Data Integrity, Multikey, OB 3.0, CLR 2.0.1): nothing is fetched at run time, and a document naming
any other context, or an inline one, fails. RDFC-1.0 is exponential on hostile blank-node graphs,
and the verify endpoint takes anyone's input, so canonicalisation runs on a work budget.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from cachetools import LRUCache
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from openbadgeslib.ob3 import bundled_clr_contexts
from openbadgeslib.ob3.contexts import bundled_contexts
from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver
from pyld.identifier_issuer import IdentifierIssuer

from reports.credentials.multikey import MultibaseError, b58encode, multibase_decode

CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_TYPE = "DataIntegrityProof"
PROOF_PURPOSE = "assertionMethod"
# Identifier look-ups RDFC-1.0 may make for one document. Elimu's largest transcripts need a few
# thousand; a poison graph needs millions.
CANONICALISATION_BUDGET = 200_000

# pyld's caches are not thread-safe and gunicorn serves with threads; canonicalisation is pure
# Python, so serialising it costs no throughput under the GIL.
_PYLD_LOCK = threading.Lock()
_RESOLVED_CONTEXTS: LRUCache[str, Any] = LRUCache(maxsize=256)


class ProofError(ValueError):
    """A proof that cannot be made, or a document whose proof does not verify."""


@functools.cache
def pinned_contexts() -> dict[str, dict[str, Any]]:
    """Every context Elimu reads credentials with, by URL: the copies openbadgeslib pins."""
    return {**bundled_contexts(), **bundled_clr_contexts()}


class OfflineLoader:
    """A pyld document loader serving the pinned contexts (plus ``extra``) and refusing anything else."""

    def __init__(self, extra: Mapping[str, dict[str, Any]] | None = None) -> None:
        self.extra = dict(extra or {})

    def knows(self, url: str) -> bool:
        return url in self.extra or url in pinned_contexts()

    def __call__(self, url: str, _options: Any = None) -> dict[str, Any]:
        if url in self.extra:  # not tagged static: extras must not outlive this loader in the shared cache
            return {"contextUrl": None, "documentUrl": url, "document": self.extra[url]}
        if not self.knows(url):
            raise ProofError(f"the JSON-LD context {url} is not one Elimu knows (contexts are never fetched)")
        return {"contextUrl": None, "documentUrl": url, "document": pinned_contexts()[url], "tag": "static"}

    def require_known_contexts(self, document: Any) -> None:
        """Refuse inline contexts and unknown context URLs anywhere in ``document``, before pyld reads it.

        Raises:
            ProofError: a ``@context`` that is not a known URL or a list of them.
        """
        stack = [document]
        while stack:
            node = stack.pop()
            if isinstance(node, list):
                stack.extend(node)
                continue
            if not isinstance(node, dict):
                continue
            if "@context" in node:
                contexts = node["@context"]
                for url in contexts if isinstance(contexts, list) else [contexts]:
                    if not isinstance(url, str):
                        raise ProofError("inline @context objects are not accepted; name published contexts by URL")
                    if not self.knows(url):
                        raise ProofError(f"the JSON-LD context {url} is not one Elimu knows (contexts are never fetched)")
            stack.extend(value for key, value in node.items() if key != "@context")


class _MeteredIssuer(IdentifierIssuer):  # type: ignore[misc]
    """RDFC-1.0's canonical issuer, counting the look-ups every step of the algorithm makes."""

    def __init__(self, prefix: str, budget: int) -> None:
        super().__init__(prefix)
        self.budget = budget

    def has_id(self, old: str) -> bool:
        self.budget -= 1
        if self.budget < 0:
            raise ProofError("the document is too costly to canonicalise (is it a hostile blank-node graph?)")
        return old in self.existing


class _BoundedRDFC(URDNA2015):  # type: ignore[misc]
    """RDFC-1.0 that gives up after a fixed amount of work."""

    def __init__(self, budget: int) -> None:
        super().__init__()
        self.canonical_issuer = _MeteredIssuer("_:c14n", budget)


def canonize(document: dict[str, Any], loader: OfflineLoader) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document.

    Raises:
        ProofError: the document names an unknown context, has a member no context defines, is not
            valid JSON-LD, or is too costly to canonicalise.
    """
    dropped: list[str | None] = []
    with _PYLD_LOCK:
        options = {
            "documentLoader": loader,
            "base": "",
            "contextResolver": ContextResolver(_RESOLVED_CONTEXTS, loader),
        }
        try:
            dataset = jsonld.JsonLdProcessor(on_property_dropped=dropped.append).to_rdf(document, options)
        except jsonld.JsonLdError as error:
            raise _cause(error) from None
        if dropped:
            # The VC 2.0 context has no @vocab: a member no context defines vanishes from the RDF, so
            # no proof covers it. A document carrying one says more than its signature does.
            raise ProofError(f"the member {dropped[0]!r} is not defined by the credential's contexts, so no proof covers it")
        return str(_BoundedRDFC(CANONICALISATION_BUDGET).main(dataset, {"format": "application/n-quads"}))


def _cause(error: BaseException) -> ProofError:
    """The ProofError behind a pyld error (an unknown context), or one describing it."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ProofError):
            return cause
        cause = cause.__cause__
    return ProofError(f"not valid JSON-LD: {str(error).splitlines()[0][:200]}")


def hash_data(unsecured: dict[str, Any], proof_options: dict[str, Any], loader: OfflineLoader) -> bytes:
    """SHA-256(canonical proof options) || SHA-256(canonical document), the bytes Ed25519 signs."""
    options = {key: value for key, value in proof_options.items() if key != "proofValue"}
    options["@context"] = unsecured.get("@context")
    options_hash = hashlib.sha256(canonize(options, loader).encode()).digest()
    document_hash = hashlib.sha256(canonize(unsecured, loader).encode()).digest()
    return options_hash + document_hash


def sign(
    document: dict[str, Any],
    key: Ed25519PrivateKey,
    verification_method: str,
    *,
    created: datetime | None = None,
    loader: OfflineLoader | None = None,
) -> dict[str, Any]:
    """A copy of ``document`` secured with an eddsa-rdfc-2022 DataIntegrityProof.

    Raises:
        ProofError: the document already has a proof or cannot be canonicalised.
    """
    if "proof" in document:
        raise ProofError("the document already carries a proof")
    moment = (created or datetime.now(UTC)).astimezone(UTC)
    proof = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }
    loader = loader or OfflineLoader()
    loader.require_known_contexts(document)
    signature = key.sign(hash_data(document, proof, loader))
    signed = copy.deepcopy(document)
    signed["proof"] = {**proof, "proofValue": "z" + b58encode(signature)}
    return signed


def select_proof(document: dict[str, Any]) -> dict[str, Any]:
    """The document's one eddsa-rdfc-2022 assertion proof.

    Raises:
        ProofError: none, several, or one that is malformed.
    """
    raw = document.get("proof")
    proofs = raw if isinstance(raw, list) else [raw] if raw is not None else []
    ours = [p for p in proofs if isinstance(p, dict) and p.get("type") == PROOF_TYPE and p.get("cryptosuite") == CRYPTOSUITE]
    if not ours:
        raise ProofError(f"the credential carries no {PROOF_TYPE} with cryptosuite {CRYPTOSUITE}")
    if len(ours) > 1:
        raise ProofError(f"the credential carries several {CRYPTOSUITE} proofs")
    proof = ours[0]
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        raise ProofError(f"the proof's purpose is {proof.get('proofPurpose')!r}, not {PROOF_PURPOSE}")
    if not isinstance(proof.get("verificationMethod"), str) or not proof["verificationMethod"]:
        raise ProofError("the proof names no verificationMethod")
    return proof


def verify(document: dict[str, Any], public_key: Ed25519PublicKey, *, loader: OfflineLoader | None = None) -> None:
    """Check ``document``'s proof was made over exactly this document by ``public_key``.

    Raises:
        ProofError: the proof is missing, malformed or does not verify.
    """
    proof = select_proof(document)
    value = proof.get("proofValue")
    try:
        signature = multibase_decode(value) if isinstance(value, str) else b""
    except MultibaseError:
        signature = b""
    if len(signature) != 64:
        raise ProofError("the proofValue is not a base58btc Ed25519 signature")
    loader = loader or OfflineLoader()
    loader.require_known_contexts(document)
    unsecured = {key: item for key, item in document.items() if key != "proof"}
    try:
        public_key.verify(signature, hash_data(unsecured, proof, loader))
    except InvalidSignature:
        raise ProofError("the signature does not match: the credential was changed or signed by another key") from None
