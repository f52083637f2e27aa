"""Unit tests of lrs.xapi.validation: what a conformant LRS accepts and refuses, per version.

Cases are tables of (mutation of a known-good statement, expected outcome). Refusals must be
InvalidStatement (400) whose message starts with the offending property path.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from lrs.errors import InvalidStatement
from lrs.xapi.validation import (
    XAPI_VERSIONS,
    agent_ifi,
    parse_timestamp,
    validate_actor,
    validate_agent,
    validate_iri,
    validate_statement,
    validate_statements,
    validate_uuid,
)
from lrs.xapi.validation.activities import is_plain_activity, validate_activity

V1, V2 = "1.0.3", "2.0.0"
BOTH = pytest.mark.parametrize("version", [V1, V2])
DELETE = object()

SHA256 = "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"
SHA1 = "cd9b00a5611f94eaa7b1661edab976068e364975"
STATEMENT_ID = "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"
OTHER_ID = "8f87ccde-bb56-4c2e-ab83-44982ef22df0"
ACTIVITY_ID = "http://www.example.com/meetings/occurances/34534"
AGENT = {"objectType": "Agent", "name": "Ann", "mbox": "mailto:ann@example.com"}
AGENT_B = {"mbox": "mailto:bob@example.com"}
OAUTH_APP = {"account": {"homePage": "http://example.com/xAPI/OAuth/Token", "name": "app-1"}}


def base() -> dict[str, Any]:
    return {
        "actor": copy.deepcopy(AGENT),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attended", "display": {"en-US": "attended"}},
        "object": {"objectType": "Activity", "id": ACTIVITY_ID},
    }


def substatement() -> dict[str, Any]:
    statement = base()
    statement["object"] = {"objectType": "SubStatement", **base()}
    return statement


def full() -> dict[str, Any]:
    """A statement using every optional property at least once."""
    statement = base()
    statement.update(
        id=STATEMENT_ID,
        result={
            "score": {"scaled": 0.5, "raw": 50, "min": 0, "max": 100},
            "success": True,
            "completion": False,
            "response": "We agreed on some actions.",
            "duration": "PT1H0M0.12S",
            "extensions": {"http://example.com/ext": {"any": [1, None, "x"]}},
        },
        context={
            "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
            "instructor": {"name": "Ian", "openid": "http://openid.example.org/ian"},
            "team": {"objectType": "Group", "name": "Team", "mbox_sha1sum": SHA1, "member": [AGENT_B]},
            "contextActivities": {
                "parent": {"id": "http://example.com/parent"},
                "grouping": [{"objectType": "Activity", "id": "http://example.com/g"}],
                "category": [],
                "other": [{"id": "http://example.com/o", "definition": {"type": "http://example.com/t"}}],
            },
            "revision": "rev-2",
            "platform": "Example platform",
            "language": "en-GB",
            "statement": {"objectType": "StatementRef", "id": OTHER_ID},
            "extensions": {"http://example.com/null": None},
        },
        timestamp="2013-05-18T05:32:34.804+01:00",
        stored="2013-05-18T05:32:34.804Z",
        authority={"objectType": "Group", "member": [copy.deepcopy(OAUTH_APP), copy.deepcopy(AGENT_B)]},
        version="1.0.0",
        attachments=[
            {
                "usageType": "http://example.com/attachment-usage/test",
                "display": {"en-US": "A test attachment"},
                "description": {"es-MX": "Un accesorio"},
                "contentType": "text/plain; charset=ascii",
                "length": 27,
                "sha2": SHA256,
                "fileUrl": "http://over.there.com/file.txt",
            }
        ],
    )
    statement["object"]["definition"] = {
        "name": {"en-US": "Meeting", "zh-Hant": "會議"},
        "description": {"de-DE": "Treffen"},
        "type": "http://adlnet.gov/expapi/activities/meeting",
        "moreInfo": "http://virtualmeeting.example.com/345256",
        "extensions": {"http://example.com/e": 1},
    }
    return statement


def patched(statement: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Apply {"a.b[0].c": value-or-DELETE} to a copy of ``statement``."""
    statement = copy.deepcopy(statement)
    for dotted, value in changes.items():
        parts: list[str | int] = []
        for piece in dotted.split("."):
            name, _, rest = piece.partition("[")
            parts.append(name)
            parts.extend(int(i) for i in rest.rstrip("]").split("][") if rest)
        target: Any = statement
        for part in parts[:-1]:
            target = target[part]
        if value is DELETE:
            del target[parts[-1]]
        else:
            target[parts[-1]] = copy.deepcopy(value)
    return statement


def assert_refused(statement: object, version: str, path: str) -> InvalidStatement:
    with pytest.raises(InvalidStatement) as caught:
        validate_statement(statement, version=version)
    assert caught.value.status == 400
    assert caught.value.message.startswith(f"{path}:"), caught.value.message
    return caught.value


# --- statements both versions accept ---------------------------------------------------------

INTERACTIONS = {
    "true-false": {"correctResponsesPattern": ["true"]},
    "choice": {"choices": [{"id": "a", "description": {"en-US": "A"}}, {"id": "b"}]},
    "fill-in": {"correctResponsesPattern": ["{case_matters=false}Bob"]},
    "long-fill-in": {},
    "matching": {"source": [{"id": "1"}], "target": [{"id": "1"}, {"id": "2"}]},
    "performance": {"steps": [{"id": "pong", "description": {"sr-Latn-RS": "korak"}}]},
    "sequencing": {"choices": [{"id": "x"}, {"id": "y"}], "correctResponsesPattern": ["x[,]y"]},
    "likert": {"scale": [{"id": "likert_0", "description": {"ja": "悪い"}}]},
    "numeric": {"correctResponsesPattern": ["4[:]"]},
    "other": {"correctResponsesPattern": ["(35.937432,-86.868896)"]},
}

