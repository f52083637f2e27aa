"""Connectors: how each training source's records reach the store as xAPI statements.

``core`` is the shared base (connectors owned by centres, encrypted settings, runs, checkpoints, the
ingest path shared with HTTP, rq jobs and the schedule); ``moodle`` pulls from Moodle's web services
(its push arrives at /xapi like any client); ``huawei_talent`` imports academy rosters and
certificate claims.
"""
