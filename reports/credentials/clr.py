"""A unified transcript as credentials: one OB 3.0 AchievementCredential per line, in a CLR 2.0 ClrCredential.

Pure functions of the transcript JSON (``reports.transcripts``) and an ``Issuance`` saying who issues,
when, under which id and with which status entries; signing is the caller's (``service``).

Choices worth knowing:
- The learner is named by ``identifier`` objects (name in clear, national identifiers salted and
  hashed as OB 3.0 ``IdentityHash`` values), not by a subject ``id``: civil servants have no DIDs, and
  a shared subject IRI would merge every line's results into one RDF node.
- A line's outcome becomes the ``Result.status``; only achieved lines (completed, passed,
  certified, expired) earn their credits. A revoked line is no achievement and is left out.
- An expiring certificate's ``expires_at`` is its credential's ``validUntil``; the transcript itself
  does not expire.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CLR_CONTEXT = "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json"
ACHIEVEMENT_CONTEXTS = [VC_CONTEXT, OB_CONTEXT]
CLR_CONTEXTS = [VC_CONTEXT, OB_CONTEXT, CLR_CONTEXT]

# Outcome -> (Result.status, whether the line's credits are earned); unlisted outcomes are left out.
OUTCOMES: dict[str, tuple[str, bool]] = {
    "enrolled": ("Enrolled", False),
    "in_progress": ("InProgress", False),
    "failed": ("Failed", False),
    "completed": ("Completed", True),
    "passed": ("Completed", True),
    "certified": ("Completed", True),
    "expired": ("Completed", True),
}
# OB 3.0 AchievementType values a catalogue's achievement type maps to (case-insensitive).
ACHIEVEMENT_TYPES = {name.lower(): name for name in (
    "Achievement", "Assessment", "Award", "Badge", "Certificate", "CertificateOfCompletion", "Certification",
    "Competency", "Course", "Diploma", "LearningProgram", "License", "MicroCredential",
)}
# Framework code -> (name, a URI naming the framework). A URN where we know no official page.
FRAMEWORKS = {
    "KNQF": ("Kenya National Qualifications Framework", "https://www.knqa.go.ke/"),
    "RQF": ("Rwanda Qualifications Framework", "urn:elimu:framework:RQF"),
}
# OB 3.0 identityType of each national identifier scheme (``reports.learners.identifiers``).
IDENTITY_TYPES = {"ke-national-id": "nationalIdentityNumber", "rw-national-id": "nationalIdentityNumber"}


@dataclass(frozen=True)
class Issuance:
    """Who issues a transcript credential, when, under which id and status entries."""

    base_url: str
    issuer: dict[str, Any]  # an OB 3.0 Profile whose id is the issuer's DID
    credential_id: uuid.UUID
    issued_at: datetime
    status: list[dict[str, Any]]  # BitstringStatusListEntry objects
    salt: str  # for the hashed identifiers

    @property
    def urn(self) -> str:
        return f"urn:uuid:{self.credential_id}"


def issuer_profile(did: str, name: str, base_url: str) -> dict[str, Any]:
    """The issuer as an OB 3.0 Profile."""
    return {"id": did, "type": ["Profile"], "name": name, "url": base_url}


def credited_lines(transcript: dict[str, Any]) -> list[dict[str, Any]]:
    """The transcript lines the credential states (every line but revoked or unknown outcomes)."""
    return [line for line in transcript.get("lines") or [] if line.get("outcome") in OUTCOMES]


def achievement_credentials(transcript: dict[str, Any], issuance: Issuance) -> list[dict[str, Any]]:
    """One unsigned AchievementCredential per stated line of ``transcript``."""
    identifiers = learner_identifiers(transcript["learner"], issuance.salt)
    return [
        achievement_credential(line, identifiers, issuance, position)
        for position, line in enumerate(credited_lines(transcript))
    ]


def achievement_credential(
    line: dict[str, Any], identifiers: list[dict[str, Any]], issuance: Issuance, position: int
) -> dict[str, Any]:
    """The unsigned AchievementCredential stating one transcript line."""
    course = line["course"]
    status, is_credited = OUTCOMES[line["outcome"]]
    achievement = _achievement(course, line, issuance.base_url)
    subject: dict[str, Any] = {
        "type": ["AchievementSubject"],
        "identifier": identifiers,
        "achievement": achievement,
        "creditsEarned": json_number(course.get("credits") or 0) if is_credited else 0,
        "result": [_result(status, line.get("score_percent"), achievement)],
    }
    if line.get("completed_at"):
        subject["activityEndDate"] = iso(line["completed_at"])
    if line.get("started_at"):
        subject["activityStartDate"] = iso(line["started_at"])
    if line.get("certificate_number"):
        subject["licenseNumber"] = str(line["certificate_number"])
    source = _centre_profile(line.get("centre"), issuance.base_url)
    if source is not None:
        subject["source"] = source
    credential: dict[str, Any] = {
        "@context": list(ACHIEVEMENT_CONTEXTS),
        "id": f"urn:uuid:{uuid.uuid5(issuance.credential_id, str(position))}",
        "type": ["VerifiableCredential", "AchievementCredential"],
        "name": str(course["title"]),
        "issuer": issuance.issuer,
        "validFrom": iso(issuance.issued_at),
        "credentialSubject": subject,
        "credentialStatus": issuance.status,
    }
    if line.get("expires_at"):
        credential["validUntil"] = iso(line["expires_at"])
    evidence = [_evidence(statement_id, issuance.base_url) for statement_id in line.get("evidence") or []]
    if evidence:
        credential["evidence"] = evidence
    return credential


def clr_credential(
    transcript: dict[str, Any], members: list[dict[str, Any]], issuance: Issuance
) -> dict[str, Any]:
    """The unsigned ClrCredential holding ``members``, the signed AchievementCredentials of ``transcript``."""
    learner = transcript["learner"]
    name = str(learner.get("name") or "a learner")
    lines = credited_lines(transcript)
    credits = sum(member["credentialSubject"]["creditsEarned"] for member in members)
    hours = sum(float(line["course"].get("hours") or 0) for line, member in zip(lines, members, strict=True)
                if member["credentialSubject"]["creditsEarned"] > 0)
    return {
        "@context": list(CLR_CONTEXTS),
        "id": issuance.urn,
        "type": ["VerifiableCredential", "ClrCredential"],
        "name": f"Unified transcript of {name}",
        "description": (
            f"{len(members)} course record(s) from {issuance.issuer['name']}: "
            f"{_number(credits)} credit(s) and {_number(hours)} notional hour(s) earned."
        ),
        "issuer": issuance.issuer,
        "validFrom": iso(issuance.issued_at),
        "credentialSubject": {
            "type": ["ClrSubject"],
            "identifier": learner_identifiers(learner, issuance.salt),
            "verifiableCredential": members,
        },
        "credentialStatus": issuance.status,
    }


def learner_identifiers(learner: dict[str, Any], salt: str) -> list[dict[str, Any]]:
    """The learner as OB 3.0 IdentityObjects: the name in clear, national identifiers salted and hashed."""
    identities = []
    if learner.get("name"):
        identities.append(_identity("name", str(learner["name"]), None))
    for scheme, value in _national_identifiers(learner):
        identities.append(_identity(IDENTITY_TYPES.get(scheme, f"ext:{scheme}"), value, salt))
    return identities


def identity_hash(value: str, salt: str) -> str:
    """An OB 3.0 IdentityHash: ``sha256$`` and the hex SHA-256 of the value followed by the salt."""
    return "sha256$" + hashlib.sha256((value + salt).encode()).hexdigest()


def _identity(identity_type: str, value: str, salt: str | None) -> dict[str, Any]:
    identity: dict[str, Any] = {"type": "IdentityObject", "identityType": identity_type, "hashed": salt is not None}
    if salt is None:
        identity["identityHash"] = value
    else:
        identity.update(identityHash=identity_hash(value, salt), salt=salt)
    return identity


def _national_identifiers(learner: dict[str, Any]) -> list[tuple[str, str]]:
    """``(scheme, value)`` pairs from the transcript's learner, as a list of objects or a scheme map."""
    raw = learner.get("identifiers") or []
    if isinstance(raw, dict):
        pairs = [(str(scheme), str(value)) for scheme, value in raw.items()]
    else:
        pairs = [(str(item["scheme"]), str(item["value"])) for item in raw]
    return sorted(pairs)


