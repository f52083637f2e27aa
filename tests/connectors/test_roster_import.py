"""Huawei Talent roster imports end to end: upload over the API, import by a real burst worker, follow over the API."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests
from flask import Flask

from tests.conftest import Credential, LiveServer
from tests.connectors.helpers import (
    Academy,
    admin,
    api,
    approved_centre,
    create_course,
    create_learner,
    run_worker,
    statements_of,
    wait_normalised,
)
from tests.connectors.roster_files import ACHIENG, OTIENO, TODAY, row, to_csv, to_json

SITE = "https://talent.huawei-academy.ke"
CERTIFICATIONS = f"{SITE}/huawei-talent/certifications"


@pytest.fixture
def academy(app: Flask) -> Academy:
    return approved_centre(app, "huawei-ict-academy-ke", SITE, kind="vendor_academy")


@pytest.fixture
def ministry(app: Flask) -> Credential:
    return admin(app)


def upload(live_server: LiveServer, academy: Academy, data: bytes, filename: str = "roster.csv") -> requests.Response:
    return api(live_server, "POST", f"/centres/{academy.id}/rosters", academy.credential, files={"file": (filename, data, "text/csv")})


def imported(live_server: LiveServer, academy: Academy, environment: dict[str, str], data: bytes, filename: str = "roster.csv") -> dict[str, Any]:
    response = upload(live_server, academy, data, filename)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "queued"
    run_worker(environment)
    report = api(live_server, "GET", f"/imports/{response.json()['id']}", academy.credential)
    assert report.status_code == 200, report.text
    return report.json()


def learner_ids(live_server: LiveServer, credential: Credential, identifier: str) -> list[int]:
    return [item["id"] for item in api(live_server, "GET", "/learners", credential, params={"identifier": identifier}).json()["items"]]


GOOD = [row("HWENGHCIAAI3500123"), row("HWENGHCIACC5000456", **OTIENO), row("HWENGHCIPDC1000789", **ACHIENG)]
BAD = [
    row("HWBAD0000000001", issue_date="09/03/2026"),
    row("HWBAD0000000002", full_name='=HYPERLINK("http://evil.example","Click")'),
    row("HWBAD0000000003", certificate_level="HCXX"),
    row("HWBAD0000000004", expiry_date=(TODAY + timedelta(days=4 * 365)).isoformat()),
    row("HWBAD0000000005", national_id="", upn=""),
    row("HWBAD0000000006", score="540"),
    row("HWBAD0000000007", email="@SUM(A1:A9)", huawei_account=""),
    row("HWENGHCIAAI3500123", certificate_name="Again"),
]


def test_good_rows_import_and_bad_rows_are_reported_by_line_column_and_reason(
    live_server: LiveServer, environment: dict[str, str], academy: Academy, ministry: Credential,
) -> None:
    report = imported(live_server, academy, environment, to_csv(GOOD + BAD))

    assert report["status"] == "succeeded"
    assert (report["rows_total"], report["rows_done"], report["rows_ok"], report["rows_failed"]) == (11, 11, 3, 8)
    assert (report["created"], report["updated"], report["unchanged"]) == (3, 0, 0)
    assert [(e["line"], e["column"]) for e in report["errors"]] == [
        (5, "issue_date"), (6, "full_name"), (7, "certificate_level"), (8, "expiry_date"), (9, "upn"), (10, "score"),
        (11, "email"), (12, "certificate_number"),
    ]
    reasons = {e["line"]: e["reason"] for e in report["errors"]}
    assert reasons[5] == "must be a date written YYYY-MM-DD"
    assert "spreadsheet formula" in reasons[6] and "HYPERLINK" not in str(report)  # cell values are never echoed
    assert reasons[8].startswith("Huawei certificates are valid 3 years")
    assert reasons[10] == "540 is below the pass mark 600: no certificate is issued for it"
    assert reasons[12] == "appears already on line 2"

    wanjiru = learner_ids(live_server, ministry, "ke-upn:2019123456")
    assert wanjiru == learner_ids(live_server, ministry, "ke-national-id:23456789") and len(wanjiru) == 1
    assert len(learner_ids(live_server, ministry, "ke-national-id:25678901")) == 1  # Achieng has no UPN
    identities = {i["ifi"] for i in api(live_server, "GET", f"/learners/{wanjiru[0]}", ministry).json()["identities"]}
    assert identities == {f"account:{SITE}|wkamau_ke", "mbox:mailto:wanjiru.kamau@ict.go.ke"}
    assert learner_ids(live_server, ministry, "ke-upn:2020234567") and not learner_ids(live_server, ministry, "ke-national-id:11111111")

    statements = statements_of(live_server, ministry)
    assert len(statements) == 6  # each good row: the exam passed and the certificate achieved
    certificate = next(s for s in statements if s["verb"]["id"].endswith("achieved") and s["object"]["id"].endswith("HCIA-AI"))
    extensions = certificate["result"]["extensions"]
    assert extensions["https://elimu.dev/xapi/extensions/certificate-number"] == "HWENGHCIAAI3500123"
    assert extensions["https://elimu.dev/xapi/extensions/certificate-level"] == "HCIA"
    assert extensions["https://elimu.dev/xapi/extensions/track"] == "AI"
    assert extensions["https://elimu.dev/xapi/extensions/training-hours"] == 40.0
    issued = TODAY - timedelta(days=60)
    expires = issued.replace(year=issued.year + 3) + timedelta(days=1)
    assert extensions["https://elimu.dev/xapi/extensions/expires-at"] == f"{expires.isoformat()}T00:00:00.000Z"
    assert certificate["actor"]["account"] == {"homePage": SITE, "name": "wkamau_ke"}
    assert certificate["authority"]["account"]["homePage"].endswith(f"/centres/{academy.slug}")


def test_uploading_the_same_file_again_changes_nothing(
    live_server: LiveServer, environment: dict[str, str], academy: Academy, ministry: Credential,
) -> None:
    first = imported(live_server, academy, environment, to_csv(GOOD + BAD))
    before = statements_of(live_server, ministry)

    again = imported(live_server, academy, environment, to_csv(GOOD + BAD))

    assert first["sha256"] == again["sha256"]
    assert (again["rows_ok"], again["rows_failed"], again["created"], again["updated"], again["unchanged"]) == (3, 8, 0, 0, 3)
    assert statements_of(live_server, ministry) == before
    certificates = api(live_server, "GET", f"/centres/{academy.id}/certificates", academy.credential).json()["items"]
    assert sorted(c["revision"] for c in certificates) == [1, 1, 1]


def test_a_corrected_row_updates_the_record_and_withdraws_the_old_statements(
    live_server: LiveServer, environment: dict[str, str], academy: Academy, ministry: Credential,
) -> None:
    imported(live_server, academy, environment, to_csv(GOOD))
    old = {c["certificate_number"]: c for c in api(live_server, "GET", f"/centres/{academy.id}/certificates", ministry).json()["items"]}

    corrected = imported(live_server, academy, environment, to_csv([row("HWENGHCIACC5000456", **{**OTIENO, "score": "780"})]))

    assert (corrected["rows_ok"], corrected["updated"]) == (1, 1)
    now = {c["certificate_number"]: c for c in api(live_server, "GET", f"/centres/{academy.id}/certificates", ministry).json()["items"]}
    assert now["HWENGHCIACC5000456"]["score"] == 780 and now["HWENGHCIACC5000456"]["revision"] == 2
    assert now["HWENGHCIAAI3500123"] == old["HWENGHCIAAI3500123"]
    for statement_id in old["HWENGHCIACC5000456"]["statement_ids"]:
        voided = requests.get(f"{live_server.xapi}/statements", params={"voidedStatementId": statement_id},
                              auth=ministry.auth, headers={"X-Experience-API-Version": "1.0.3"}, timeout=30)
        assert voided.status_code == 200, statement_id
    current = {s["id"] for s in statements_of(live_server, ministry)}
    assert set(now["HWENGHCIACC5000456"]["statement_ids"]) <= current
    assert not set(old["HWENGHCIACC5000456"]["statement_ids"]) & current


def test_certificates_reach_the_transcript_and_an_expired_one_shows_expired(
    app: Flask, live_server: LiveServer, environment: dict[str, str], academy: Academy, ministry: Credential,
) -> None:
    old_issue = TODAY - timedelta(days=4 * 365)
    expired = row("HWENGHCIACC2100999", **{**OTIENO, "upn": "2019123456", "national_id": "23456789", "full_name": "Wanjiru Kamau",
                                         "email": "wanjiru.kamau@ict.go.ke", "huawei_account": "wkamau_ke"},
                  exam_date=(old_issue - timedelta(days=3)).isoformat(), issue_date=old_issue.isoformat())
    create_course(live_server, ministry, "HCIA-AI", academy.id, iri=f"{CERTIFICATIONS}/HCIA-AI")
    create_course(live_server, ministry, "HCIA-CLOUD", academy.id, iri=f"{CERTIFICATIONS}/HCIA-CLOUD")
    imported(live_server, academy, environment, to_csv([row("HWENGHCIAAI3500123"), expired]))
    wait_normalised(app, environment)

    [wanjiru] = learner_ids(live_server, ministry, "ke-upn:2019123456")
    transcript = api(live_server, "GET", f"/learners/{wanjiru}/transcript", ministry).json()
    lines = {line["course"]["code"]: line for line in transcript["lines"]}
    assert lines["HCIA-AI"]["outcome"] == "certified"
    assert lines["HCIA-AI"]["certificate_number"] == "HWENGHCIAAI3500123"
    assert lines["HCIA-AI"]["score_percent"] == 81.2
    assert lines["HCIA-CLOUD"]["outcome"] == "expired"
    assert lines["HCIA-CLOUD"]["certificate_number"] == "HWENGHCIACC2100999"
    statuses = {c["certificate_number"]: c["status"] for c in
                api(live_server, "GET", f"/centres/{academy.id}/certificates", ministry, params={"learner": wanjiru}).json()["items"]}
    assert statuses == {"HWENGHCIAAI3500123": "current", "HWENGHCIACC2100999": "expired"}


def test_a_json_roster_imports_like_a_csv_one(
    live_server: LiveServer, environment: dict[str, str], academy: Academy, ministry: Credential,
) -> None:
    records: list[Any] = [row("HWENGHCIAAI3500123"), {**row("HWENGHCIACC5000456", **OTIENO), "score": 735}, ["not", "an", "object"],
                          {**row("HWJSON0000000001"), "colour": "blue"}]
    report = imported(live_server, academy, environment, to_json(records), "roster.json")
    assert (report["rows_ok"], report["rows_failed"]) == (2, 2)
    assert [(e["line"], e["column"], e["reason"]) for e in report["errors"]] == [
        (3, "*", "the record is not an object"), (4, "*", "unknown field(s): colour"),
    ]


def test_rosters_of_other_centres_are_out_of_reach(
    app: Flask, live_server: LiveServer, environment: dict[str, str], academy: Academy,
) -> None:
    other = approved_centre(app, "another-academy", "https://academy.example.org")
    response = api(live_server, "POST", f"/centres/{academy.id}/rosters", other.credential, files={"file": ("r.csv", to_csv(GOOD))})
    assert response.status_code == 403
    mine = imported(live_server, academy, environment, to_csv(GOOD))
    assert api(live_server, "GET", f"/imports/{mine['id']}", other.credential).status_code == 403


def test_a_learner_already_registered_is_found_not_duplicated(
    live_server: LiveServer, environment: dict[str, str], academy: Academy, ministry: Credential,
) -> None:
    registered = create_learner(live_server, ministry, "Wanjiru W. Kamau", "2019123456")

    report = imported(live_server, academy, environment, to_csv(GOOD))

    assert (report["rows_ok"], report["created"]) == (3, 3)
    assert learner_ids(live_server, ministry, "ke-national-id:23456789") == [registered]
    detail = api(live_server, "GET", f"/learners/{registered}", ministry).json()
    assert detail["name"] == "Wanjiru W. Kamau"  # the registry's name stands; the academy's roster does not rename
    assert {(i["scheme"], i["value"]) for i in detail["identifiers"]} == {("ke-upn", "2019123456"), ("ke-national-id", "23456789")}
    mismatch = imported(live_server, academy, environment, to_csv([row("HWENGHCIAAI3500777", national_id="99999999")]))
    assert mismatch["errors"] == [{"line": 2, "column": "national_id",
                                   "reason": "does not match the learner's identifier of this kind on record"}]
