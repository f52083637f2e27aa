"""The pieces under the reports: chart SVG (escaped, described, scaled), CSV cells defused, the cache's rules."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from reports.compliance.cache import MAX_STALE_SECONDS, ReportCache
from reports.compliance.export import csv_text, download_name, safe_cell
from reports.compliance.progress import period_ends
from reports.compliance.svg import Bar, Line, Segment, bar_chart, line_chart, nice_ticks, stacked_bar
from reports.compliance.tables import Table

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_starts_become_text(text: str) -> None:
    assert safe_cell(text) == "'" + text


def test_other_cells_are_untouched() -> None:
    assert [safe_cell(value) for value in ("Ministry of Health", "a=b", -3, 2.5, "")] == ["Ministry of Health", "a=b", -3, 2.5, ""]
    text = csv_text(Table(["name", "score"], [["=cmd|' /C calc'!A0", -5], ["Wanjiku, Achieng", 80]]))
    assert list(csv.reader(io.StringIO(text))) == [["name", "score"], ["'=cmd|' /C calc'!A0", "-5"], ["Wanjiku, Achieng", "80"]]
    assert download_name("officers", "rwanda-ai", "Ministry of Health / HQ", "2026-12-01") == "officers-rwanda-ai-ministry-of-health-hq-2026-12-01"


def test_charts_are_described_images_with_every_text_escaped() -> None:
    hostile = '<script>alert("x")</script> & co'
    charts = [
        line_chart(chart_id="c1", title=hostile, description=hostile, start=date(2026, 1, 1), end=date(2026, 12, 31),
                   y_label="Officers", today=date(2026, 6, 1), lines=[Line(hostile, [(date(2026, 1, 1), 0), (date(2026, 6, 1), 40)], "#0072b2")]),
        bar_chart(chart_id="c2", title=hostile, description=hostile, bars=[Bar(hostile, 40, hostile, "#007a5a", 60, href="/x?a=1&b=2")],
                  maximum=100, axis_label=hostile, marker_label=hostile, percent=True),
        stacked_bar(chart_id="c3", title=hostile, description=hostile, segments=[Segment(hostile, 3, "#5c6b7a"), Segment("b", 1, "#0072b2")]),
    ]
    for chart in charts:
        root = ET.fromstring(str(chart))  # noqa: S314 - our own output; well-formed, so nothing was injected
        assert root.get("role") == "img"
        title, desc = root.get("aria-labelledby").split()
        assert root.find(f"{SVG}title").get("id") == title and root.find(f"{SVG}title").text == hostile
        assert root.find(f"{SVG}desc").get("id") == desc
        assert "style=" not in str(chart) and "<script" not in str(chart)


def test_ticks_are_round_whole_numbers_covering_the_top() -> None:
    assert nice_ticks(964) == [0, 200, 400, 600, 800, 1000]
    assert nice_ticks(8) == [0, 2, 4, 6, 8]
    assert nice_ticks(0) == [0.0, 1.0]
    assert all(float(tick).is_integer() for tick in nice_ticks(3))


def test_series_points_are_month_ends_or_week_ends() -> None:
    assert period_ends(date(2026, 1, 15), date(2026, 12, 1))[:3] == [date(2026, 1, 15), date(2026, 1, 31), date(2026, 2, 28)]
    assert period_ends(date(2026, 1, 15), date(2026, 12, 1))[-1] == date(2026, 12, 1)
    weekly = period_ends(date(2026, 11, 2), date(2026, 12, 1))  # a short programme: Sundays
    assert weekly[1] == date(2026, 11, 8) and all((b - a).days <= 7 for a, b in zip(weekly, weekly[1:], strict=False))


def test_cache_recomputes_when_the_data_changed_but_not_more_often_than_the_stale_window() -> None:
    now = [1000.0]
    cache = ReportCache(clock=lambda: now[0])
    computed: list[int] = []

    def compute() -> int:
        computed.append(len(computed))
        return len(computed)

    assert cache.get("k", 1, compute) == 1
    assert cache.get("k", 1, compute) == 1  # same data: same answer, not recomputed
    now[0] += 5
    assert cache.get("k", 2, compute) == 1  # new data, but the answer is only 5 s old
    now[0] += MAX_STALE_SECONDS
    assert cache.get("k", 2, compute) == 2  # old enough: recomputed at the new version
    assert cache.get("other", 2, compute) == 3  # another key (another programme, or an edit to it) at once
    assert len(computed) == 3
