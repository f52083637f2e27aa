"""The issuer's identity: the did:web of the deployment (from ELIMU_BASE_URL) and its DID document.

``https://gov.example/elimu`` is ``did:web:gov.example:elimu``, whose document did:web resolvers
fetch from ``https://gov.example/elimu/did.json``; a bare host resolves at
``/.well-known/did.json``. Both paths are served (``pages``), so the document is found whether or
not a reverse proxy mounts Elimu under a path. Every key of the keyring, current and retired, is a
``Multikey`` verification method and an ``assertionMethod``: retired keys no longer sign, but what
they signed must keep verifying.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from reports.credentials.keys import Keyring, SigningKey

DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def did_for(base_url: str) -> str:
    """The did:web naming the deployment at ``base_url`` (the port percent-encoded, path as ``:`` segments)."""
    parts = urlsplit(base_url)
    authority = parts.hostname or ""
    if parts.port is not None:
        authority += f":{parts.port}"
    segments = [quote(authority, safe="")] + [quote(segment, safe="") for segment in parts.path.split("/") if segment]
    return "did:web:" + ":".join(segments)


def verification_method_id(did: str, key: SigningKey) -> str:
    """The id of ``key``'s verification method in ``did``'s document."""
    return f"{did}#{key.multikey}"


def did_document(did: str, keyring: Keyring) -> dict[str, Any]:
    """The DID document listing every key of ``keyring`` as a Multikey assertion method."""
    methods = [
        {
            "id": verification_method_id(did, key),
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": key.multikey,
        }
        for key in keyring.keys
    ]
    return {
        "@context": DID_CONTEXTS,
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": [method["id"] for method in methods],
    }


def issuer_key(did: str, keyring: Keyring, verification_method: str) -> SigningKey | None:
    """The keyring key a proof's ``verificationMethod`` names, if it is one of ``did``'s methods."""
    method_did, _, fragment = verification_method.partition("#")
    if method_did != did or not fragment:
        return None
    return keyring.find(fragment)
