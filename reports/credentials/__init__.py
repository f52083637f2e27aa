"""Verifiable transcripts: the unified transcript issued as a signed 1EdTech CLR 2.0 credential.

Keys (``keys``), the issuer's did:web (``did``), the credential shapes (``clr``), Data Integrity proofs
(``proof``), revocation and suspension (``status``), verification (``verify``), and the REST API,
the human verification page and the ``elimu keys`` commands that expose them.
"""
