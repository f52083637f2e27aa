"""The reports as charts a person would rather look at than read: what each shows, its words and colours."""

from __future__ import annotations

from datetime import date

from markupsafe import Markup

from reports.compliance.activity import CentreActivity
from reports.compliance.institutions import STATUS_LABELS, InstitutionCompliance
from reports.compliance.progress import BreakdownRow, Progress
from reports.compliance.svg import Bar, Line, Segment, bar_chart, line_chart, stacked_bar
from reports.programmes.models import Programme
from reports.programmes.standing import NOT_STARTED, STAGE_LABELS, STAGES

STAGE_COLOURS = {
    NOT_STARTED: "#d0d7de",
    "enrolled": "#5c6b7a",
    "in_progress": "#0072b2",
    "completed": "#007a5a",
    "certified": "#b4490b",
}
STATUS_COLOURS = {
    "overdue": "#b42318",
    "due_soon": "#6f4e9c",
    "behind": "#9a6700",
    "on_track": "#0072b2",
    "met": "#007a5a",
    "no_deadline": "#5c6b7a",
}
_LINE_STYLE = {  # dash pattern and marker: the second channel besides colour
    "enrolled": ("2 4", None),
    "in_progress": ("7 4", None),
    "completed": (None, "circle"),
    "certified": (None, "square"),
}


def day_text(moment: date | None) -> str:
    return f"{moment.day} {moment:%b %Y}" if moment else "no date"


def progress_chart(programme: Programme, progress: Progress, chart_id: str = "progress") -> Markup:
    """Officers reaching each stage over time, against the straight line to the target."""
    lines = [
        Line(STAGE_LABELS[stage], [(p.day, getattr(p, stage)) for p in progress.series], STAGE_COLOURS[stage],
             dash=_LINE_STYLE[stage][0], marker=_LINE_STYLE[stage][1])
        for stage in STAGES
        if stage != "certified" or progress.reached["certified"]  # no certificates: no flat line at zero
    ]
    end = max(filter(None, (programme.deadline, programme.ends_on, progress.as_of)))
    if programme.deadline is not None:
        target = [(programme.starts_on, 0.0), (programme.deadline, float(progress.target))]
        if end > programme.deadline:
            target.append((end, float(progress.target)))
        lines.append(Line("Target", target, "#1b1f24", dash="10 5", width=2))
    reached = progress.reached
    expected = (
        f" {progress.expected_by_now:,} were expected by now on a straight line to the {day_text(programme.deadline)} deadline."
        if progress.expected_by_now is not None else ""
    )
    description = (
        f"Line chart from {day_text(programme.starts_on)} to {day_text(end)}. By {day_text(progress.as_of)}, "
        f"{reached['completed']:,} of the {progress.target:,} target had completed ({progress.percent_of_target:g}%).{expected} "
        f"{reached['enrolled']:,} had enrolled, {reached['in_progress']:,} had started and {reached['certified']:,} were certified."
    )
    return line_chart(
        chart_id=chart_id, title=f"{programme.name}: officers by stage reached", description=description,
        lines=lines, start=programme.starts_on, end=end, y_label="Officers (cumulative)", today=progress.as_of,
    )


def stage_chart(progress: Progress, chart_id: str = "stages") -> Markup:
    """Where the population stands today: each learner in the furthest stage reached."""
    segments = [
        Segment(STAGE_LABELS[stage], progress.current[stage], STAGE_COLOURS[stage], "#1b1f24" if stage == NOT_STARTED else "#ffffff")
        for stage in (NOT_STARTED, *STAGES)
    ]
    parts = ", ".join(f"{segment.label.lower()} {segment.value:,}" for segment in segments)
    return stacked_bar(
        chart_id=chart_id, title=f"Where the {progress.population:,} officers stand today",
        description=f"Stacked bar of the population by furthest stage reached: {parts}.", segments=segments,
    )


def compliance_chart(programme: Programme, rows: list[InstitutionCompliance], chart_id: str = "compliance",
                     links: dict[str, str] | None = None) -> Markup:
    """Share of each institution's head count compliant, with where it should be by now."""
    bars = [
        Bar(row.name, row.percent, f"{row.percent:g}% · {STATUS_LABELS[row.status]}", STATUS_COLOURS[row.status],
            marker=row.expected_percent if row.status != "met" else None, href=(links or {}).get(row.name))
        for row in rows
    ]
    worst = [row for row in rows if row.status in ("overdue", "due_soon", "behind")]
    summary = "; ".join(f"{row.name} {row.percent:g}% ({STATUS_LABELS[row.status].lower()})" for row in rows[:12])
    description = (
        f"Bar chart of {len(rows)} institutions' compliance with {programme.name}, most urgent first. "
        f"{len(worst)} overdue, due soon or behind. {summary}."
    )
    return bar_chart(
        chart_id=chart_id, title="Compliance by institution (% of head count)", description=description, bars=bars,
        maximum=100.0, axis_label="Officers compliant, % of head count", marker_label="Where it should be by now",
        percent=True,
    )


def breakdown_chart(rows: list[BreakdownRow], by: str, chart_id: str) -> Markup:
    """Completions per group: as a share of each group for institutions and cohorts, as counts for tracks and centres."""
    if by in ("institution", "cohort"):
        bars = [
            Bar(row.label, _share(row.completed, row.population), f"{_share(row.completed, row.population):g}% · {row.completed:,} of {row.population:,}",
                STAGE_COLOURS["completed"])
            for row in rows
        ]
        title, axis, percent, maximum = f"Completed, by {by}", "Share of the group that completed", True, 100.0
    else:
        bars = [Bar(row.label, row.completed, f"{row.completed:,} of {row.enrolled:,} enrolled", STAGE_COLOURS["completed"]) for row in rows]
        title, axis, percent = f"Officers who completed a course, by {by}", "Officers", False
        maximum = max((row.completed for row in rows), default=1)
    description = f"Bar chart: {'; '.join(bar.label + ' ' + bar.text for bar in bars[:15])}."
    return bar_chart(chart_id=chart_id, title=title, description=description, bars=bars, maximum=maximum,
                     axis_label=axis, percent=percent)


def centre_chart(rows: list[CentreActivity], chart_id: str = "centres") -> Markup:
    """Notional hours each centre delivered."""
    bars = [
        Bar(row.name, row.hours, f"{row.hours:,.0f} h · {row.completions:,} completions", STAGE_COLOURS["in_progress"])
        for row in rows
    ]
    description = "Bar chart of notional learning hours delivered: " + "; ".join(f"{b.label} {b.text}" for b in bars) + "."
    return bar_chart(chart_id=chart_id, title="Hours delivered, by centre", description=description, bars=bars,
                     maximum=max((row.hours for row in rows), default=1.0), axis_label="Notional hours of completed courses")


def _share(part: int, whole: int | None) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0
