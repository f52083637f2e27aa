"""The connectors' shared base: models, secrets, the ingest path, runs, checkpoints, jobs and schedule."""