def _achievement(course: dict[str, Any], line: dict[str, Any], base_url: str) -> dict[str, Any]:
    code = str(course["code"])
    achievement_id = f"{base_url}/api/v1/courses/{quote(code, safe='')}"
    hours, credits = course.get("hours"), course.get("credits")
    achievement: dict[str, Any] = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": _achievement_type(course, line),
        "humanCode": code,
        "name": str(course["title"]),
        "description": f"{course['title']} ({code}): {_number(hours or 0)} notional hours, {_number(credits or 0)} credits.",
        "criteria": {"narrative": "Completed as recorded in the learning records of an authorised training centre."},
        "creditsAvailable": json_number(credits or 0),
        "resultDescription": [
            {"id": f"{achievement_id}#score", "type": ["ResultDescription"], "name": "Score", "resultType": "Percent"}
        ],
    }
    alignment = _level_alignment(course)
    if alignment is not None:
        achievement["alignment"] = [alignment]
    if course.get("track"):
        achievement["fieldOfStudy"] = str(course["track"])
    return achievement


def _achievement_type(course: dict[str, Any], line: dict[str, Any]) -> str:
    declared = str(course.get("achievement_type") or "").replace("_", "").replace(" ", "").lower()
    if declared in ACHIEVEMENT_TYPES:
        return ACHIEVEMENT_TYPES[declared]
    return "Certification" if line.get("certificate_number") else "Course"


