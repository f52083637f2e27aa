"""What a Huawei certificate becomes: an exam ``passed`` (when the exam date is known) and a certificate ``achieved``.

Both are about the certification's activity under the academy's own IRI prefix,
``<prefix>huawei-talent/certifications/<course code>``, which the catalogue maps to a course. The
certificate number and expiry (the end of the expiry date) sit where the normaliser reads them (``result.extensions``, Elimu's
extension IRIs); level, track, name and training hours sit beside them. The actor is the learner's
Huawei account on the academy's home page, or their e-mail address.

Statement ids are uuid5 of the academy, the certificate number, the record's revision and the row's
content: the same row always gives the same ids (a re-upload adds nothing); a corrected row is a new
revision with new ids, and the statements of the old one are voided.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote

import orjson

from connectors.core.ingest import statement_id
from connectors.huawei_talent.rows import CertificateRow
from lrs.centres.models import Centre
from lrs.xapi.timestamps import format_timestamp
from reports.normalise.vocabulary import CERTIFICATE_NUMBER, EXPIRES_AT, EXTENSION_BASE

PASSED = "http://adlnet.gov/expapi/verbs/passed"
ACHIEVED = "https://w3id.org/xapi/tla/verbs/achieved"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
CERTIFICATION_TYPE = "https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/certificate"
CERTIFICATE_LEVEL = EXTENSION_BASE + "certificate-level"
CERTIFICATE_NAME = EXTENSION_BASE + "certificate-name"
TRACK = EXTENSION_BASE + "track"
TRAINING_HOURS = EXTENSION_BASE + "training-hours"
PASS_MARK = EXTENSION_BASE + "pass-mark"
SOURCE = EXTENSION_BASE + "source"


def source_of(centre: Centre) -> str:
    return f"huawei-talent:{centre.id}"


def content_hash(row: CertificateRow, actor: dict[str, Any]) -> str:
    """What makes a certificate row this row: a changed field gives another hash (and new statement ids)."""
    return hashlib.sha256(orjson.dumps([row.fingerprint_fields(), actor], option=orjson.OPT_SORT_KEYS)).hexdigest()


def actor_for(centre: Centre, row: CertificateRow) -> dict[str, Any] | None:
    """The learner as the academy knows them: a Huawei account on its home page, else their e-mail; None if neither."""
    agent: dict[str, Any] = {"objectType": "Agent", "name": row.full_name[:200]}
    if row.huawei_account and centre.home_pages:
        agent["account"] = {"homePage": centre.home_pages[0], "name": row.huawei_account}
    elif row.email:
        agent["mbox"] = f"mailto:{row.email}"
    else:
        return None
    return agent


def certification_iri(centre: Centre, course_code: str) -> str:
    prefix = centre.activity_prefixes[0]
    return f"{prefix if prefix.endswith('/') else prefix + '/'}huawei-talent/certifications/{quote(course_code, safe='')}"


def certificate_statements(
    centre: Centre, row: CertificateRow, actor: dict[str, Any], *, digest: str, revision: int
) -> list[dict[str, Any]]:
    """The exam pass (if the exam date is known) and the certificate, with deterministic ids."""
    source = source_of(centre)
    target = {
        "objectType": "Activity",
        "id": certification_iri(centre, row.course_code),
        "definition": {
            "type": CERTIFICATION_TYPE,
            "name": {"en": row.course_title[:300]},
            "description": {"en": f"{row.certificate_name} ({row.certificate_level}, {row.track})"[:500]},
        },
    }
    context = {"platform": "Huawei Talent", "language": "en", "extensions": {SOURCE: "huawei-talent"}}
    details: dict[str, Any] = {CERTIFICATE_LEVEL: row.certificate_level, CERTIFICATE_NAME: row.certificate_name, TRACK: row.track}
    if row.training_hours is not None:
        details[TRAINING_HOURS] = row.training_hours
    statements = []
    if row.exam_date is not None:
        result: dict[str, Any] = {"success": True, "completion": True}
        if row.score is not None:
            result["score"] = {"raw": row.score, "min": 0, "max": 1000}
        if row.pass_mark is not None:
            result["extensions"] = {PASS_MARK: row.pass_mark}
        statements.append({
            "id": statement_id(source, "passed", row.certificate_number, revision, digest),
            "actor": actor, "verb": {"id": PASSED, "display": {"en": "passed"}}, "object": target,
            "result": result, "context": context, "timestamp": _midnight(row.exam_date),
        })
    statements.append({
        "id": statement_id(source, "achieved", row.certificate_number, revision, digest),
        "actor": actor, "verb": {"id": ACHIEVED, "display": {"en": "achieved"}}, "object": target,
        "result": {
            "success": True, "completion": True,
            "extensions": {CERTIFICATE_NUMBER: row.certificate_number, EXPIRES_AT: _midnight(row.expiry_date + timedelta(days=1)), **details},
        },
        "context": context, "timestamp": _midnight(row.issue_date),
    })
    return statements


def voiding_statements(centre: Centre, statement_ids: list[str], actor: dict[str, Any]) -> list[dict[str, Any]]:
    """Withdraw the statements of a certificate's previous version (a corrected row replaces them)."""
    return [
        {
            "id": statement_id(source_of(centre), "voided", old),
            "actor": actor,
            "verb": {"id": VOIDED, "display": {"en": "voided"}},
            "object": {"objectType": "StatementRef", "id": old},
        }
        for old in statement_ids
    ]


def _midnight(day: date) -> str:
    return format_timestamp(datetime.combine(day, time(), UTC))
