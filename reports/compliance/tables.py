"""Each report as a table (a header and rows of plain values): what the CSV exports and the pages' chart
text alternatives are made of, so the two can never disagree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from reports.compliance.activity import CentreActivity
from reports.compliance.institutions import STATUS_LABELS, InstitutionCompliance, Officer
from reports.compliance.integrity import IntegrityFlag
from reports.compliance.performers import Performer
from reports.compliance.progress import BreakdownRow, Progress
from reports.programmes.standing import STAGE_LABELS


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[Any]]


def plain(value: Any) -> Any:
    """Dates as ISO text, None as an empty cell; everything else unchanged."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _table(header: list[str], rows: list[list[Any]]) -> Table:
    return Table(header, [[plain(value) for value in row] for row in rows])


def progress_table(progress: Progress) -> Table:
    return _table(
        ["date", "enrolled", "in_progress", "completed", "certified", "target"],
        [[p.day, p.enrolled, p.in_progress, p.completed, p.certified, p.target] for p in progress.series],
    )


def breakdown_table(rows: list[BreakdownRow], by: str) -> Table:
    return _table(
        [by, "population", "enrolled", "in_progress", "completed", "certified"],
        [[row.label, row.population, row.enrolled, row.in_progress, row.completed, row.certified] for row in rows],
    )


def compliance_table(rows: list[InstitutionCompliance]) -> Table:
    return _table(
        ["institution", "head_count", "head_count_source", "registered_learners", "unregistered", "compliant",
         "certified", "percent_compliant", "expected_percent_by_now", "deadline", "overdue", "status"],
        [[r.name, r.head_count, r.head_count_source, r.learners, r.unregistered, r.compliant, r.certified, r.percent,
          r.expected_percent, r.deadline, r.overdue, STATUS_LABELS[r.status]] for r in rows],
    )


def officers_table(officers: list[Officer]) -> Table:
    return _table(
        ["learner_id", "name", "identifiers", "institution", "cohort", "stage", "still_to_do", "credits",
         "last_activity", "deadline", "days_overdue"],
        [[o.standing.learner_id, o.standing.name, " ".join(o.identifiers), o.standing.institution, o.standing.cohort,
          STAGE_LABELS[o.standing.stage], "; ".join(o.missing), o.standing.credits, o.standing.last_activity_at,
          o.deadline, o.days_overdue] for o in officers],
    )


def centres_table(rows: list[CentreActivity]) -> Table:
    return _table(
        ["centre", "learners", "enrolments", "completions", "passes", "failures", "pass_rate_percent",
         "average_score_percent", "hours_delivered"],
        [[r.name, r.learners, r.enrolments, r.completions, r.passes, r.failures, r.pass_rate, r.average_score, r.hours]
         for r in rows],
    )


def performers_table(rows: list[Performer]) -> Table:
    return _table(
        ["cohort", "rank", "learner_id", "name", "institution", "courses", "credits", "average_score_percent"],
        [[r.cohort, r.rank, r.learner_id, r.name, r.institution, r.courses, r.credits, r.average_score] for r in rows],
    )


def integrity_table(rows: list[IntegrityFlag]) -> Table:
    return _table(
        ["learner_id", "name", "institution", "course", "centre", "status", "score_percent", "attempts",
         "notional_hours", "hours_first_activity_to_completion", "proctored", "signals"],
        [[r.learner_id, r.name, r.institution, r.course_code, r.centre, r.status, r.score_percent, r.attempts,
          r.notional_hours, r.elapsed_hours, r.is_proctored, "; ".join(r.signals)] for r in rows],
    )