VALID = [
    ("minimal", {}),
    ("actor objectType omitted", {"actor.objectType": DELETE}),
    ("actor mbox_sha1sum upper case", {"actor": {"mbox_sha1sum": SHA1.upper()}}),
    ("actor openid", {"actor": {"openid": "http://openid.example.org/12345"}}),
    ("actor account", {"actor": {"account": {"homePage": "http://www.example.com", "name": "1625378"}}}),
    ("actor identified group without members", {"actor": {"objectType": "Group", "mbox": "mailto:g@example.com"}}),
    ("actor identified group empty member list",
     {"actor": {"objectType": "Group", "openid": "http://x.org/g", "member": []}}),
    ("actor anonymous group", {"actor": {"objectType": "Group", "member": [AGENT, AGENT_B]}}),
    ("verb without display", {"verb.display": DELETE}),
    ("verb display empty map", {"verb.display": {}}),
    ("verb display language-script", {"verb.display": {"sr-Cyrl": "x", "de": "y", "cmn": "z"}}),
    ("IRI with dot segments", {"object.id": "http://example.com/path/../slug"}),
    ("IRI urn", {"object.id": "urn:uuid:" + OTHER_ID}),
    ("IRI with unicode and fragment", {"object.id": "http://例え.jp/パス?q=1#frag"}),
    ("object objectType omitted", {"object.objectType": DELETE}),
    ("object agent", {"object": {"objectType": "Agent", "mbox": "mailto:x@example.com"}}),
    ("object group", {"object": {"objectType": "Group", "member": [AGENT_B]}}),
    ("object statementref", {"object": {"objectType": "StatementRef", "id": OTHER_ID}}),
    ("statement id upper case", {"id": STATEMENT_ID.upper()}),
    ("voiding statement", {"verb.id": "http://adlnet.gov/expapi/verbs/voided",
                           "object": {"objectType": "StatementRef", "id": OTHER_ID}}),
    ("definition without properties", {"object.definition": {}}),
    ("score scaled bounds", {"result": {"score": {"scaled": -1.0}}}),
    ("score raw equals max", {"result": {"score": {"raw": 10, "min": 1.5, "max": 10}}}),
    ("score raw without min or max", {"result": {"score": {"raw": -1000}}}),
    ("duration weeks", {"result": {"duration": "P4W"}}),
    ("duration seconds only", {"result": {"duration": "PT16559.14S"}}),
    ("duration every component", {"result": {"duration": "P3Y1M29DT4H35M59.14S"}}),
    ("duration beyond 0.01s precision", {"result": {"duration": "P1DT12H36M0.12567S"}}),
    ("extension values of any type", {"result": {"extensions": {"http://e.com/a": "", "http://e.com/b": {},
                                                               "http://e.com/c": [], "http://e.com/d": False}}}),
    ("context of a statementref object may hold language", {
        "object": {"objectType": "StatementRef", "id": OTHER_ID}, "context": {"language": "fr-CA"}}),
    ("timestamp UTC offset", {"timestamp": "2008-09-15T15:53:00.601+00:00"}),
    ("timestamp far future", {"timestamp": "2100-01-01T00:00:00Z"}),
    ("timestamp -05:00 offset", {"timestamp": "2023-05-04T12:00:00-05:00"}),
    ("attachment without fileUrl", {"attachments": [{
        "usageType": "http://example.com/u", "display": {"en": "x"}, "contentType": "application/pdf",
        "length": 0, "sha2": SHA256}]}),
    ("attachment sha-512", {"attachments": [{
        "usageType": "http://example.com/u", "display": {"en": "x"}, "contentType": "image/jpeg",
        "length": 5, "sha2": "ab" * 64}]}),
    ("empty attachments array", {"attachments": []}),
    ("version 1.0", {"version": "1.0"}),
    ("version 1.0.9", {"version": "1.0.9"}),
    ("authority agent", {"authority": {"objectType": "Agent", "account": {"homePage": "http://e.com", "name": "n"}}}),
    ("substatement timestamp", {"object": {**substatement()["object"], "timestamp": "2030-01-01T00:00:00Z"}}),
    ("substatement with statementref object", {"object": {**substatement()["object"],
                                                          "object": {"objectType": "StatementRef", "id": OTHER_ID}}}),
    ("substatement with agent object", {"object": {**substatement()["object"], "object": {
        "objectType": "Agent", "mbox": "mailto:c@example.com"}}}),
    ("substatement with attachments", {"object": {**substatement()["object"], "attachments": []}}),
] + [
    (f"interactionType {kind}", {"object.definition": {"interactionType": kind, **extra}})
    for kind, extra in INTERACTIONS.items()
]


@BOTH
@pytest.mark.parametrize("changes", [case[1] for case in VALID], ids=[case[0] for case in VALID])
def test_accepts(version: str, changes: dict[str, Any]) -> None:
    statement = patched(base(), changes)
    before = copy.deepcopy(statement)
    validate_statement(statement, version=version)
    assert statement == before  # validation never fills anything in


@BOTH
def test_accepts_full_statement_and_substatement(version: str) -> None:
    validate_statement(full(), version=version)
    nested = full()
    inner = {key: value for key, value in full().items() if key not in ("id", "stored", "authority", "version")}
    nested["object"] = {"objectType": "SubStatement", **inner}
    # revision and platform describe an Activity object, which the outer Statement no longer has.
    del nested["context"]["revision"], nested["context"]["platform"]
    validate_statement(nested, version=version)


# --- statements both versions refuse ---------------------------------------------------------

BAD_IRIS = ["ab=c://should.fail.com", "should fail", "example.com/extension", "", "http:", "http://a b.com",
            "http://x.com/%zz", "http://x.com/#a#b", "abc"]

