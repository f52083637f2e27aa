"""Multikey encodings of Ed25519 keys: multicodec-prefixed bytes in multibase base58btc (``z...``).

``publicKeyMultibase`` in a DID document and the ``proofValue`` of a Data Integrity proof both use
base58btc; the key encodings carry the multicodec header of the key type (ed25519-pub 0xed,
ed25519-priv 0x1300, both as unsigned varints).
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: value for value, char in enumerate(ALPHABET)}
ED25519_PUB = b"\xed\x01"
ED25519_PRIV = b"\x80\x26"


class MultibaseError(ValueError):
    """A value that is not the multibase encoding it claims to be."""


def b58encode(data: bytes) -> str:
    """Base58btc (Bitcoin alphabet), leading zero bytes kept as ``1``s."""
    number = int.from_bytes(data, "big")
    encoded = ""
    while number:
        number, remainder = divmod(number, 58)
        encoded = ALPHABET[remainder] + encoded
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + encoded


def b58decode(text: str) -> bytes:
    """Bytes of a base58btc string.

    Raises:
        MultibaseError: a character outside the alphabet.
    """
    number = 0
    for char in text:
        if char not in _INDEX:
            raise MultibaseError(f"{char!r} is not a base58btc character")
        number = number * 58 + _INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


def multibase_decode(value: str) -> bytes:
    """Bytes of a base58btc multibase value (``z`` prefix)."""
    if not value.startswith("z"):
        raise MultibaseError("expected a base58btc multibase value starting with 'z'")
    return b58decode(value[1:])


def public_multikey(key: Ed25519PublicKey) -> str:
    """The ``publicKeyMultibase`` of an Ed25519 public key (``z6Mk...``)."""
    return "z" + b58encode(ED25519_PUB + key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def private_multikey(key: Ed25519PrivateKey) -> str:
    """The ``secretKeyMultibase`` of an Ed25519 private key (``z3u2...``)."""
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return "z" + b58encode(ED25519_PRIV + raw)


def public_key_from_multikey(value: str) -> Ed25519PublicKey:
    """The Ed25519 public key a ``publicKeyMultibase`` encodes.

    Raises:
        MultibaseError: not an Ed25519 public Multikey.
    """
    data = multibase_decode(value)
    if not data.startswith(ED25519_PUB) or len(data) != len(ED25519_PUB) + 32:
        raise MultibaseError("not an Ed25519 public Multikey")
    return Ed25519PublicKey.from_public_bytes(data[len(ED25519_PUB):])


def private_key_from_multikey(value: str) -> Ed25519PrivateKey:
    """The Ed25519 private key a ``secretKeyMultibase`` encodes.

    Raises:
        MultibaseError: not an Ed25519 private Multikey.
    """
    data = multibase_decode(value)
    if not data.startswith(ED25519_PRIV) or len(data) != len(ED25519_PRIV) + 32:
        raise MultibaseError("not an Ed25519 private Multikey")
    return Ed25519PrivateKey.from_private_bytes(data[len(ED25519_PRIV):])
