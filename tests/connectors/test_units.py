"""The dense logic of the connectors, unit by unit: roster rows, schedules, secrets, addresses, statement ids and shapes."""

from __future__ import annotations

import codecs
import ipaddress
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from connectors.core.addresses import AddressRefused, check_reachable, is_public, parse_source_url
from connectors.core.ingest import statement_id
from connectors.core.schedule import describe_schedule, parse_schedule
from connectors.core.secrets import UnreadableSecret, seal, unseal
from connectors.huawei_talent.rows import (
    RawRow,
    RosterRefused,
    RowRejected,
    check_row,
    decode,
    read_roster,
    valid_until,
)
from connectors.moodle import statements as moodle
from connectors.moodle.functions import ActivityCompletion, CertificateIssue, GradeItem, MoodleCourse, MoodleUser
from lrs.errors import BadRequest
from lrs.settings import Settings, SettingsError
from lrs.xapi.validation import validate_statements
from tests.connectors.roster_files import row, to_csv

TODAY = date(2026, 12, 1)


def check(**cells: str) -> object:
    return check_row(RawRow(2, row("HWENG0000000001", **cells)), country="KE", today=TODAY)


def rejection(**cells: str) -> tuple[str, str]:
    with pytest.raises(RowRejected) as rejected:
        check(**cells)
    return rejected.value.column, rejected.value.reason


def test_a_good_row_is_read_into_typed_values() -> None:
    certificate = check(certificate_level="hcia", email="Wanjiru.Kamau@ICT.go.ke", issue_date="2026-03-09",
                        exam_date="2026-03-02", upn="2019-123-456")
    assert certificate.identifiers == (("ke-national-id", "23456789"), ("ke-upn", "2019123456"))
    assert certificate.certificate_level == "HCIA" and certificate.email == "wanjiru.kamau@ict.go.ke"
    assert certificate.expiry_date == date(2029, 3, 9) and certificate.score == 812.0


@pytest.mark.parametrize(("cells", "expected"), [
    ({"issue_date": "2027-01-01"}, ("issue_date", "is in the future")),
    ({"exam_date": "2026-11-30", "issue_date": "2026-11-01"}, ("exam_date", "is after the issue date")),
    ({"expiry_date": "2026-01-01", "issue_date": "2026-01-01", "exam_date": ""}, ("expiry_date", "must be after the issue date")),
    ({"training_hours": "-4"}, ("training_hours", "must be a number of 0 or more (digits, optionally with a decimal point)")),
    ({"score": "1200"}, ("score", "must be at most 1000")),
    ({"national_id": "12AB"}, ("national_id", "ke-national-id: Kenya national identity card number must be 6-9 digits")),
    ({"huawei_account": "", "email": ""}, ("huawei_account", "a row needs the learner's huawei_account or email")),
    ({"certificate_number": "x!"}, ("certificate_number", "must be 4 to 64 letters, digits, -, _ or /")),
    ({"course_title": "+cmd"}, ("course_title", "starts with = + - @ or a control character (a spreadsheet formula); remove it")),
    ({"track": "\tAI"}, ("track", "starts with = + - @ or a control character (a spreadsheet formula); remove it")),
    ({"full_name": "x" * 301}, ("full_name", "is longer than 300 characters")),
])
def test_a_bad_row_says_which_column_and_why(cells: dict[str, str], expected: tuple[str, str]) -> None:
    assert rejection(**cells) == expected


def test_certificates_last_three_years_and_a_leap_day_ends_on_the_28th() -> None:
    assert valid_until(date(2024, 2, 29)) == date(2027, 2, 28)
    assert check(issue_date="2024-02-29", exam_date="2024-02-20", expiry_date="2027-02-28").expiry_date == date(2027, 2, 28)
    assert rejection(issue_date="2024-02-29", exam_date="2024-02-20", expiry_date="2027-03-01")[0] == "expiry_date"


def test_rwandan_academies_key_rows_by_rwandan_identifiers() -> None:
    certificate = check_row(RawRow(2, row("HWENG0000000002", national_id="1199080012345678", upn="RW00042")), country="RW", today=TODAY)
    assert certificate.identifiers == (("rw-national-id", "1199080012345678"), ("rw-ippis", "RW00042"))
    with pytest.raises(RowRejected, match="no identifier schemes are known for the centre's country UG"):
        check_row(RawRow(2, row("HWENG0000000003")), country="UG", today=TODAY)


def test_rows_are_numbered_by_the_line_they_start_on() -> None:
    data = to_csv([row("HWENG0000000004", course_title="Line one\nline two"), row("HWENG0000000005")])
    data = data.replace(b"\r\n", b"\r\n\r\n", 1)  # a blank line after the header
    assert [raw.line for raw in read_roster(data)] == [3, 5]


def test_text_is_decoded_from_utf8_or_utf16_with_a_bom_and_nothing_else() -> None:
    assert decode(codecs.BOM_UTF8 + "Amélie".encode()) == "Amélie"
    assert decode("Amélie".encode("utf-16")) == "Amélie"
    with pytest.raises(RosterRefused, match=r"byte 0xE9 on line 2"):
        decode("a\nAmélie".encode("cp1252"))