INVALID = [
    # statement level
    ("actor missing", {"actor": DELETE}, "actor"),
    ("verb missing", {"verb": DELETE}, "verb"),
    ("object missing", {"object": DELETE}, "object"),
    ("actor null", {"actor": None}, "actor"),
    ("context null", {"context": None}, "context"),
    ("unknown statement property", {"foo": 1}, "foo"),
    ("wrong case key", {"Actor": {}}, "Actor"),
    ("objectType on a statement", {"objectType": "statementref"}, "objectType"),
    ("id numeric", {"id": 12345}, "id"),
    ("id too many digits", {"id": "AA97B177-9383-4934-8543-0F91A7A028368"}, "id"),
    ("id not hex", {"id": "MA97B177-9383-4934-8543-0F91A7A02836"}, "id"),
    ("id without dashes", {"id": STATEMENT_ID.replace("-", "")}, "id"),
    ("id in braces", {"id": "{" + STATEMENT_ID + "}"}, "id"),
    # actor / agents / groups
    ("actor objectType lower case", {"actor.objectType": "agent"}, "actor.objectType"),
    ("actor objectType numeric", {"actor.objectType": 123}, "actor.objectType"),
    ("actor name numeric", {"actor.name": 123}, "actor.name"),
    ("actor without IFI", {"actor": {"objectType": "Agent", "name": "x"}}, "actor"),
    ("actor two IFIs", {"actor.openid": "http://openid.example.org/1"}, "actor"),
    ("actor IFI null", {"actor.mbox": None}, "actor.mbox"),
    ("actor unknown property", {"actor.member": []}, "actor.member"),
    ("mbox without mailto", {"actor.mbox": "ann@example.com"}, "actor.mbox"),
    ("mbox not an email", {"actor.mbox": "mailto:should.fail.com"}, "actor.mbox"),
    ("mbox http IRI", {"actor.mbox": "http://should.fail.com"}, "actor.mbox"),
    ("mbox_sha1sum object", {"actor": {"mbox_sha1sum": {"key": "value"}}}, "actor.mbox_sha1sum"),
    ("mbox_sha1sum too short", {"actor": {"mbox_sha1sum": SHA1[:-1]}}, "actor.mbox_sha1sum"),
    ("openid without scheme", {"actor": {"openid": "open.id.com/testUser"}}, "actor.openid"),
    ("account without homePage", {"actor": {"account": {"name": "n"}}}, "actor.account.homePage"),
    ("account without name", {"actor": {"account": {"homePage": "http://e.com"}}}, "actor.account.name"),
    ("account homePage no scheme", {"actor": {"account": {"homePage": "homePage.com/u", "name": "n"}}},
     "actor.account.homePage"),
    ("account name object", {"actor": {"account": {"homePage": "http://e.com", "name": {"k": "v"}}}},
     "actor.account.name"),
    ("account unknown property", {"actor": {"account": {"homePage": "http://e.com", "name": "n", "x": 1}}},
     "actor.account.x"),
    ("anonymous group without member", {"actor": {"objectType": "Group", "name": "g"}}, "actor.member"),
    ("anonymous group empty member", {"actor": {"objectType": "Group", "member": []}}, "actor.member"),
    ("group member not an array", {"actor": {"objectType": "Group", "mbox": "mailto:g@e.com", "member": AGENT}},
     "actor.member"),
    ("group member is a group", {"actor": {"objectType": "Group", "member": [
        {"objectType": "Group", "mbox": "mailto:g@e.com"}]}}, "actor.member[0].objectType"),
    ("group member without IFI", {"actor": {"objectType": "Group", "member": [{"name": "x"}]}}, "actor.member[0]"),
    ("group two IFIs", {"actor": {"objectType": "Group", "mbox": "mailto:g@e.com", "mbox_sha1sum": SHA1}},
     "actor"),
    ("group objectType lower case", {"actor": {"objectType": "group", "member": [AGENT_B]}}, "actor.objectType"),
    # verb
    ("verb id missing", {"verb.id": DELETE}, "verb.id"),
    ("verb display string", {"verb.display": "attended"}, "verb.display"),
    ("verb display numeric", {"verb.display": 12345}, "verb.display"),
    ("verb display bad tag", {"verb.display": {"a12345": "x"}}, "verb.display"),
    ("verb display nine letter tag", {"verb.display": {"something": "x"}}, "verb.display"),
    ("verb display value null", {"verb.display": {"en": None}}, "verb.display['en']"),
    ("verb unknown property", {"verb.name": "x"}, "verb.name"),
    ("voiding an activity", {"verb.id": "http://adlnet.gov/expapi/verbs/voided"}, "object"),
    # object
    ("object objectType lower case", {"object.objectType": "activity"}, "object.objectType"),
    ("object objectType unknown", {"object.objectType": "Person"}, "object.objectType"),
    ("activity id missing", {"object.id": DELETE}, "object.id"),
    ("activity id numeric", {"object.id": 1}, "object.id"),
    ("activity unknown property", {"object.name": "x"}, "object.name"),
    ("agent object without objectType", {"object": {"mbox": "mailto:x@example.com"}}, "object.objectType"),
    ("statementref without objectType in context", {"context": {"statement": {"id": OTHER_ID}}},
     "context.statement.objectType"),
    ("statementref objectType lower case", {"object": {"objectType": "statementref", "id": OTHER_ID}},
     "object.objectType"),
    ("statementref id missing", {"object": {"objectType": "StatementRef"}}, "object.id"),
    ("statementref id not uuid", {"object": {"objectType": "StatementRef", "id": "should fail"}}, "object.id"),
    ("statementref extra property", {"object": {"objectType": "StatementRef", "id": OTHER_ID, "x": 1}}, "object.x"),
    # activity definition
    ("definition not object", {"object.definition": "meeting"}, "object.definition"),
    ("definition name string", {"object.definition": {"name": "x"}}, "object.definition.name"),
    ("definition description bad tag", {"object.definition": {"description": {"zh-z-aaa-z-bbb-c-ccc": "x"}}},
     "object.definition.description"),
    ("definition type not IRI", {"object.definition": {"type": "meeting"}}, "object.definition.type"),
    ("definition moreInfo not IRL", {"object.definition": {"moreInfo": "a.com/x"}}, "object.definition.moreInfo"),
    ("definition extension key not IRI", {"object.definition": {"extensions": {"should fail": True}}},
     "object.definition.extensions"),
    ("definition extensions not object", {"object.definition": {"extensions": "x"}}, "object.definition.extensions"),
    ("definition unknown property", {"object.definition": {"title": "x"}}, "object.definition.title"),
    ("interactionType wrong case", {"object.definition": {"interactionType": "true-faLse"}},
     "object.definition.interactionType"),
    ("interactionType IRI", {"object.definition": {"interactionType": "http://e.com/choice"}},
     "object.definition.interactionType"),
    ("interactionType object", {"object.definition": {"interactionType": {"k": "v"}}},
     "object.definition.interactionType"),
    ("correctResponsesPattern without interactionType", {"object.definition": {"correctResponsesPattern": ["a"]}},
     "object.definition.interactionType"),
    ("choices without interactionType", {"object.definition": {"choices": [{"id": "a"}]}},
     "object.definition.interactionType"),
    ("choices on likert", {"object.definition": {"interactionType": "likert", "choices": [{"id": "a"}]}},
     "object.definition.choices"),
    ("scale on true-false", {"object.definition": {"interactionType": "true-false", "scale": []}},
     "object.definition.scale"),
    ("correctResponsesPattern not array", {"object.definition": {"interactionType": "other",
                                                                 "correctResponsesPattern": "a"}},
     "object.definition.correctResponsesPattern"),
    ("correctResponsesPattern number", {"object.definition": {"interactionType": "other",
                                                              "correctResponsesPattern": [1]}},
     "object.definition.correctResponsesPattern[0]"),
    ("component id missing", {"object.definition": {"interactionType": "choice", "choices": [{"description": {}}]}},
     "object.definition.choices[0].id"),
    ("component id repeated", {"object.definition": {"interactionType": "matching",
                                                     "source": [{"id": "a"}, {"id": "a"}]}},
     "object.definition.source[1].id"),
    ("component bad description", {"object.definition": {"interactionType": "performance",
                                                          "steps": [{"id": "a", "description": {"x": "1"}}]}},
     "object.definition.steps[0].description"),
    ("component unknown property", {"object.definition": {"interactionType": "likert",
                                                          "scale": [{"id": "a", "name": "x"}]}},
     "object.definition.scale[0].name"),
    # result
    ("result not object", {"result": "passed"}, "result"),
    ("success string", {"result": {"success": "true"}}, "result.success"),
    ("completion number", {"result": {"completion": 1}}, "result.completion"),
    ("response number", {"result": {"response": 12345}}, "result.response"),
    ("duration alternative format", {"result": {"duration": "P0003-01-29T04:35:59"}}, "result.duration"),
    ("duration letters", {"result": {"duration": "PA1H0M0S"}}, "result.duration"),
    ("duration weeks and days", {"result": {"duration": "P4W1D"}}, "result.duration"),
    ("duration empty time part", {"result": {"duration": "P1DT"}}, "result.duration"),
    ("duration bare P", {"result": {"duration": "P"}}, "result.duration"),
    ("duration fraction not last", {"result": {"duration": "PT1.5H30M"}}, "result.duration"),
    ("duration number", {"result": {"duration": 12345}}, "result.duration"),
    ("duration non-ASCII digit", {"result": {"duration": "PT\u0661S"}}, "result.duration"),
    ("result extensions numeric", {"result": {"extensions": 12345}}, "result.extensions"),
    ("result unknown property", {"result": {"passed": True}}, "result.passed"),
    ("score not object", {"result": {"score": 12345}}, "result.score"),
    ("score raw string", {"result": {"score": {"raw": "12"}}}, "result.score.raw"),
    ("score raw boolean", {"result": {"score": {"raw": True}}}, "result.score.raw"),
    ("score raw NaN", {"result": {"score": {"raw": float("nan")}}}, "result.score.raw"),
    ("score scaled above 1", {"result": {"score": {"scaled": 1.01}}}, "result.score.scaled"),
    ("score scaled below -1", {"result": {"score": {"scaled": -1.00001}}}, "result.score.scaled"),
    ("score raw above max", {"result": {"score": {"raw": 101, "max": 100}}}, "result.score.raw"),
    ("score raw below min", {"result": {"score": {"raw": -1, "min": 0}}}, "result.score.raw"),
    ("score min above max", {"result": {"score": {"min": 5.5, "max": 5.4}}}, "result.score.min"),
    ("score min equals max", {"result": {"score": {"min": 5, "max": 5}}}, "result.score.min"),
    ("score unknown property", {"result": {"score": {"percent": 5}}}, "result.score.percent"),
    # context
    ("registration not uuid", {"context": {"registration": "should fail"}}, "context.registration"),
    ("registration object", {"context": {"registration": {"k": "v"}}}, "context.registration"),
    ("instructor string", {"context": {"instructor": "Ian"}}, "context.instructor"),
    ("instructor without IFI", {"context": {"instructor": {"name": "Ian"}}}, "context.instructor"),
    ("team is an agent", {"context": {"team": AGENT}}, "context.team.objectType"),
    ("team without objectType", {"context": {"team": {"mbox": "mailto:t@e.com"}}}, "context.team.objectType"),
    ("team anonymous without member", {"context": {"team": {"objectType": "Group"}}}, "context.team.member"),
    ("contextActivities string", {"context": {"contextActivities": "x"}}, "context.contextActivities"),
    ("contextActivities unknown key", {"context": {"contextActivities": {"consequences": []}}},
     "context.contextActivities.consequences"),
    ("contextActivities item not activity", {"context": {"contextActivities": {"other": [
        {"id": ACTIVITY_ID}, {"key": "should fail"}]}}}, "context.contextActivities.other[1].key"),
    ("contextActivities value string", {"context": {"contextActivities": {"parent": ACTIVITY_ID}}},
     "context.contextActivities.parent"),
    ("contextActivities statementref", {"context": {"contextActivities": {"parent": {
        "objectType": "StatementRef", "id": OTHER_ID}}}}, "context.contextActivities.parent.objectType"),
    ("revision numeric", {"context": {"revision": 1}}, "context.revision"),
    ("platform object", {"context": {"platform": {}}}, "context.platform"),
    ("revision with agent object", {"object": AGENT, "context": {"revision": "1"}}, "context.revision"),
    ("platform with statementref object", {"object": {"objectType": "StatementRef", "id": OTHER_ID},
                                           "context": {"platform": "p"}}, "context.platform"),
    ("platform with substatement object", {**substatement(), "context": {"platform": "p"}}, "context.platform"),
    ("language numeric", {"context": {"language": 1}}, "context.language"),
    ("language invalid", {"context": {"language": "something"}}, "context.language"),
    ("context statement not a ref", {"context": {"statement": {"objectType": "Statement", "id": OTHER_ID}}},
     "context.statement.objectType"),
    ("context statement id not uuid", {"context": {"statement": {"objectType": "StatementRef", "id": "x"}}},
     "context.statement.id"),
    ("context extension key", {"context": {"extensions": {"example.com/extension/wrong": 1}}},
     "context.extensions"),
    ("context unknown property", {"context": {"location": "x"}}, "context.location"),
    # timestamps, stored, authority, version
    ("timestamp free text", {"timestamp": "should fail"}, "timestamp"),
    ("timestamp slashes", {"timestamp": "01/011/2015"}, "timestamp"),
    ("timestamp date only", {"timestamp": "2015-01-01"}, "timestamp"),
    ("timestamp -00 offset", {"timestamp": "2008-09-15T15:53:00.601-00"}, "timestamp"),
    ("timestamp -0000 offset", {"timestamp": "2008-09-15T15:53:00.601-0000"}, "timestamp"),
    ("timestamp -00:00 offset", {"timestamp": "2008-09-15T15:53:00.601-00:00"}, "timestamp"),
    ("timestamp impossible date", {"timestamp": "2015-02-30T00:00:00Z"}, "timestamp"),
    ("timestamp hour 25", {"timestamp": "2015-01-01T25:00:00Z"}, "timestamp"),
    ("timestamp number", {"timestamp": 1431700000}, "timestamp"),
    ("stored invalid", {"stored": "yesterday"}, "stored"),
    ("authority identified group", {"authority": {"objectType": "Group", "mbox": "mailto:g@e.com",
                                                  "member": [OAUTH_APP, AGENT_B]}}, "authority"),
    ("authority group of one", {"authority": {"objectType": "Group", "member": [AGENT_B]}}, "authority.member"),
    ("authority group of three", {"authority": {"objectType": "Group", "member": [OAUTH_APP, AGENT_B, AGENT]}},
     "authority.member"),
    ("authority group without member", {"authority": {"objectType": "Group", "name": "g"}}, "authority.member"),
    ("authority bad account", {"authority": {"account": {"homePage": "ab=c://x", "name": "n"}}},
     "authority.account.homePage"),
    ("authority objectType", {"authority": {"objectType": "agent", "mbox": "mailto:a@e.com"}},
     "authority.objectType"),
    ("version string", {"version": "should fail"}, "version"),
    ("version 0.9.9", {"version": "0.9.9"}, "version"),
    ("version 1.1.0", {"version": "1.1.0"}, "version"),
    ("version number", {"version": 1.0}, "version"),
    # attachments
    ("attachments not array", {"attachments": full()["attachments"][0]}, "attachments"),
    ("attachment numeric", {"attachments": [12345]}, "attachments[0]"),
    ("attachment string", {"attachments": ["should fail"]}, "attachments[0]"),
    ("attachment usageType missing", {"attachments": full()["attachments"], "attachments[0].usageType": DELETE},
     "attachments[0].usageType"),
    ("attachment usageType not IRI", {"attachments": full()["attachments"], "attachments[0].usageType": "x"},
     "attachments[0].usageType"),
    ("attachment display missing", {"attachments": full()["attachments"], "attachments[0].display": DELETE},
     "attachments[0].display"),
    ("attachment display string", {"attachments": full()["attachments"], "attachments[0].display": "x"},
     "attachments[0].display"),
    ("attachment description bad tag", {"attachments": full()["attachments"],
                                        "attachments[0].description": {"something": "x"}},
     "attachments[0].description"),
    ("attachment contentType number", {"attachments": full()["attachments"], "attachments[0].contentType": 12345},
     "attachments[0].contentType"),
    ("attachment contentType not a media type", {"attachments": full()["attachments"],
                                                 "attachments[0].contentType": "plain text"},
     "attachments[0].contentType"),
    ("attachment length string", {"attachments": full()["attachments"], "attachments[0].length": "27"},
     "attachments[0].length"),
    ("attachment length fraction", {"attachments": full()["attachments"], "attachments[0].length": 2.5},
     "attachments[0].length"),
    ("attachment length negative", {"attachments": full()["attachments"], "attachments[0].length": -1},
     "attachments[0].length"),
    ("attachment sha2 missing", {"attachments": full()["attachments"], "attachments[0].sha2": DELETE},
     "attachments[0].sha2"),
    ("attachment sha2 number", {"attachments": full()["attachments"], "attachments[0].sha2": 12345},
     "attachments[0].sha2"),
    ("attachment sha2 is a sha1", {"attachments": full()["attachments"], "attachments[0].sha2": SHA1},
     "attachments[0].sha2"),
    ("attachment fileUrl not IRL", {"attachments": full()["attachments"], "attachments[0].fileUrl": "should fail"},
     "attachments[0].fileUrl"),
    ("attachment unknown property", {"attachments": full()["attachments"], "attachments[0].data": "x"},
     "attachments[0].data"),
] + [(f"verb id {iri!r}", {"verb.id": iri}, "verb.id") for iri in BAD_IRIS]

