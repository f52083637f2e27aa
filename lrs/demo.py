"""``elimu demo``: seed a small, believable store and hand out a credential to explore it with."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lrs.auth.service import IssuedCredential, authenticate, issue_credential
from lrs.xapi.models import Statement
from lrs.xapi.statements.store import store_statements

KSG = "https://elearning.ksg.ac.ke"
COURSES = [
    ("DL101", "Digital leadership for senior officers"),
    ("CYB110", "Cyber hygiene in the public service"),
    ("AI100", "Artificial intelligence essentials"),
]
VERBS = {
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
}


def seed_demo(session: Session, *, base_url: str, officers: int = 40) -> IssuedCredential:
    """Issue a demo credential and, on an empty store, record a term of Moodle activity."""
    credential = issue_credential(session, name="Elimu demo", scopes=["all"], role="admin")
    if session.scalar(select(func.count()).select_from(Statement)) == 0:
        principal = authenticate(session, credential.client.key, credential.secret, base_url=base_url)
        store_statements(session, list(_statements(officers)), principal=principal, version="1.0.3")
    return credential


def _statements(officers: int) -> list[dict[str, Any]]:
    rng = random.Random(2026)  # noqa: S311 - reproducible demo data, not secrets
    start = datetime(2026, 9, 1, 8, tzinfo=UTC)
    made = []
    for officer in range(officers):
        for code, title in COURSES:
            if rng.random() < 0.3:
                continue
            raw = rng.randrange(35, 100)
            verb = "passed" if raw >= 50 else "failed"
            moment = start + timedelta(days=rng.randrange(80), minutes=rng.randrange(600))
            made.append(_moodle_statement(officer, code, title, verb, raw, moment))
    return made


def _moodle_statement(officer: int, code: str, title: str, verb: str, raw: int, moment: datetime) -> dict[str, Any]:
    return {
        "actor": {"name": f"Officer {officer:03d}", "account": {"homePage": KSG, "name": str(2000 + officer)}},
        "verb": {"id": VERBS[verb], "display": {"en": verb}},
        "object": {
            "id": f"{KSG}/course/{code}",
            "definition": {"type": "http://adlnet.gov/expapi/activities/course", "name": {"en": title}},
        },
        "result": {"score": {"raw": raw, "min": 0, "max": 100}, "success": verb == "passed", "completion": True},
        "context": {"platform": "Moodle", "contextActivities": {"grouping": [{"id": KSG}]}},
        "timestamp": moment.isoformat().replace("+00:00", "Z"),
    }
