"""Document resources through a real server: state with ETags via tincan, profiles and their preconditions."""

from __future__ import annotations

import json

import pytest
import requests
from tincan import Activity, Agent, RemoteLRS, StateDocument

from tests.conftest import Credential, LiveServer

ACTIVITY = Activity(id="https://lms.example.go.ke/course/ICT101")
OFFICER = Agent(mbox="mailto:officer1@example.go.ke")
V1 = {"X-Experience-API-Version": "1.0.3"}
V2 = {"X-Experience-API-Version": "2.0.0"}


@pytest.fixture
def lrs(live_server: LiveServer, credential: Credential) -> RemoteLRS:
    return RemoteLRS(endpoint=f"{live_server.xapi}/", username=credential.key, password=credential.secret)


def state(content: dict, etag: str | None = None) -> StateDocument:
    document = StateDocument(id="bookmark", activity=ACTIVITY, agent=OFFICER, content=json.dumps(content),
                             content_type="application/json")
    if etag is not None:
        document.etag = etag
    return document


def test_state_document_round_trip_with_etags(lrs: RemoteLRS) -> None:
    saved = lrs.save_state(state({"page": 3}))
    assert saved.success, saved.data

    fetched = lrs.retrieve_state(ACTIVITY, OFFICER, "bookmark")
    assert fetched.success
    assert json.loads(fetched.content.content) == {"page": 3}
    # tincan looks for the ETag in a list of header tuples and never finds it: read it ourselves.
    etag = fetched.response.getheader("ETag")
    assert etag and len(etag.strip('"')) == 40

    # tincan's save_state sends its PUT twice: the first, with the current ETag, updates the
    # document; the second then carries a stale ETag and is refused with 412.
    stale_second_put = lrs.save_state(state({"page": 4}, etag=etag))
    assert stale_second_put.response.status == 412
    assert json.loads(lrs.retrieve_state(ACTIVITY, OFFICER, "bookmark").content.content) == {"page": 4}

    refused = lrs.save_state(state({"page": 5}, etag=etag))
    assert refused.response.status == 412
    assert json.loads(lrs.retrieve_state(ACTIVITY, OFFICER, "bookmark").content.content) == {"page": 4}

    ids = lrs.retrieve_state_ids(ACTIVITY, OFFICER)
    assert ids.success and ids.content == ["bookmark"]


def test_state_post_merges_json_objects(live_server: LiveServer, credential: Credential) -> None:
    url = f"{live_server.xapi}/activities/state"
    params = {"activityId": ACTIVITY.id, "agent": json.dumps({"mbox": OFFICER.mbox}), "stateId": "progress"}

    first = requests.post(url, params=params, json={"a": 1, "b": 1}, auth=credential.auth, headers=V1)
    second = requests.post(url, params=params, json={"b": 2, "c": 3}, auth=credential.auth, headers=V1)
    onto_text = requests.post(url, params=params, data="plain", auth=credential.auth,
                              headers={**V1, "Content-Type": "text/plain"})
    merged = requests.get(url, params=params, auth=credential.auth, headers=V1)

    assert (first.status_code, second.status_code, onto_text.status_code) == (204, 204, 400)
    assert merged.json() == {"a": 1, "b": 2, "c": 3}
    assert merged.headers["ETag"].startswith('"')


def test_profile_put_needs_a_precondition(live_server: LiveServer, credential: Credential) -> None:
    url = f"{live_server.xapi}/activities/profile"
    params = {"activityId": ACTIVITY.id, "profileId": "syllabus"}
    body = {"weeks": 6}

    bare_new = requests.put(url, params=params, json=body, auth=credential.auth, headers=V1)
    created = requests.put(url, params=params, json=body, auth=credential.auth, headers={**V1, "If-None-Match": "*"})
    etag = requests.get(url, params=params, auth=credential.auth, headers=V1).headers["ETag"]
    bare_existing = requests.put(url, params=params, json={"weeks": 7}, auth=credential.auth, headers=V1)
    wrong_etag = requests.put(url, params=params, json={"weeks": 7}, auth=credential.auth,
                              headers={**V1, "If-Match": '"0000000000000000000000000000000000000000"'})
    replaced = requests.put(url, params=params, json={"weeks": 8}, auth=credential.auth, headers={**V1, "If-Match": etag})

    assert bare_new.status_code == 400
    assert created.status_code == 204
    assert bare_existing.status_code == 409 and bare_existing.json()["error"]["code"] == "conflict"
    assert wrong_etag.status_code == 412
    assert replaced.status_code == 204
    assert requests.get(url, params=params, auth=credential.auth, headers=V1).json() == {"weeks": 8}


def test_state_put_over_existing_document_conflicts_in_2_0_only(live_server: LiveServer, credential: Credential) -> None:
    url = f"{live_server.xapi}/activities/state"
    params = {"activityId": ACTIVITY.id, "agent": json.dumps({"mbox": OFFICER.mbox}), "stateId": "resume"}

    assert requests.put(url, params=params, json={"v": 1}, auth=credential.auth, headers=V2).status_code == 204
    assert requests.put(url, params=params, json={"v": 2}, auth=credential.auth, headers=V1).status_code == 204
    assert requests.put(url, params=params, json={"v": 3}, auth=credential.auth, headers=V2).status_code == 409


def test_activities_and_agents_resources(live_server: LiveServer, credential: Credential, lrs: RemoteLRS) -> None:
    statement = {
        "actor": {"mbox": OFFICER.mbox, "name": "Officer One"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
        "object": {"id": ACTIVITY.id, "definition": {"name": {"en-US": "ICT basics"}}},
    }
    requests.post(f"{live_server.xapi}/statements", json=statement, auth=credential.auth, headers=V1).raise_for_status()
    statement["object"]["definition"] = {"name": {"sw": "Misingi ya TEHAMA"}}
    requests.post(f"{live_server.xapi}/statements", json=statement, auth=credential.auth, headers=V1).raise_for_status()

    activity = requests.get(f"{live_server.xapi}/activities", params={"activityId": ACTIVITY.id}, auth=credential.auth, headers=V1)
    person = requests.get(f"{live_server.xapi}/agents", params={"agent": json.dumps({"mbox": OFFICER.mbox})},
                          auth=credential.auth, headers=V1)

    assert activity.json()["definition"]["name"] == {"en-US": "ICT basics", "sw": "Misingi ya TEHAMA"}
    assert person.json() == {"objectType": "Person", "mbox": [OFFICER.mbox]}