# Applied to a Statement whose object is a SubStatement.
INVALID_IN_SUBSTATEMENT = [
    ("substatement with id", {"object.id": STATEMENT_ID}, "object.id"),
    ("substatement with stored", {"object.stored": "2013-05-18T05:32:34.804Z"}, "object.stored"),
    ("substatement with version", {"object.version": "1.0.0"}, "object.version"),
    ("substatement with authority", {"object.authority": AGENT}, "object.authority"),
    ("nested substatement", {"object.object": substatement()["object"]}, "object.object.objectType"),
    ("substatement objectType lower case", {"object.objectType": "substatement"}, "object.objectType"),
    ("substatement without actor", {"object.actor": DELETE}, "object.actor"),
    ("substatement without verb", {"object.verb": DELETE}, "object.verb"),
    ("substatement without object", {"object.object": DELETE}, "object.object"),
    ("substatement bad timestamp", {"object.timestamp": "01/011/2015"}, "object.timestamp"),
    ("substatement bad verb display", {"object.verb.display": {"something": "x"}}, "object.verb.display"),
    ("substatement revision with agent object", {"object.object": AGENT, "object.context": {"revision": "1"}},
     "object.context.revision"),
]


@BOTH
@pytest.mark.parametrize(
    ("changes", "path"), [case[1:] for case in INVALID], ids=[case[0] for case in INVALID]
)
def test_refuses(version: str, changes: dict[str, Any], path: str) -> None:
    assert_refused(patched(base(), changes), version, path)


