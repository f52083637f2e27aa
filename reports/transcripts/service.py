"""The unified transcript of a learner: every recognised course with its outcome, and totals.

``transcript_for`` is the one builder every rendering, the registrar feed and the credentials
package use; its JSON shape is part of the interface contract:
``{learner, lines: [{course: {code, title, level, hours, credits}, centre, outcome, score_percent,
completed_at, certificate_number?, expires_at?, evidence}], totals}``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.centres.models import Centre
from lrs.db import utcnow
from lrs.xapi.timestamps import format_timestamp
from reports.catalogue.models import Course
from reports.learners.models import Learner
from reports.learners.service import get_learner
from reports.normalise.models import LearningRecord
from reports.normalise.policy import CREDITED, Status, current_status

# Records that make a transcript line: an outcome was reached (enrolments and progress do not).
LINE_STATUSES = frozenset({Status.COMPLETED, Status.PASSED, Status.FAILED, Status.CERTIFIED, Status.REVOKED})


def transcript_for(session: Session, learner_id: int, *, now: datetime | None = None) -> dict[str, Any]:
    """The learner's transcript as JSON-ready data.

    Raises:
        NotFound: no such learner.
    """
    learner = get_learner(session, learner_id)
    return transcripts_for(session, [learner], now=now)[learner.id]


def transcripts_for(session: Session, learners: Sequence[Learner], *, now: datetime | None = None) -> dict[int, dict[str, Any]]:
    """Transcripts of several learners at once (the feed builds a page with one query per table)."""
    now = now or utcnow()
    ids = [learner.id for learner in learners]
    rows = session.execute(
        select(LearningRecord, Course)
        .join(Course, Course.id == LearningRecord.course_id)
        .where(LearningRecord.learner_id.in_(ids), LearningRecord.status.in_(LINE_STATUSES))
    ).all()
    centre_ids = {record.source_centre_id or course.centre_id for record, course in rows}
    centres = {centre.id: centre for centre in session.scalars(select(Centre).where(Centre.id.in_(centre_ids)))}
    lines: dict[int, list[tuple[LearningRecord, Course]]] = defaultdict(list)
    for record, course in rows:
        lines[record.learner_id].append((record, course))
    return {
        learner.id: _transcript(learner, sorted(lines[learner.id], key=_line_order), centres, now)
        for learner in learners
    }


def _line_order(pair: tuple[LearningRecord, Course]) -> tuple[str, str]:
    record, course = pair
    return (record.completed_at.isoformat() if record.completed_at else "", course.code)


def _transcript(
    learner: Learner, rows: list[tuple[LearningRecord, Course]], centres: dict[int, Centre], now: datetime
) -> dict[str, Any]:
    lines = [_line(record, course, centres.get(record.source_centre_id or course.centre_id), now) for record, course in rows]
    return {"learner": learner_json(learner), "lines": lines, "totals": _totals(lines, rows)}


def learner_json(learner: Learner) -> dict[str, Any]:
    return {
        "id": learner.id,
        "name": learner.name,
        "institution": learner.institution,
        "cohort": learner.cohort,
        "identifiers": [{"scheme": i.scheme, "value": i.value} for i in learner.identifiers],
    }


def _line(record: LearningRecord, course: Course, centre: Centre | None, now: datetime) -> dict[str, Any]:
    line: dict[str, Any] = {
        "course": {
            "code": course.code,
            "title": course.title,
            "framework": course.framework,
            "level": course.level,
            "hours": course.hours,
            "credits": course.credits,
            "track": course.track,
            "achievement_type": course.achievement_type,
        },
        "centre": {"id": centre.id, "slug": centre.slug, "name": centre.name} if centre else None,
        "outcome": current_status(record.status, record.expires_at, now),
        "score_percent": record.score_percent,
        "completed_at": _timestamp(record.completed_at),
        "evidence": list(record.evidence),
    }
    if record.certificate_number is not None:
        line["certificate_number"] = record.certificate_number
    if record.expires_at is not None:
        line["expires_at"] = _timestamp(record.expires_at)
    return line


def _totals(lines: list[dict[str, Any]], rows: list[tuple[LearningRecord, Course]]) -> dict[str, Any]:
    """Hours and credits earned (current outcomes only), overall, per track and per framework level."""
    totals: dict[str, Any] = {"hours": 0.0, "credits": 0.0, "by_track": {}, "by_level": {}}
    for line, (_, course) in zip(lines, rows, strict=True):
        if line["outcome"] not in CREDITED:
            continue
        for bucket in (totals, _bucket(totals["by_track"], course.track), _bucket(totals["by_level"], f"{course.framework} {course.level}")):
            bucket["hours"] = round(bucket["hours"] + course.hours, 2)
            bucket["credits"] = round(bucket["credits"] + course.credits, 2)
    return totals


def _bucket(buckets: dict[str, dict[str, float]], key: str) -> dict[str, float]:
    return buckets.setdefault(key, {"hours": 0.0, "credits": 0.0})


def _timestamp(moment: datetime | None) -> str | None:
    return format_timestamp(moment) if moment is not None else None
