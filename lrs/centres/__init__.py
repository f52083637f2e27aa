"""Authorised centres: applications, the ministry's decisions, centre credentials, the audit log, and their
REST API, pages and CLI."""