@BOTH
@pytest.mark.parametrize(
    ("changes", "path"),
    [case[1:] for case in INVALID_IN_SUBSTATEMENT],
    ids=[case[0] for case in INVALID_IN_SUBSTATEMENT],
)
def test_refuses_in_substatement(version: str, changes: dict[str, Any], path: str) -> None:
    statement = patched(substatement(), changes)
    assert_refused(statement, version, path)


@BOTH
def test_refuses_non_object_statement(version: str) -> None:
    for value in (None, [], "statement", 1):
        assert_refused(value, version, "statement")


# --- version-specific rules ------------------------------------------------------------------

CONTEXT_AGENTS = {
    "contextAgents": [
        {
            "objectType": "contextAgent",
            "agent": {"objectType": "Agent", "mbox": "mailto:player-1@example.com"},
            "relevantTypes": ["https://example.com/activity-types/quarterback"],
        },
        {"objectType": "contextAgent", "agent": {"account": {"homePage": "http://e.com", "name": "n"}}},
    ],
    "contextGroups": [
        {
            "objectType": "contextGroup",
            "group": {"objectType": "Group", "mbox": "mailto:team-1@example.com", "member": [AGENT_B]},
            "relevantTypes": ["https://example.com/activity-types/team/a"],
        },
        {"objectType": "contextGroup", "group": {"objectType": "Group", "member": [AGENT]}},
    ],
}


