"""A small, hand-countable world for the report tests, built through the real services.

Two centres (a Moodle school of government and a vendor academy), three courses, two institutions,
seven learners whose statements are stored and normalised exactly as the HTTP path would, and three
programmes (all-of, any-of, minimum credits). The expected figures in the tests are counted by hand
from the table below; ``NOW`` is the moment every report is asked about.

| learner | institution | cohort        | statements (course: what, when, score)                          |
|---------|-------------|---------------|-----------------------------------------------------------------|
| H1      | Health      | technical     | DL passed 2026-02-01 (80); AI certified 2026-03-10 (85)         |
| H2      | Health      | technical     | AI failed 2026-04-01 (40) and 2026-04-15 (45)                   |
| H3      | Health      | non-technical | DL enrolled 2026-05-01                                          |
| H4      | Health      | non-technical | nothing                                                         |
| T1      | Treasury    | technical     | CY progressed 2026-06-01 09:00, passed 09:10 (90)               |
| T2      | Treasury    | non-technical | DL progressed 2026-06-01, passed 2026-07-01 (70); CY passed 2026-07-05 (100) |
| T3      | Treasury    | technical     | AI certified 2020-01-01 (75, expired 2022-12-31); CY failed x5 (10..50) |
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from lrs.auth.service import authenticate
from lrs.centres.audit import APPLICANT
from lrs.centres.service import Application, apply_for_centre, decide
from lrs.db import session_scope
from lrs.outbox import forget, pending_seqs
from lrs.xapi.ownership import check_statement_ownership
from lrs.xapi.statements.store import store_statements
from lrs.xapi.validation import validate_statements
from reports.catalogue.service import NewCourse, add_mapping, create_course
from reports.learners.service import NewLearner, create_learner, link_identity
from reports.normalise.locks import hold_normaliser_lock
from reports.normalise.service import normalise_statements
from reports.programmes.institutions import InstitutionSpec, create_institution
from reports.programmes.service import InstitutionTarget, ProgrammeSpec, create_programme

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
KSG = "https://elearning.ksg.ac.ke"
HUAWEI = "https://talent.huawei.com"
HEALTH, TREASURY = "Ministry of Health", "The National Treasury"
VERBS = {
    "progressed": "http://adlnet.gov/expapi/verbs/progressed",
    "enrolled": "http://adlnet.gov/expapi/verbs/registered",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "certified": "https://w3id.org/xapi/tla/verbs/achieved",
}
COURSES = {  # code: (centre, title, track, level, hours, validity_days, activity IRI)
    "KSG-DL": ("ksg", "Digital leadership", "Digital leadership", 7, 40.0, None, f"{KSG}/course/view.php?id=11"),
    "KSG-CY": ("ksg", "Cyber hygiene", "Security", 5, 10.0, None, f"{KSG}/course/view.php?id=12"),
    "HCIA-AI": ("huawei", "HCIA-AI", "AI", 6, 60.0, 1095, f"{HUAWEI}/certification/hcia-ai"),
}
LEARNERS = {  # key: (institution, cohort, ke-upn)
    "H1": (HEALTH, "technical", "1001"), "H2": (HEALTH, "technical", "1002"),
    "H3": (HEALTH, "non-technical", "1003"), "H4": (HEALTH, "non-technical", "1004"),
    "T1": (TREASURY, "technical", "2001"), "T2": (TREASURY, "non-technical", "2002"), "T3": (TREASURY, "technical", "2003"),
}
ACTIVITY = [  # learner, course, what, when, score
    ("H1", "KSG-DL", "passed", "2026-02-01T10:00:00Z", 80),
    ("H1", "HCIA-AI", "certified", "2026-03-10T10:00:00Z", 85),
    ("H2", "HCIA-AI", "failed", "2026-04-01T10:00:00Z", 40),
    ("H2", "HCIA-AI", "failed", "2026-04-15T10:00:00Z", 45),
    ("H3", "KSG-DL", "enrolled", "2026-05-01T10:00:00Z", None),
    ("T1", "KSG-CY", "progressed", "2026-06-01T09:00:00Z", None),
    ("T1", "KSG-CY", "passed", "2026-06-01T09:10:00Z", 90),
    ("T2", "KSG-DL", "progressed", "2026-06-01T10:00:00Z", None),
    ("T2", "KSG-DL", "passed", "2026-07-01T10:00:00Z", 70),
    ("T2", "KSG-CY", "passed", "2026-07-05T10:00:00Z", 100),
    ("T3", "HCIA-AI", "certified", "2020-01-01T10:00:00Z", 75),
    *[("T3", "KSG-CY", "failed", f"2026-08-0{day}T10:00:00Z", score) for day, score in zip(range(1, 6), (10, 20, 30, 40, 50), strict=True)],
]


@dataclass
class World:
    """Ids of what the scenario created."""

    centres: dict[str, int] = field(default_factory=dict)
    learners: dict[str, int] = field(default_factory=dict)
    institutions: dict[str, int] = field(default_factory=dict)
    programmes: dict[str, int] = field(default_factory=dict)


def email(key: str) -> str:
    return f"{key.lower()}@example.go.ke"


def build_world(app: Flask) -> World:
    """Create and commit the whole scenario."""
    world = World()
    with app.app_context(), session_scope(app) as session:
        principals = {}
        for slug, name, kind, home in (("ksg", "Kenya School of Government", "school_of_government", KSG),
                                       ("huawei", "Huawei ICT Academy", "vendor_academy", HUAWEI)):
            centre = apply_for_centre(session, Application(name, kind, "KE", f"ACC-{slug}", f"info@{slug}.example", [home], [f"{home}/"]))
            issued = decide(session, centre.id, "approve", by=APPLICANT, reason="scenario").credential
            assert issued is not None
            principals[slug] = authenticate(session, issued.client.key, issued.secret, base_url="http://test")
            world.centres[slug] = centre.id
        for code, (centre, title, track, level, hours, validity, iri) in COURSES.items():
            course = create_course(session, NewCourse(code, title, str(world.centres[centre]), "Course", track, "KNQF", level, hours, validity_days=validity))
            add_mapping(session, course, world.centres[centre], iri, is_prefix=False)
        for key, (institution, cohort, upn) in LEARNERS.items():
            learner = create_learner(session, NewLearner(f"Officer {key}", institution, cohort, [("ke-upn", upn)]))
            link_identity(session, learner, {"mbox": f"mailto:{email(key)}"}, source="admin")
            world.learners[key] = learner.id
        for centre in ("ksg", "huawei"):
            statements = [_statement(*row) for row in ACTIVITY if COURSES[row[1]][0] == centre]
            _store(session, principals[centre], statements)
        _normalise(session)
        world.institutions["health"] = create_institution(session, InstitutionSpec(HEALTH, "KE", head_count=10)).id
        world.institutions["treasury"] = create_institution(session, InstitutionSpec(TREASURY, "KE")).id
        world.programmes.update(_programmes(session))
    return world


def _programmes(session: Session) -> dict[str, int]:
    start = date(2026, 1, 1)
    specs = {
        "all_of": ProgrammeSpec("Leadership and cyber hygiene", "all_of", ["KSG-DL", "KSG-CY"], start,
                                deadline=date(2026, 11, 30), is_mandatory=True),
        "any_of": ProgrammeSpec("Health digital skills", "any_of", ["HCIA-AI", "KSG-DL"], start,
                                institutions=[InstitutionTarget(HEALTH)], target_count=8, deadline=date(2026, 12, 31)),
        "credits": ProgrammeSpec("Technical cohort credits", "min_credits", ["KSG-DL", "HCIA-AI", "KSG-CY"], start,
                                 min_credits=5, cohorts=["technical"], target_count=3, deadline=date(2027, 6, 30)),
    }
    return {key: create_programme(session, spec).id for key, spec in specs.items()}


def _statement(learner: str, code: str, what: str, when: str, score: int | None) -> dict[str, Any]:
    iri = COURSES[code][6]
    statement: dict[str, Any] = {
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{learner}/{code}/{what}/{when}")),
        "actor": {"objectType": "Agent", "name": f"Officer {learner}", "mbox": f"mailto:{email(learner)}"},
        "verb": {"id": VERBS[what], "display": {"en": what}},
        "object": {"id": iri, "definition": {"type": "http://adlnet.gov/expapi/activities/course", "name": {"en": code}}},
        "timestamp": when,
    }
    if score is not None:
        statement["result"] = {"score": {"raw": score, "min": 0, "max": 100}, "completion": True}
        if what in ("passed", "failed"):
            statement["result"]["success"] = what == "passed"
    return statement


def _store(session: Session, principal: Any, statements: list[dict[str, Any]]) -> None:
    """What POST /xapi/statements does: validate, check the centre owns them, store."""
    statements = validate_statements(statements, version="1.0.3")
    check_statement_ownership(principal, statements)
    store_statements(session, statements, principal=principal, version="1.0.3")


def _normalise(session: Session) -> None:
    """What the normaliser job does with the outbox, in this transaction."""
    hold_normaliser_lock(session)
    seqs = pending_seqs(session, 100_000)
    normalise_statements(session, seqs)
    forget(session, seqs)
