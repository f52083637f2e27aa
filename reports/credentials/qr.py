"""The QR code a PDF transcript carries, leading a reader to its verification page."""

from __future__ import annotations

import io

import segno


def verification_qr_png(url: str, *, scale: int = 4) -> bytes:
    """A PNG QR code of ``url`` (error correction M, quiet zone kept) for printing on a transcript."""
    image = io.BytesIO()
    segno.make_qr(url, error="m").save(image, kind="png", scale=scale, border=4)
    return image.getvalue()