def test_context_agents_and_groups_are_2_0_only() -> None:
    statement = patched(base(), {"context": CONTEXT_AGENTS})
    validate_statement(statement, version=V2)
    assert_refused(statement, V1, "context.contextAgents")
    assert_refused(patched(base(), {"context": {"contextGroups": []}}), V1, "context.contextGroups")
    in_substatement = patched(substatement(), {"object.context": CONTEXT_AGENTS})
    validate_statement(in_substatement, version=V2)
    assert_refused(in_substatement, V1, "object.context.contextAgents")


CONTEXT_AGENT_INVALID = [
    ("not an array", {"context.contextAgents": CONTEXT_AGENTS["contextAgents"][0]}, "context.contextAgents"),
    ("objectType wrong", {"context.contextAgents[0].objectType": "Should fail"},
     "context.contextAgents[0].objectType"),
    ("objectType missing", {"context.contextAgents[1].objectType": DELETE}, "context.contextAgents[1].objectType"),
    ("agent missing", {"context.contextAgents[0].agent": DELETE}, "context.contextAgents[0].agent"),
    ("agent invalid", {"context.contextAgents[0].agent": {"key": "Should fail"}}, "context.contextAgents[0].agent.key"),
    ("agent is a group", {"context.contextAgents[0].agent": {"objectType": "Group", "member": [AGENT]}},
     "context.contextAgents[0].agent.objectType"),
    ("relevantTypes empty", {"context.contextAgents[0].relevantTypes": []}, "context.contextAgents[0].relevantTypes"),
    ("relevantTypes not IRI", {"context.contextAgents[0].relevantTypes": ["abc"]},
     "context.contextAgents[0].relevantTypes[0]"),
    ("relevantTypes string", {"context.contextAgents[0].relevantTypes": "http://e.com/t"},
     "context.contextAgents[0].relevantTypes"),
    ("unknown property", {"context.contextAgents[0].member": []}, "context.contextAgents[0].member"),
    ("group objectType wrong", {"context.contextGroups[0].objectType": "contextAgent"},
     "context.contextGroups[0].objectType"),
    ("group invalid", {"context.contextGroups[0].group": {"key": "Should fail"}},
     "context.contextGroups[0].group.objectType"),
    ("group is an agent", {"context.contextGroups[0].group": AGENT}, "context.contextGroups[0].group.objectType"),
    ("group missing", {"context.contextGroups[1].group": DELETE}, "context.contextGroups[1].group"),
    ("group relevantTypes empty", {"context.contextGroups[0].relevantTypes": []},
     "context.contextGroups[0].relevantTypes"),
    ("member outside group", {"context.contextGroups[0].member": [AGENT]}, "context.contextGroups[0].member"),
]


@pytest.mark.parametrize(
    ("changes", "path"), [case[1:] for case in CONTEXT_AGENT_INVALID], ids=[case[0] for case in CONTEXT_AGENT_INVALID]
)
def test_refuses_bad_context_agents_and_groups_in_2_0(changes: dict[str, Any], path: str) -> None:
    statement = patched(patched(base(), {"context": CONTEXT_AGENTS}), changes)
    assert_refused(statement, V2, path)


@pytest.mark.parametrize("value", ["2.0", "2.0.0", "2.0.17"])
def test_statement_version_2_0_only_on_2_0_requests(value: str) -> None:
    statement = patched(base(), {"version": value})
    validate_statement(statement, version=V2)
    error = assert_refused(statement, V1, "version")
    assert "1.0" in error.message


@pytest.mark.parametrize("value", ["3.0.0", "2.1.0", "2", "2.0.", "v2.0.0", " 2.0.0"])
def test_statement_version_refused_everywhere(value: str) -> None:
    for version in XAPI_VERSIONS:
        assert_refused(patched(base(), {"version": value}), version, "version")


# ISO 8601 but not RFC 3339: fine for 1.0.x, refused by 2.0 (which requires RFC 3339 with an offset).
ISO_ONLY_TIMESTAMPS = [
    "2013-05-18T05:32:34.804",  # no offset
    "2013-05-18T05:32",  # no seconds
    "20130518T053234Z",  # basic format
    "2013-05-18T05:32:34+0100",  # offset without colon
    "2013-05-18T05:32:34,5Z",  # comma decimal sign
    "2013-05-18T05:32:34+01",  # hour-only offset
]


@pytest.mark.parametrize("value", ISO_ONLY_TIMESTAMPS)
def test_timestamp_rules_differ_by_version(value: str) -> None:
    validate_statement(patched(base(), {"timestamp": value}), version=V1)
    assert_refused(patched(base(), {"timestamp": value}), V2, "timestamp")
    assert_refused(patched(substatement(), {"object.timestamp": value}), V2, "object.timestamp")
    assert_refused(patched(base(), {"stored": value}), V2, "stored")


