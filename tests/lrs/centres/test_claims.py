"""Unit tests of claim parsing and overlap: the rules that decide who owns which activity IRIs."""

from __future__ import annotations

import pytest

from lrs.centres.claims import ClaimError, overlaps, parse_activity_prefix, parse_home_page
from lrs.centres.models import Centre


@pytest.mark.parametrize(
    ("raw", "parsed"),
    [
        ("https://lms.example.ke", "https://lms.example.ke/"),
        ("HTTPS://LMS.Example.KE/Course/", "https://lms.example.ke/Course/"),
        ("http://lms.example.ke:8080/mod", "http://lms.example.ke:8080/mod"),
        ("https://[2001:db8::1]/x/", "https://[2001:db8::1]/x/"),
        ("https://elimu.example.ke/kozi/ügen/", "https://elimu.example.ke/kozi/ügen/"),
    ],
)
def test_prefix_is_normalised(raw: str, parsed: str) -> None:
    assert parse_activity_prefix(raw) == parsed


@pytest.mark.parametrize(
    "raw",
    ["", "lms.example.ke", "urn:x:y", "mailto:a@b.ke", "https://", "https://u:p@lms.ke/", "https://lms.ke/?a=1",
     "https://lms.ke/#top", "https://lms.ke/a b", "https://lms.ke:0x50/", "https://lms.ke/\x00", "https://lms.ke/<x>"],
)
def test_bad_prefix_is_refused(raw: str) -> None:
    with pytest.raises(ClaimError):
        parse_activity_prefix(raw)


def test_home_page_loses_its_trailing_slash() -> None:
    assert parse_home_page("https://Moodle.Example.ac.ke/") == "https://moodle.example.ac.ke"
    assert parse_home_page("https://moodle.example.ac.ke/lms/") == "https://moodle.example.ac.ke/lms"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("https://a.ke/", "https://a.ke/x/", True),
        ("https://a.ke/x/", "https://a.ke/", True),
        ("https://a.ke/x", "https://a.ke/xy/", True),
        ("https://a.ke/x/", "https://a.ke/y/", False),
        ("https://a.ke/", "https://a.ke.evil.org/", False),
        ("http://a.ke/", "https://a.ke/", False),
    ],
)
def test_overlap(a: str, b: str, expected: bool) -> None:
    assert overlaps(a, b) is expected


def test_centre_ownership_ignores_case_of_scheme_and_host_only() -> None:
    centre = Centre(activity_prefixes=["https://lms.example.ke/Course/"], home_pages=["https://lms.example.ke"])
    assert centre.owns_activity("HTTPS://LMS.example.ke/Course/1")
    assert not centre.owns_activity("https://lms.example.ke/course/1")
    assert not centre.owns_activity("https://lms.example.ke.evil.org/Course/1")
    assert centre.owns_home_page("https://LMS.example.ke/")
    assert not centre.owns_home_page("https://lms.example.ke/other")
