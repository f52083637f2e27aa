"""The statements resource through a real server: tincan as the client, plus raw HTTP where tincan cannot go."""

from __future__ import annotations

import uuid

import pytest
import requests
from tincan import Activity, ActivityDefinition, Agent, LanguageMap, RemoteLRS, Statement, StatementRef, Verb

from tests.conftest import Credential, LiveServer

COMPLETED = Verb(id="http://adlnet.gov/expapi/verbs/completed", display=LanguageMap({"en-US": "completed"}))
VOIDED = Verb(id="http://adlnet.gov/expapi/verbs/voided", display=LanguageMap({"en-US": "voided"}))
HEADERS = {"X-Experience-API-Version": "1.0.3"}


@pytest.fixture
def lrs(live_server: LiveServer, credential: Credential) -> RemoteLRS:
    return RemoteLRS(endpoint=f"{live_server.xapi}/", username=credential.key, password=credential.secret)


def officer(n: int) -> Agent:
    return Agent(name=f"Officer {n}", mbox=f"mailto:officer{n}@example.go.ke")


def course_activity(code: str) -> Activity:
    return Activity(
        id=f"https://lms.example.go.ke/course/{code}",
        definition=ActivityDefinition(name=LanguageMap({"en-US": f"Course {code}"})),
    )


def completion(n: int, code: str = "ICT101") -> Statement:
    return Statement(actor=officer(n), verb=COMPLETED, object=course_activity(code))


def test_statement_round_trip_keeps_content_and_adds_lrs_properties(lrs: RemoteLRS, credential: Credential) -> None:
    saved = lrs.save_statement(completion(1))
    assert saved.success, saved.data
    statement_id = saved.content.id

    fetched = lrs.retrieve_statement(statement_id)

    assert fetched.success, fetched.data
    statement = fetched.content
    assert statement.actor.mbox == "mailto:officer1@example.go.ke"
    assert statement.verb.id == COMPLETED.id
    assert statement.object.id == "https://lms.example.go.ke/course/ICT101"
    assert statement.stored is not None
    assert statement.authority.account.name == credential.key
    assert statement.version.startswith("1.0")


def test_query_pages_through_more_links_without_gaps_or_repeats(live_server: LiveServer, credential: Credential, lrs: RemoteLRS) -> None:
    ids = []
    for n in range(7):
        response = lrs.save_statement(completion(n))
        assert response.success, response.data
        ids.append(str(response.content.id))

    seen: list[str] = []
    result = lrs.query_statements({"verb": COMPLETED, "limit": 3})
    assert result.success, result.data
    pages = 1
    seen.extend(str(s.id) for s in result.content.statements)
    while result.content.more:
        result = lrs.more_statements(result.content)
        assert result.success, result.data
        seen.extend(str(s.id) for s in result.content.statements)
        pages += 1

    assert pages == 3
    assert seen == list(reversed(ids))  # newest first, each exactly once


def test_query_filters_by_agent_and_activity(lrs: RemoteLRS) -> None:
    for n, code in [(1, "ICT101"), (2, "ICT101"), (1, "AI200")]:
        assert lrs.save_statement(completion(n, code)).success

    by_agent = lrs.query_statements({"agent": officer(1)})
    by_activity = lrs.query_statements({"activity": course_activity("ICT101")})
    by_both = lrs.query_statements({"agent": officer(1), "activity": course_activity("AI200")})

    assert {s.object.id.rsplit("/", 1)[1] for s in by_agent.content.statements} == {"ICT101", "AI200"}
    assert {s.actor.mbox for s in by_activity.content.statements} == {
        "mailto:officer1@example.go.ke",
        "mailto:officer2@example.go.ke",
    }
    assert len(by_both.content.statements) == 1


def test_voided_statement_is_hidden_from_queries_but_reachable_as_voided(lrs: RemoteLRS, live_server: LiveServer, credential: Credential) -> None:
    target = lrs.save_statement(completion(3)).content.id
    voiding = Statement(actor=officer(3), verb=VOIDED, object=StatementRef(id=target))
    assert lrs.save_statement(voiding).success

    assert lrs.retrieve_statement(target).success is False
    assert lrs.retrieve_voided_statement(target).success
    listed = lrs.query_statements({"agent": officer(3)}).content.statements
    # The voided target is gone; the voiding statement still matches through the target it refers to.
    assert [s.verb.id for s in listed] == [VOIDED.id]

    response = requests.get(
        f"{live_server.xapi}/statements", params={"statementId": str(target)}, auth=credential.auth, headers=HEADERS
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_same_id_same_content_is_accepted_and_different_content_conflicts(live_server: LiveServer, credential: Credential) -> None:
    statement_id = str(uuid.uuid4())
    body = {
        "id": statement_id,
        "actor": {"mbox": "mailto:officer9@example.go.ke"},
        "verb": {"id": COMPLETED.id},
        "object": {"id": "https://lms.example.go.ke/course/ICT101"},
    }
    url = f"{live_server.xapi}/statements"

    first = requests.post(url, json=body, auth=credential.auth, headers=HEADERS)
    again = requests.put(url, params={"statementId": statement_id}, json=body, auth=credential.auth, headers=HEADERS)
    changed = requests.post(url, json={**body, "verb": {"id": "http://adlnet.gov/expapi/verbs/passed"}}, auth=credential.auth, headers=HEADERS)

    assert first.status_code == 200 and first.json() == [statement_id]
    assert again.status_code == 204
    assert changed.status_code == 409
    assert changed.json()["error"]["code"] == "statement_conflict"
    listed = requests.get(url, auth=credential.auth, headers=HEADERS).json()["statements"]
    assert [s["id"] for s in listed] == [statement_id]


def test_consistent_through_and_version_headers_are_sent(live_server: LiveServer, credential: Credential) -> None:
    for version, expected in [("1.0.3", "1.0.3"), ("1.0.1", "1.0.3"), ("2.0.0", "2.0.0")]:
        response = requests.get(
            f"{live_server.xapi}/statements", auth=credential.auth, headers={"X-Experience-API-Version": version}
        )
        assert response.status_code == 200
        assert response.headers["X-Experience-API-Version"] == expected
        assert response.headers["X-Experience-API-Consistent-Through"].endswith("Z")


def test_requests_without_credentials_or_version_are_refused(live_server: LiveServer, credential: Credential) -> None:
    url = f"{live_server.xapi}/statements"
    anonymous = requests.get(url, headers=HEADERS)
    wrong = requests.get(url, headers=HEADERS, auth=(credential.key, "not-the-secret"))
    unversioned = requests.get(url, auth=credential.auth)
    about = requests.get(f"{live_server.xapi}/about")

    assert anonymous.status_code == 401 and anonymous.json()["error"]["code"] == "unauthorised"
    assert wrong.status_code == 401
    assert unversioned.status_code == 400
    assert about.status_code == 200 and about.json()["version"] == ["1.0.3", "2.0.0"]