# --- validate_statements ---------------------------------------------------------------------


@BOTH
def test_statements_single_object_becomes_list(version: str) -> None:
    statement = full()
    assert validate_statements(statement, version=version) == [statement]
    assert validate_statements(statement, version=version)[0] is statement


@BOTH
def test_statements_array_and_empty_array(version: str) -> None:
    batch = [base(), full(), patched(base(), {"id": OTHER_ID})]
    assert validate_statements(batch, version=version) == batch
    assert validate_statements([], version=version) == []


@BOTH
def test_statements_refuses_repeated_ids_even_in_other_case(version: str) -> None:
    batch = [patched(base(), {"id": STATEMENT_ID}), base(), patched(base(), {"id": STATEMENT_ID.upper()})]
    with pytest.raises(InvalidStatement) as caught:
        validate_statements(batch, version=version)
    assert caught.value.message.startswith("statements[2].id:")


@BOTH
def test_statements_names_the_bad_statement_in_a_batch(version: str) -> None:
    batch = [base(), patched(base(), {"actor.mbox": "bob"})]
    with pytest.raises(InvalidStatement) as caught:
        validate_statements(batch, version=version)
    assert caught.value.message.startswith("statements[1].actor.mbox:")
    with pytest.raises(InvalidStatement) as caught:
        validate_statements([base(), "not a statement"], version=version)
    assert caught.value.message.startswith("statements[1]:")


@BOTH
@pytest.mark.parametrize("payload", [None, "x", 5, True])
def test_statements_refuses_other_payloads(version: str, payload: object) -> None:
    with pytest.raises(InvalidStatement, match="Statement object or an array"):
        validate_statements(payload, version=version)


# --- agents as request parameters, actors, IFIs ----------------------------------------------


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        ({"mbox": "mailto:ann@example.com", "name": "Ann"}, "mbox:mailto:ann@example.com"),
        ({"objectType": "Agent", "mbox_sha1sum": SHA1.upper()}, f"mbox_sha1sum:{SHA1}"),
        ({"openid": "http://openid.example.org/1"}, "openid:http://openid.example.org/1"),
        ({"account": {"name": "n|1", "homePage": "http://e.com"}}, "account:http://e.com|n|1"),
        ({"objectType": "Group", "mbox": "mailto:g@e.com", "member": [AGENT]}, "mbox:mailto:g@e.com"),
        ({"objectType": "Group", "member": [AGENT]}, None),
    ],
)
def test_agent_ifi(agent: dict[str, Any], expected: str | None) -> None:
    assert agent_ifi(agent) == expected


@BOTH
def test_validate_agent_parameter(version: str) -> None:
    validate_agent({"mbox": "mailto:ann@example.com"}, version=version)
    validate_agent({"objectType": "Group", "openid": "http://e.com/g"}, version=version)
    with pytest.raises(InvalidStatement, match=r"^agent: must be an identified Group"):
        validate_agent({"objectType": "Group", "member": [AGENT]}, version=version)
    with pytest.raises(InvalidStatement, match=r"^agent\.objectType:"):
        validate_agent({"objectType": "Group", "openid": "http://e.com/g"}, version=version, allow_group=False)
    with pytest.raises(InvalidStatement, match=r"^agent: an Agent must have one of"):
        validate_agent({"name": "Rick James", "objectType": "Agent"}, version=version)
    with pytest.raises(InvalidStatement, match=r"^who: must be a JSON object"):
        validate_agent(True, path="who", version=version)


@BOTH
def test_validate_actor_accepts_anonymous_groups_and_names_path(version: str) -> None:
    validate_actor({"objectType": "Group", "member": [AGENT, AGENT_B]}, path="actor", version=version)
    with pytest.raises(InvalidStatement, match=r"^related\.member\[1\]: an Agent must have"):
        validate_actor({"objectType": "Group", "member": [AGENT, {}]}, path="related", version=version)


# --- primitives ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "iri",
    ["http://example.com", "https://例え.jp/パス", "urn:isbn:0451450523", "mailto:a@b.c", "tag:x.org,2020:y",
     "http://e.com/a%20b?q=[1]#f", "localhost:8080/x"],
)
def test_validate_iri_accepts(iri: str) -> None:
    validate_iri(iri, path="verb")


@pytest.mark.parametrize("iri", [*BAD_IRIS, None, 5, "http://x.com/\u0001", "1http://x.com", "http://x.com/<a>"])
def test_validate_iri_refuses(iri: object) -> None:
    with pytest.raises(InvalidStatement, match=r"^activity: "):
        validate_iri(iri, path="activity")


@pytest.mark.parametrize("value", [STATEMENT_ID, STATEMENT_ID.upper(), "00000000-0000-0000-0000-000000000000"])
def test_validate_uuid_accepts(value: str) -> None:
    validate_uuid(value, path="registration")


@pytest.mark.parametrize(
    "value",
    ["wrong", "", STATEMENT_ID + "0", STATEMENT_ID[:-1], "urn:uuid:" + STATEMENT_ID, STATEMENT_ID.replace("-", ""),
     " " + STATEMENT_ID, 12345, None],
)
def test_validate_uuid_refuses(value: object) -> None:
    with pytest.raises(InvalidStatement, match=r"^registration: "):
        validate_uuid(value, path="registration")


LANGUAGE_TAGS_OK = ["de", "de-DE", "zh-Hant", "sr-Latn-RS", "cmn", "ase", "es-419", "zh-Hans-CN", "en-GB-oed",
                    "i-klingon", "x-private", "de-CH-1901", "en-a-bbb-x-a-ccc", "sl-rozaj-biske", "EN-us"]
LANGUAGE_TAGS_BAD = ["a12345", "a12345678", "something", "", "e", "en-", "-en", "en--US", "zh-z-aaa-z-bbb-c-ccc",
                     "de-1901-1901", "en-x", "en_US", "en-US-", "en-\u212a\u212a"]


@BOTH
@pytest.mark.parametrize("tag", LANGUAGE_TAGS_OK)
def test_language_tags_accepted(version: str, tag: str) -> None:
    validate_statement(patched(base(), {"verb.display": {tag: "x"}, "context": {"language": tag}}), version=version)


