"""Report figures on the hand-counted scenario of ``scenario.py``: every number here is counted from its table."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from lrs.db import session_scope
from reports.compliance.activity import centre_activity
from reports.compliance.institutions import institution_compliance, outstanding_officers
from reports.compliance.integrity import integrity_signals
from reports.compliance.performers import outstanding_performers
from reports.compliance.progress import breakdown, programme_progress
from reports.programmes.service import get_programme
from reports.programmes.standing import standing_rows

from .scenario import HEALTH, NOW, TREASURY, World, build_world


@pytest.fixture
def world(app: Flask) -> World:
    return build_world(app)


@pytest.fixture
def session(app: Flask, world: World) -> Iterator[Session]:
    with app.app_context(), session_scope(app) as session:
        yield session


def test_all_of_needs_every_course_and_dates_completion_by_the_last(session: Session, world: World) -> None:
    programme = get_programme(session, world.programmes["all_of"])
    rows = {row.name: row for row in standing_rows(session, programme, NOW)}
    assert len(rows) == 7  # every learner: the programme names no institution or cohort
    assert [name for name, row in rows.items() if row.is_compliant] == ["Officer T2"]
    assert rows["Officer T2"].completed_at.date() == date(2026, 7, 5)
    assert rows["Officer H1"].stage == "in_progress"  # DL passed, CY missing
    assert rows["Officer H4"].stage == "not_started"


def test_any_of_progress_counts_each_stage_against_the_target(session: Session, world: World) -> None:
    progress = programme_progress(session, get_programme(session, world.programmes["any_of"]), NOW)
    assert progress.population == 4  # the Ministry of Health's four learners
    assert progress.target == 8
    assert progress.reached == {"enrolled": 3, "in_progress": 2, "completed": 1, "certified": 1}
    assert progress.current == {"not_started": 1, "enrolled": 1, "in_progress": 1, "completed": 0, "certified": 1}
    # 334 of the 364 days from 1 January to the 31 December deadline: 8 x 334/364 = 7.3 expected by now.
    assert progress.expected_by_now == 7
    assert progress.status == "behind"
    by_day = {point.day: point for point in progress.series}
    assert by_day[date(2026, 1, 31)].completed == 0
    assert (by_day[date(2026, 2, 28)].enrolled, by_day[date(2026, 2, 28)].completed) == (1, 1)  # H1's DL, 1 Feb
    assert by_day[date(2026, 2, 28)].certified == 0
    assert by_day[date(2026, 3, 31)].certified == 1  # H1's AI certificate, 10 March
    assert by_day[date(2026, 4, 30)].in_progress == 2  # and H2's failed attempts from 1 April
    assert progress.series[-1].day == date(2026, 12, 1)
    assert progress.series[-1].enrolled == 3


def test_min_credits_completes_when_the_running_total_crosses(session: Session, world: World) -> None:
    programme = get_programme(session, world.programmes["credits"])
    rows = {row.name: row for row in standing_rows(session, programme, NOW)}
    assert sorted(rows) == ["Officer H1", "Officer H2", "Officer T1", "Officer T3"]  # the technical cohort
    assert rows["Officer H1"].completed_at.date() == date(2026, 3, 10)  # 4 credits on 1 Feb, 10 on 10 March
    assert rows["Officer H1"].certified_at.date() == date(2026, 3, 10)  # the AI certificate alone is 6 credits
    assert rows["Officer H1"].credits == 10
    assert rows["Officer T1"].credits == 1 and not rows["Officer T1"].is_compliant
    assert rows["Officer T3"].credits == 0  # the 2020 certificate expired at the end of 2022
    progress = programme_progress(session, programme, NOW)
    assert progress.reached == {"enrolled": 4, "in_progress": 4, "completed": 1, "certified": 1}


def test_breakdowns_by_cohort_track_and_centre(session: Session, world: World) -> None:
    programme = get_programme(session, world.programmes["any_of"])
    cohorts = {row.key: row for row in breakdown(session, programme, NOW, "cohort")}
    assert (cohorts["technical"].population, cohorts["technical"].enrolled, cohorts["technical"].completed) == (2, 2, 1)
    assert (cohorts["non-technical"].population, cohorts["non-technical"].enrolled, cohorts["non-technical"].in_progress) == (2, 1, 0)
    tracks = {row.key: row for row in breakdown(session, programme, NOW, "track")}
    assert tracks["AI"].population is None
    assert (tracks["AI"].enrolled, tracks["AI"].in_progress, tracks["AI"].completed, tracks["AI"].certified) == (2, 2, 1, 1)
    assert (tracks["Digital leadership"].enrolled, tracks["Digital leadership"].in_progress,
            tracks["Digital leadership"].completed, tracks["Digital leadership"].certified) == (2, 1, 1, 0)
    centres = {row.label: row for row in breakdown(session, programme, NOW, "centre")}
    assert centres["Huawei ICT Academy"].completed == 1
    assert centres["Kenya School of Government"].enrolled == 2
    institutions = breakdown(session, programme, NOW, "institution")
    assert [(row.key, row.population, row.completed) for row in institutions] == [(HEALTH, 4, 1)]


def test_institution_compliance_uses_the_hr_head_count_and_the_deadline(session: Session, world: World) -> None:
    programme = get_programme(session, world.programmes["all_of"])
    rows = {row.name: row for row in institution_compliance(session, programme, NOW)}
    health, treasury = rows[HEALTH], rows[TREASURY]
    assert (health.head_count, health.head_count_source, health.learners, health.unregistered) == (10, "hr", 4, 6)
    assert (health.compliant, health.percent, health.overdue, health.status) == (0, 0.0, 4, "overdue")
    assert (treasury.head_count, treasury.head_count_source, treasury.compliant, treasury.percent) == (3, "learners", 1, 33.3)
    assert treasury.overdue == 2 and treasury.deadline == date(2026, 11, 30)


def test_overdue_officers_say_what_each_still_lacks(session: Session, world: World) -> None:
    programme = get_programme(session, world.programmes["all_of"])
    officers = outstanding_officers(session, programme, NOW, institution=TREASURY, overdue_only=True)
    assert [(o.standing.name, o.missing, o.days_overdue, o.identifiers) for o in officers] == [
        ("Officer T1", ["KSG-DL"], 1, ["ke-upn:2001"]),
        ("Officer T3", ["KSG-CY", "KSG-DL"], 1, ["ke-upn:2003"]),
    ]
    everyone = outstanding_officers(session, programme, NOW, overdue_only=True)
    assert len(everyone) == 6
    # Before the deadline nobody is overdue yet, though four are still to complete.
    later = get_programme(session, world.programmes["any_of"])
    assert outstanding_officers(session, later, NOW, overdue_only=True) == []
    due = outstanding_officers(session, later, NOW)
    assert [(o.standing.name, o.missing, o.is_overdue) for o in due] == [
        ("Officer H2", ["HCIA-AI or KSG-DL"], False), ("Officer H3", ["HCIA-AI or KSG-DL"], False),
        ("Officer H4", ["HCIA-AI or KSG-DL"], False),
    ]
    credits = get_programme(session, world.programmes["credits"])
    t1 = next(o for o in outstanding_officers(session, credits, NOW) if o.standing.name == "Officer T1")
    assert t1.missing == ["4 more credits"]


def test_centre_activity(session: Session, world: World) -> None:
    rows = {row.slug: row for row in centre_activity(session)}
    ksg = rows["kenya-school-of-government"]
    assert (ksg.learners, ksg.enrolments, ksg.completions, ksg.passes, ksg.failures) == (5, 6, 4, 4, 1)
    assert (ksg.pass_rate, ksg.average_score, ksg.hours) == (80.0, 78.0, 100.0)
    huawei = rows["huawei-ict-academy"]
    assert (huawei.learners, huawei.enrolments, huawei.completions, huawei.passes, huawei.failures) == (3, 3, 2, 2, 1)
    assert (huawei.pass_rate, huawei.average_score, huawei.hours) == (66.7, 68.3, 120.0)
    within = {row.slug: row for row in centre_activity(session, programme=get_programme(session, world.programmes["any_of"]))}
    assert (within["kenya-school-of-government"].enrolments, within["huawei-ict-academy"].enrolments) == (2, 2)


def test_outstanding_performers_per_cohort(session: Session, world: World) -> None:
    ranked = [(p.cohort, p.rank, p.name, p.average_score, p.credits) for p in outstanding_performers(session)]
    assert ranked == [
        ("non-technical", 1, "Officer T2", 85.0, 5.0),
        ("technical", 1, "Officer T1", 90.0, 1.0),
        ("technical", 2, "Officer H1", 82.5, 10.0),
        ("technical", 3, "Officer T3", 75.0, 6.0),
    ]
    top = outstanding_performers(session, per_cohort=1, min_courses=2)
    assert [(p.cohort, p.name) for p in top] == [("non-technical", "Officer T2"), ("technical", "Officer H1")]
    assert len(outstanding_performers(session, min_courses=2)) == 2  # T1 and T3 completed one course each


def test_integrity_signals_flag_fast_completions_and_many_attempts(session: Session, world: World) -> None:
    flags = integrity_signals(session)
    assert [(flag.name, flag.course_code) for flag in flags] == [("Officer T1", "KSG-CY"), ("Officer T3", "KSG-CY")]
    fast, retried = flags
    assert fast.elapsed_hours == pytest.approx(10 / 60, abs=0.01)
    assert fast.signals == ["completed 10 minutes after first activity (course: 10 notional hours)"]
    assert retried.attempts == 5 and retried.signals == ["5 attempts"]
    assert integrity_signals(session, many_attempts=2)[-1].name == "Officer H2"
    assert integrity_signals(session, fast_fraction=0.01, many_attempts=10) == []
