"""Unified transcripts: the builder, its renderings (JSON, CSV, PDF) and the registrar's feed."""