@BOTH
@pytest.mark.parametrize("tag", LANGUAGE_TAGS_BAD)
def test_language_tags_refused(version: str, tag: str) -> None:
    error = assert_refused(patched(base(), {"verb.display": {"en": "x", tag: "y"}}), version, "verb.display")
    assert repr(tag) in error.message
    assert_refused(patched(base(), {"context": {"language": tag}}), version, "context.language")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2013-05-18T05:32:34.804Z", datetime(2013, 5, 18, 5, 32, 34, 804000, UTC)),
        ("2023-05-04T12:00:00-05:00", datetime(2023, 5, 4, 17, 0, tzinfo=UTC)),
        ("2008-09-15T15:53:00.601+00:00", datetime(2008, 9, 15, 15, 53, 0, 601000, UTC)),
        ("2008-09-15 15:53:00.1234567+05:30", datetime(2008, 9, 15, 10, 23, 0, 123456, UTC)),
        ("2008-09-15t15:53:00z", datetime(2008, 9, 15, 15, 53, tzinfo=UTC)),
    ],
)
def test_parse_timestamp_rfc3339(value: str, expected: datetime) -> None:
    for version in (None, V1, V2):
        parsed = parse_timestamp(value, path="since", version=version)
        assert parsed == expected
        assert parsed.tzinfo is not None


def test_parse_timestamp_keeps_offset_and_defaults_to_utc_for_1_0() -> None:
    assert parse_timestamp("2023-05-04T12:00:00-05:00", path="t").utcoffset() == timedelta(hours=-5)
    assert parse_timestamp("2013-05-18T05:32:34", path="t") == datetime(2013, 5, 18, 5, 32, 34, tzinfo=UTC)
    assert parse_timestamp("20130518T0532+0130", path="t", version=V1) == datetime(
        2013, 5, 18, 5, 32, tzinfo=timezone(timedelta(hours=1, minutes=30)))


@pytest.mark.parametrize(
    "value",
    ["not a timestamp", "2013-05-18", "2013-05-18T05:32:34.804-00:00", "2013-05-18T05:32:34-0000",
     "2013-05-18T05:32:34-00", "2013-13-01T00:00:00Z", "2013-05-18T05:32:60Z", "2013-05-18T05:32:34+24:00",
     "2013-05-18T05:32:34+01:60", "2013-05-18T05:32:34.Z", "2013-05-18T05:32.5Z", " 2013-05-18T05:32:34Z",
     "2013-05-18T05:32:34Z\n", "\u0662\u0660\u0661\u0663-05-18T05:32:34Z"],  # Arabic-Indic digits
)
def test_parse_timestamp_refuses(value: str) -> None:
    for version in (None, V1, V2):
        with pytest.raises(InvalidStatement, match=r"^since: "):
            parse_timestamp(value, path="since", version=version)


def test_parse_timestamp_refuses_non_strings() -> None:
    with pytest.raises(InvalidStatement, match=r"^until: must be a timestamp string"):
        parse_timestamp(1431700000, path="until")  # type: ignore[arg-type]


def test_versions_constant() -> None:
    assert XAPI_VERSIONS == ("1.0.3", "2.0.0")


PLAIN_ACTIVITIES = [
    {"id": ACTIVITY_ID},
    {"objectType": "Activity", "id": ACTIVITY_ID},
    {"id": ACTIVITY_ID, "definition": {}},
    {"id": ACTIVITY_ID, "definition": {"name": {"en-US": "Course 1"}, "description": {"sw": "Kozi"},
                                       "type": "http://adlnet.gov/expapi/activities/course",
                                       "moreInfo": "https://elearning.example.go.ke/course/1"}},
]
# Valid, but with parts only validate_activity checks: the fast check must hand them over.
OTHER_VALID_ACTIVITIES = [
    {"id": ACTIVITY_ID, "definition": {"extensions": {"http://example.com/ext": {"any": [1, None]}}}},
    {"id": ACTIVITY_ID, "definition": {"interactionType": "choice", "choices": [{"id": "a"}],
                                       "correctResponsesPattern": ["a"]}},
]
INVALID_ACTIVITIES = [
    None, "http://example.com/a", [ACTIVITY_ID], {}, {"id": 1}, {"id": "should fail"}, {"id": ""},
    {"objectType": "activity", "id": ACTIVITY_ID}, {"objectType": None, "id": ACTIVITY_ID},
    {"id": ACTIVITY_ID, "name": "x"}, {"id": ACTIVITY_ID, "definition": None},
    {"id": ACTIVITY_ID, "definition": "meeting"}, {"id": ACTIVITY_ID, "definition": {"name": "x"}},
    {"id": ACTIVITY_ID, "definition": {"name": {"en": 1}}},
    {"id": ACTIVITY_ID, "definition": {"description": {"zh-z-aaa-z-bbb-c-ccc": "x"}}},
    {"id": ACTIVITY_ID, "definition": {"type": "meeting"}}, {"id": ACTIVITY_ID, "definition": {"type": None}},
    {"id": ACTIVITY_ID, "definition": {"moreInfo": "a.com/x"}},
    {"id": ACTIVITY_ID, "definition": {"title": "x"}},
    {"id": ACTIVITY_ID, "definition": {"extensions": {"should fail": True}}},
    {"id": ACTIVITY_ID, "definition": {"choices": [{"id": "a"}]}},
]


@pytest.mark.parametrize("activity", PLAIN_ACTIVITIES)
def test_plain_activity_is_recognised_and_valid(activity: dict[str, Any]) -> None:
    assert is_plain_activity(activity)
    assert validate_activity(activity, "object") is activity


@pytest.mark.parametrize("activity", OTHER_VALID_ACTIVITIES)
def test_other_valid_activities_go_through_full_validation(activity: dict[str, Any]) -> None:
    assert not is_plain_activity(activity)
    assert validate_activity(activity, "object") is activity


@pytest.mark.parametrize("activity", INVALID_ACTIVITIES)
def test_fast_activity_check_never_accepts_an_invalid_one(activity: object) -> None:
    assert not is_plain_activity(activity)
    with pytest.raises(InvalidStatement, match=r"^object"):
        validate_activity(activity, "object")