def test_schedules_are_words_or_iso_durations() -> None:
    assert [parse_schedule(text) for text in ("hourly", "Daily", "PT30M", "P1DT6H", None, " ")] == [3600, 86400, 1800, 108000, None, None]
    assert [describe_schedule(seconds) for seconds in (3600, 86400, 1800, 108000, 90, None)] == ["PT1H", "P1D", "PT30M", "P1DT6H", "PT1M30S", None]
    for bad in ("PT0S", "P", "fortnightly", "PT59S"):
        with pytest.raises(BadRequest):
            parse_schedule(bad)


def test_secrets_open_only_under_the_key_that_sealed_them(tmp_path: Path) -> None:
    settings = Settings.from_env({"ELIMU_DATA_DIR": str(tmp_path), "ELIMU_SECRET_KEY": "one"})
    sealed = seal(settings, {"token": "abc"})
    assert b"abc" not in sealed and unseal(settings, sealed) == {"token": "abc"}
    with pytest.raises(UnreadableSecret, match="enter the token again"):
        unseal(replace(settings, secret_key="two"), sealed)
    dedicated = replace(settings, connector_key="kT5fVvYk0pN3a9QJ2sZr1mXhW8cE6bL4dG7yU0iO3qA=")
    assert unseal(replace(dedicated, secret_key="changed"), seal(dedicated, {"token": "abc"})) == {"token": "abc"}
    with pytest.raises(SettingsError, match="ELIMU_CONNECTOR_KEY must be a Fernet key"):
        Settings.from_env({"ELIMU_DATA_DIR": str(tmp_path), "ELIMU_CONNECTOR_KEY": "short"})


@pytest.mark.parametrize("address", ["127.0.0.1", "10.0.0.5", "192.168.1.1", "172.16.0.1", "169.254.169.254", "::1",
                                     "fd00::1", "100.64.0.1", "0.0.0.0", "::ffff:10.0.0.1",  # noqa: S104
                                     "2002:7f00:1::1", "2002:a00:5::1", "64:ff9b::a00:5"])
def test_private_and_reserved_addresses_are_not_public(address: str) -> None:
    assert not is_public(ipaddress.ip_address(address))


def test_urls_are_checked_by_every_address_they_resolve_to() -> None:
    assert is_public(ipaddress.ip_address("41.89.10.5"))
    assert is_public(ipaddress.ip_address("2002:2959:a05::1"))  # 6to4 of 41.89.10.5
    check_reachable("https://41.89.10.5/moodle", allow_private=False)
    with pytest.raises(AddressRefused, match="localhost resolves to"):
        check_reachable("http://localhost:8080", allow_private=False)
    with pytest.raises(AddressRefused, match=r"169\.254\.169\.254"):
        check_reachable("http://169.254.169.254/latest/meta-data", allow_private=False)
    check_reachable("http://localhost:8080", allow_private=True)
    assert parse_source_url(" https://Elearning.ksg.ac.ke/ ") == "https://Elearning.ksg.ac.ke"
    with pytest.raises(BadRequest):
        parse_source_url("https://user:pw@moodle.example")


def test_statement_ids_are_the_same_for_the_same_record_only() -> None:
    assert statement_id("https://lms.ke", "enrolled", 5, 2) == statement_id("https://lms.ke", "enrolled", 5, 2)
    assert statement_id("https://lms.ke", "enrolled", 5, 2) != statement_id("https://lms.ke", "enrolled", 5, 3)
    assert statement_id("https://lms.ke", "enrolled", 5, 2) != statement_id("https://other.ke", "enrolled", 5, 2)


def test_pulled_statements_are_valid_xapi_in_the_plugins_shapes() -> None:
    site = "https://lms.ke"
    user, course = MoodleUser(5, "2019123456", "Wanjiru Kamau"), MoodleCourse(2, "Digital Literacy", "pt_br", True)
    built = [
        moodle.enrolled(site, user, course),
        moodle.course_completed(site, user, course, 1_712_000_000),
        moodle.module_completed(site, user, course, ActivityCompletion(31, "quiz", 3, 1_711_990_000)),
        moodle.scored(site, user, course, GradeItem(71, "Quiz", "quiz", 31, 120.0, 0.0, 100.0, None)),
        moodle.certificate_achieved(site, CertificateIssue(9, "AB12CD", 1_712_000_500, 5, "Wanjiru Kamau", "Cert", 77)),
    ]
    assert validate_statements(built, version="1.0.3") == built
    assert built[0]["object"]["definition"]["name"] == {"pt-BR": "Digital Literacy"} and "timestamp" not in built[0]
    assert built[2]["result"] == {"completion": True, "success": False}
    assert built[3]["result"]["score"] == {"raw": 100.0, "min": 0.0, "max": 100.0, "scaled": 1}  # capped like the plugin
    assert built[4]["object"]["id"] == "https://lms.ke/mod/customcert/verify_certificate.php?contextid=77&code=AB12CD"
