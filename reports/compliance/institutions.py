"""Mandatory-training compliance per institution (share of head count compliant, against its deadline)
and the officers an institution still has to get through, as a list it can act on.

Head count: the HR figure registered for the institution, when there is one and the programme takes the
whole institution (no cohort filter); otherwise the learners registered under the institution's name.
Officers in the HR head count but not yet registered as learners are counted as ``unregistered``: they
cannot be listed by name, but they keep an institution from 100%.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Subquery, select
from sqlalchemy.orm import Session

from reports.catalogue.models import Course
from reports.compliance.progress import Summary, programme_summary
from reports.learners.models import LearnerIdentifier
from reports.normalise.models import LearningRecord
from reports.programmes.models import Institution, Programme
from reports.programmes.standing import Standing, is_credited, population, programme_records, standing_rows

DUE_SOON = timedelta(days=30)
STATUS_ORDER = ("overdue", "due_soon", "behind", "on_track", "met", "no_deadline")
STATUS_LABELS = {
    "overdue": "Overdue",
    "due_soon": "Due soon",
    "behind": "Behind",
    "on_track": "On track",
    "met": "Complete",
    "no_deadline": "No deadline",
}
PAYROLL_SCHEMES = ("ke-upn", "rw-ippis")  # what an HR office looks officers up by: listed first


@dataclass(frozen=True)
class InstitutionCompliance:
    institution_id: int | None
    name: str
    head_count: int
    head_count_source: str  # hr | learners
    learners: int
    compliant: int
    certified: int
    started: int  # reached in progress (compliant or not)
    unregistered: int
    deadline: date | None
    overdue: int  # registered learners not compliant after the deadline
    percent: float
    expected_percent: float | None
    status: str

    @property
    def outstanding(self) -> int:
        return self.head_count - self.compliant


def institution_deadlines(programme: Programme) -> dict[str, date | None]:
    """Each named institution's deadline (its own, or the programme's)."""
    return {link.institution.name: link.deadline or programme.deadline for link in programme.institutions}


def institution_compliance(session: Session, programme: Programme, now: datetime, summary: Summary | None = None) -> list[InstitutionCompliance]:
    """One row per institution of the population, most urgent first (from ``summary`` when the caller has one)."""
    summary = summary or programme_summary(session, programme, now)
    counts = {name: (c.total, c.completed, c.certified, c.in_progress) for name, c in summary.institutions.items()}
    deadlines = institution_deadlines(programme)
    names = set(counts) | set(deadlines)
    registered = {item.name: item for item in session.scalars(select(Institution).where(Institution.name.in_(names)))}
    uses_hr = not programme.cohorts
    today = now.date()
    heads = {name: _head_count(registered.get(name), counts.get(name, (0,))[0], uses_hr) for name in names}
    total_heads = sum(head for _, head in heads.values())
    # A programme aiming at fewer than everyone (a target below the head count) expects that share of each institution.
    share = min(programme.target_count / total_heads, 1.0) if programme.target_count and total_heads else 1.0
    rows = []
    for name in names:
        total, compliant, certified, started = counts.get(name, (0, 0, 0, 0))
        institution = registered.get(name)
        hr, head_count = heads[name]
        deadline = deadlines.get(name, programme.deadline)
        is_past = deadline is not None and today > deadline
        percent = round(100.0 * compliant / head_count, 1) if head_count else 100.0
        expected = _expected_percent(programme.starts_on, deadline, today, share)
        rows.append(InstitutionCompliance(
            institution_id=institution.id if institution else None, name=name, head_count=head_count,
            head_count_source="hr" if hr is not None else "learners", learners=total, compliant=compliant,
            certified=certified, started=started, unregistered=head_count - total, deadline=deadline,
            overdue=total - compliant if is_past else 0, percent=percent, expected_percent=expected,
            status=_status(percent, deadline, today, expected, 100.0 * share),
        ))
    return sorted(rows, key=lambda row: (STATUS_ORDER.index(row.status), row.percent, row.name.lower()))


def _head_count(institution: Institution | None, learners: int, uses_hr: bool) -> tuple[int | None, int]:
    """The HR figure (when it applies) and the head count used: never below the learners registered."""
    hr = institution.head_count if institution is not None and uses_hr else None
    return hr, max(hr, learners) if hr is not None else learners


def _expected_percent(starts_on: date, deadline: date | None, today: date, share: float) -> float | None:
    if deadline is None:
        return None
    span = (deadline - starts_on).days
    elapsed = 1.0 if span <= 0 else min(max((today - starts_on).days / span, 0.0), 1.0)
    return round(100.0 * share * elapsed, 1)


def _status(percent: float, deadline: date | None, today: date, expected: float | None, goal: float) -> str:
    if percent >= goal:
        return "met"
    if deadline is None or expected is None:
        return "no_deadline"
    if today > deadline:
        return "overdue"
    if deadline - today <= DUE_SOON:
        return "due_soon"
    return "on_track" if percent >= expected else "behind"


@dataclass(frozen=True)
class Officer:
    """A learner who has not met the programme's requirement yet, and what they still lack."""

    standing: Standing
    identifiers: list[str]
    missing: list[str]  # course codes still to do, or "N more credits"
    deadline: date | None
    days_overdue: int | None  # None while the deadline has not passed

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue is not None