def _level_alignment(course: dict[str, Any]) -> dict[str, Any] | None:
    """The alignment of a course to its framework level (``framework`` + ``level``, or ``level`` "KNQF 5")."""
    level = course.get("level")
    framework = course.get("framework")
    if isinstance(level, dict):
        framework, level = level.get("framework", framework), level.get("level")
    if isinstance(level, str) and framework is None and " " in level.strip():
        framework, level = level.strip().rsplit(" ", 1)
    if framework is None or level is None:
        return None
    name, url = FRAMEWORKS.get(str(framework), (str(framework), f"urn:elimu:framework:{quote(str(framework))}"))
    return {
        "type": ["Alignment"],
        "targetName": f"{framework} level {level}",
        "targetFramework": name,
        "targetCode": str(level),
        "targetType": "ext:FrameworkLevel",
        "targetUrl": url,
    }


def _result(status: str, score: Any, achievement: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {"type": ["Result"], "status": status}
    if score is not None:
        result["resultDescription"] = achievement["resultDescription"][0]["id"]
        result["value"] = _number(score)
    return result


def _centre_profile(centre: Any, base_url: str) -> dict[str, Any] | None:
    """The training centre that assessed the line, as an OB 3.0 Profile."""
    if isinstance(centre, dict):
        reference = centre.get("id") or centre.get("slug")
        name = centre.get("name") or centre.get("slug")
    elif centre:
        reference, name = None, centre
    else:
        return None
    profile_id = f"{base_url}/api/v1/centres/{quote(str(reference), safe='')}" if reference else (
        f"urn:elimu:centre:{quote(str(name), safe='')}"
    )
    return {"id": profile_id, "type": ["Profile"], "name": str(name)}


def _evidence(statement_id: str, base_url: str) -> dict[str, Any]:
    return {
        "id": f"{base_url}/xapi/statements?statementId={quote(str(statement_id), safe='')}",
        "type": ["Evidence"],
        "name": f"xAPI statement {statement_id}",
    }


def iso(moment: datetime | str) -> str:
    """An XML Schema dateTime in UTC to the second (``2026-12-01T09:30:00Z``)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def json_number(value: Any) -> int | float:
    """A JSON number that reads back the same everywhere: whole numbers as integers.

    JSON-LD processors in other languages parse ``10.0`` as the integer 10 and canonicalise it so;
    sending 10 keeps every verifier's RDF identical.
    """
    number = float(value)
    return int(number) if number.is_integer() else number


def _number(value: Any) -> str:
    """A number as people write it: ``12``, ``12.5``."""
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:g}"
