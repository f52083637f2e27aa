"""Programme and compliance reports (SQL aggregates over learning records), their charts, CSV exports,
REST API and the dashboard pages administrators and registrars read them on."""