def outstanding_officers(
    session: Session, programme: Programme, now: datetime, *,
    institution: str | None = None, overdue_only: bool = False, limit: int | None = None,
) -> list[Officer]:
    """Learners of the population (of one institution, if given) not yet compliant, by name.

    ``overdue_only`` keeps those whose institution's deadline has passed.
    """
    today = now.date()
    deadlines = institution_deadlines(programme)
    names = [institution] if institution is not None else None
    if overdue_only:
        late = _late_institutions(programme, deadlines, today)
        if late is not None:
            names = [name for name in (names or late) if name in late]
            if not names:
                return []
    rows = standing_rows(session, programme, now, institutions=names, compliant=False, limit=limit)
    people = population(programme, institutions=names).subquery("people")
    identifiers, done = _identifiers(session, people), _credited_codes(session, programme, people, now)
    required = _required_codes(session, programme)
    officers = []
    for row in rows:
        due = deadlines.get(row.institution, programme.deadline)
        overdue = (today - due).days if due is not None and today > due else None
        missing = _missing(programme, required, done[row.learner_id], row)
        officers.append(Officer(row, identifiers.get(row.learner_id, []), missing, due, overdue))
    return officers


def _late_institutions(programme: Programme, deadlines: dict[str, date | None], today: date) -> list[str] | None:
    """The institutions past their deadline; None when that is every institution (the programme's passed)."""
    if deadlines:
        return [name for name, due in deadlines.items() if due is not None and today > due]
    return None if programme.deadline is not None and today > programme.deadline else []


def _missing(programme: Programme, required: list[str], done: set[str], row: Standing) -> list[str]:
    if programme.requirement == "min_credits":
        return [f"{max((programme.min_credits or 0) - row.credits, 0):g} more credits"]
    remaining = [code for code in required if code not in done]
    if programme.requirement == "any_of":
        return [" or ".join(remaining)] if remaining else []
    return remaining


def _required_codes(session: Session, programme: Programme) -> list[str]:
    return list(session.scalars(select(Course.code).where(Course.id.in_(programme.course_ids)).order_by(Course.code)))


def _identifiers(session: Session, people: Subquery) -> dict[int, list[str]]:
    """The identifiers of everyone in ``people``, payroll numbers first."""
    found: dict[int, list[str]] = defaultdict(list)
    query = (
        select(LearnerIdentifier.learner_id, LearnerIdentifier.scheme, LearnerIdentifier.value)
        .join(people, people.c.learner_id == LearnerIdentifier.learner_id)
    )
    for learner_id, scheme, value in session.execute(query):
        found[learner_id].append(f"{scheme}:{value}")
    for texts in found.values():
        texts.sort(key=lambda text: (text.split(":", 1)[0] not in PAYROLL_SCHEMES, text))
    return found


def _credited_codes(session: Session, programme: Programme, people: Subquery, now: datetime) -> dict[int, set[str]]:
    """The programme's courses each of ``people`` has a credited record in."""
    done: dict[int, set[str]] = defaultdict(set)
    query = (
        programme_records(programme, people)
        .add_columns(LearningRecord.learner_id, Course.code)
        .join(Course, Course.id == LearningRecord.course_id)
        .where(is_credited(now))
    )
    for learner_id, code in session.execute(query):
        done[learner_id].add(code)
    return done
