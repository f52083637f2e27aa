"""Hostile roster and claim uploads: wrong encodings, binary and malformed files, bad headers, formula cells,
oversized files. Each gets a clear error and leaves nothing half-written."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask

from connectors.huawei_talent.exports import safe_cell, to_csv
from tests.conftest import Credential, LiveServer
from tests.connectors.helpers import Academy, admin, another_server, api, approved_centre, run_worker, statements_of
from tests.connectors.roster_files import OTIENO, row
from tests.connectors.roster_files import to_csv as roster_csv

SITE = "https://talent.huawei-academy.ke"
LIMIT = 16 * 1024


@pytest.fixture
def academy(app: Flask) -> Academy:
    return approved_centre(app, "huawei-ict-academy-ke", SITE, kind="vendor_academy")


@pytest.fixture(scope="module")
def small_server(app: Flask, environment: dict[str, str], data_dir: Path) -> Iterator[LiveServer]:
    """A second ``elimu serve`` on the same database, with 16 KB upload limits."""
    with another_server(environment, data_dir / "small-server.log", ELIMU_ROSTER_MAX_BYTES=str(LIMIT),
                        ELIMU_CLAIM_MAX_BYTES=str(LIMIT)) as server:
        yield server


def upload(server: LiveServer, academy: Academy, data: bytes, name: str = "roster.csv") -> requests.Response:
    return api(server, "POST", f"/centres/{academy.id}/rosters", academy.credential, files={"file": (name, data, "text/csv")})


def imports_of(server: LiveServer, academy: Academy) -> list[dict]:
    return api(server, "GET", f"/centres/{academy.id}/rosters", academy.credential).json()["items"]


def test_a_file_that_is_not_utf8_is_refused_at_once_saying_where(live_server: LiveServer, academy: Academy) -> None:
    data = roster_csv([row("HWENG0000000001", full_name="Wanjiru Kamau"), row("HWENG0000000002", full_name="Amélie Ndayishimiye")])
    response = upload(live_server, academy, data.decode().encode("latin-1"))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "roster_refused"
    assert error["message"] == "the file is not UTF-8 text (byte 0xE9 on line 3); export it as 'CSV UTF-8' (or JSON)"
    assert imports_of(live_server, academy) == []


@pytest.mark.parametrize("encode", [lambda text: codecs.BOM_UTF8 + text.encode(), lambda text: text.encode("utf-16")],
                         ids=["utf-8 with BOM", "utf-16 with BOM"])
def test_a_byte_order_mark_is_honoured(live_server: LiveServer, environment: dict[str, str], academy: Academy, encode: object) -> None:
    text = roster_csv([row("HWENG0000000003", full_name="Amélie Ndayishimiye")]).decode()
    response = upload(live_server, academy, encode(text))  # type: ignore[operator]
    assert response.status_code == 202, response.text
    run_worker(environment)
    report = api(live_server, "GET", f"/imports/{response.json()['id']}", academy.credential).json()
    assert (report["rows_ok"], report["rows_failed"]) == (1, 0)


@pytest.mark.parametrize(("data", "message"), [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "the file is not UTF-8 text (byte 0x89 on line 1)"),
    (b"national_id,upn\x00\x00\x00\x01", "the file contains NUL bytes: it is not a text roster"),
    (b"", "the file is empty"),
    (b"name,upn,email\r\nWanjiru,2019123456,w@ict.go.ke\r\n", "missing column(s): national_id, full_name"),
    (roster_csv([], columns=("national_id", "upn", "full_name", "email", "huawei_account", "course_code", "course_title",
                             "certificate_name", "certificate_level", "track", "certificate_number", "exam_date", "issue_date",
                             "expiry_date", "training_hours", "score", "pass_mark", "password")), "unknown column(s): password"),
    (b'national_id,"upn\r\n', "malformed CSV on line 1"),
], ids=["image", "binary", "empty", "wrong header", "extra column", "broken header"])
def test_files_that_are_not_rosters_are_refused_at_once(live_server: LiveServer, academy: Academy, data: bytes, message: str) -> None:
    response = upload(live_server, academy, data)
    assert response.status_code == 400, response.text
    assert message in response.json()["error"]["message"]
    assert imports_of(live_server, academy) == []


def test_malformed_csv_fails_the_import_with_its_line_and_writes_nothing(
    app: Flask, live_server: LiveServer, environment: dict[str, str], academy: Academy,
) -> None:
    good = roster_csv([row("HWENG0000000004"), row("HWENG0000000005", **OTIENO)])
    broken = good + b'25678901,,"Achieng Njeri,achieng@health.go.ke\r\n'  # an opened quote never closed
    response = upload(live_server, academy, broken)
    assert response.status_code == 202
    run_worker(environment)

    report = api(live_server, "GET", f"/imports/{response.json()['id']}", academy.credential).json()
    assert report["status"] == "failed"
    assert report["error"].startswith("malformed CSV near line 4: unexpected end of data")
    assert report["errors"] == [{"line": 4, "column": "*", "reason": report["error"]}]
    assert report["rows_ok"] == 0
    ministry = admin(app)
    assert statements_of(live_server, ministry) == []
    assert api(live_server, "GET", "/learners", ministry, params={"identifier": "ke-upn:2019123456"}).json()["items"] == []


def test_a_row_with_too_many_cells_is_refused_alone(live_server: LiveServer, environment: dict[str, str], academy: Academy) -> None:
    data = roster_csv([row("HWENG0000000006")]) + b"1,2,3" + b",x" * 20 + b"\r\n"
    response = upload(live_server, academy, data)
    run_worker(environment)
    report = api(live_server, "GET", f"/imports/{response.json()['id']}", academy.credential).json()
    assert (report["rows_ok"], report["errors"]) == (1, [{"line": 3, "column": "*", "reason": "the row has 23 cells; the header has 17"}])


def test_an_upload_over_the_roster_limit_is_refused_with_413(small_server: LiveServer, academy: Academy) -> None:
    data = roster_csv([row("HWENG0000000007")]) + b"\r\n" * LIMIT
    response = upload(small_server, academy, data)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert imports_of(small_server, academy) == []


def test_a_roster_may_exceed_the_general_body_limit(live_server: LiveServer, environment: dict[str, str], academy: Academy) -> None:
    data = roster_csv([row("HWENG0000000008")]) + b"\r\n" * (3 * 1024 * 1024)  # blank lines: 3 MB > ELIMU_MAX_BODY_BYTES
    response = upload(live_server, academy, data)
    assert response.status_code == 202, response.text
    run_worker(environment)
    assert api(live_server, "GET", f"/imports/{response.json()['id']}", academy.credential).json()["rows_ok"] == 1


def test_error_exports_never_carry_a_formula(live_server: LiveServer, environment: dict[str, str], academy: Academy) -> None:
    data = roster_csv([row("HWENG0000000009", full_name="=cmd|' /C calc'!A0"), row("HWENG0000000010", track="@SUM(1+1)")])
    response = upload(live_server, academy, data)
    run_worker(environment)
    export = api(live_server, "GET", f"/imports/{response.json()['id']}/errors.csv", academy.credential)
    assert export.status_code == 200 and export.headers["Content-Type"].startswith("text/csv")
    lines = export.text.splitlines()
    assert lines[0] == "line,column,reason"
    assert lines[1].startswith("2,full_name,starts with = + - @ or a control character")
    assert lines[2].startswith("3,track,")
    assert "cmd" not in export.text and "SUM" not in export.text


def test_cells_written_to_csv_are_neutralised() -> None:
    assert [safe_cell(v) for v in ("=1+1", "+254700", "-2", "@x", "\tx", "plain", 7, None)] == [
        "'=1+1", "'+254700", "'-2", "'@x", "'\tx", "plain", "7", "",
    ]
    assert to_csv(("a", "b"), [("=HYPERLINK()", "ok")]) == "a,b\r\n'=HYPERLINK(),ok\r\n"


def test_a_claim_pdf_over_the_limit_is_refused_with_413(app: Flask, small_server: LiveServer, academy: Academy) -> None:
    ministry: Credential = admin(app)
    form = {"identifier": "ke-upn:2019123456", "certificate_number": "HWENG0000000011", "certificate_name": "HCIA-AI V3.5",
            "certificate_level": "HCIA", "track": "AI", "course_code": "HCIA-AI", "course_title": "HCIA-AI", "issue_date": "2026-01-05"}
    response = api(small_server, "POST", f"/centres/{academy.id}/claims", ministry, data=form,
                   files={"file": ("certificate.pdf", b"%PDF-1.7\n" + b"0" * (2 * LIMIT), "application/pdf")})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
