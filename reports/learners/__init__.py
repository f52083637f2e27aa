"""Learners (civil servants keyed by national identifiers) and the xAPI identities linked to them."""
