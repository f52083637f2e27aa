"""Roster files for the Huawei Talent tests: rows built from a few people, written as CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from typing import Any

from connectors.huawei_talent.rows import COLUMNS

TODAY = date.today()


def row(number: str, **cells: Any) -> dict[str, str]:
    """A valid row for certificate ``number`` (Wanjiru's HCIA-AI unless told otherwise)."""
    issued = TODAY - timedelta(days=60)
    base = {
        "national_id": "23456789", "upn": "2019123456", "full_name": "Wanjiru Kamau", "email": "wanjiru.kamau@ict.go.ke",
        "huawei_account": "wkamau_ke", "course_code": "HCIA-AI", "course_title": "HCIA-AI V3.5 Training",
        "certificate_name": "HCIA-AI V3.5", "certificate_level": "HCIA", "track": "AI", "certificate_number": number,
        "exam_date": (issued - timedelta(days=7)).isoformat(), "issue_date": issued.isoformat(), "expiry_date": "",
        "training_hours": "40", "score": "812", "pass_mark": "600",
    }
    return {**base, **{key: str(value) for key, value in cells.items()}}


OTIENO = {"national_id": "24567890", "upn": "2020234567", "full_name": "Otieno Ouma", "email": "otieno.ouma@treasury.go.ke",
          "huawei_account": "oouma_ke", "course_code": "HCIA-CLOUD", "course_title": "HCIA-Cloud Computing V5.0 Training",
          "certificate_name": "HCIA-Cloud Computing V5.0", "track": "Cloud Computing", "score": "735"}
ACHIENG = {"national_id": "25678901", "upn": "", "full_name": "Achieng Njeri", "email": "achieng.njeri@health.go.ke",
           "huawei_account": "", "course_code": "HCIP-DATACOM", "course_title": "HCIP-Datacom-Core Technology Training",
           "certificate_name": "HCIP-Datacom-Core Technology V1.0", "certificate_level": "HCIP", "track": "Datacom", "score": "690"}


def to_csv(rows: list[dict[str, str]], *, columns: tuple[str, ...] = COLUMNS) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def to_json(rows: list[dict[str, Any]]) -> bytes:
    return json.dumps(rows).encode()
