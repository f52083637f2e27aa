"""Isolation enforced in the store: what a centre's credential may write, void, read and keep in documents."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
import requests

from tests.conftest import Credential, LiveServer
from tests.lrs.centres.conftest import KSG, VERSION, Api

HUAWEI_PAGE = "https://talent.huawei.example.com"
HUAWEI_COURSE = "https://talent.huawei.example.com/course/hcia-ai"
KSG_PAGE = "https://elearning.ksg.example.ac.ke"
KSG_COURSE = "https://elearning.ksg.example.ac.ke/course/view.php?id=7"


def statement(activity: str = HUAWEI_COURSE, actor: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "actor": actor or {"objectType": "Agent", "account": {"homePage": HUAWEI_PAGE, "name": "officer-1"}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"id": activity},
        **extra,
    }


def voiding(target: str) -> dict[str, Any]:
    return {
        "actor": {"mbox": "mailto:registry@example.go.ke"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": target},
    }


class Xapi:
    def __init__(self, live_server: LiveServer, credential: Credential) -> None:
        self.base, self.auth = live_server.xapi, credential.auth

    def post(self, *statements: dict[str, Any]) -> requests.Response:
        return requests.post(f"{self.base}/statements", json=list(statements), auth=self.auth, headers=VERSION, timeout=30)

    def get(self, resource: str = "statements", **params: str) -> requests.Response:
        return requests.get(f"{self.base}/{resource}", params=params, auth=self.auth, headers=VERSION, timeout=30)

    def put_state(self, activity: str, agent: dict[str, Any], body: dict[str, Any], state_id: str = "bookmark") -> requests.Response:
        params = {"activityId": activity, "agent": json.dumps(agent), "stateId": state_id}
        return requests.put(f"{self.base}/activities/state", params=params, json=body, auth=self.auth, headers=VERSION, timeout=30)

    def get_state(self, activity: str, agent: dict[str, Any], state_id: str = "bookmark") -> requests.Response:
        return self.get("activities/state", activityId=activity, agent=json.dumps(agent), stateId=state_id)


@pytest.fixture
def centres(api: Api, admin: Credential, live_server: LiveServer) -> dict[str, Any]:
    huawei_id, huawei = api.approved_centre(admin)
    ksg_id, ksg = api.approved_centre(admin, **KSG)
    return {
        "huawei_id": huawei_id, "ksg_id": ksg_id,
        "huawei": Xapi(live_server, huawei), "ksg": Xapi(live_server, ksg), "admin": Xapi(live_server, admin),
    }


LEARNER = {"objectType": "Agent", "account": {"homePage": HUAWEI_PAGE, "name": "officer-1"}}


@pytest.mark.parametrize(
    "trespass",
    [
        statement(KSG_COURSE),
        statement(actor={"objectType": "Agent", "account": {"homePage": KSG_PAGE, "name": "x"}}),
        statement(context={"contextActivities": {"parent": [{"id": KSG_COURSE}]}}),
        statement(context={"instructor": {"objectType": "Agent", "account": {"homePage": KSG_PAGE, "name": "tutor"}}}),
        statement(actor={"objectType": "Group", "member": [{"account": {"homePage": KSG_PAGE, "name": "m"}}]}),
        statement(object={"objectType": "SubStatement", "actor": LEARNER, "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"}, "object": {"id": KSG_COURSE}}),
        statement(object={"objectType": "Agent", "account": {"homePage": KSG_PAGE, "name": "peer"}}),
    ],
    ids=["object", "actor account", "context activity", "instructor", "group member", "substatement", "agent object"],
)
def test_centre_cannot_write_what_it_does_not_own(centres: dict[str, Any], trespass: dict[str, Any]) -> None:
    response = centres["huawei"].post(statement(), trespass)
    assert response.status_code == 403, response.text
    assert "statement 1" in response.json()["error"]["message"]
    assert centres["huawei"].get().json()["statements"] == []  # nothing of the batch was stored


def test_mbox_actors_and_case_of_scheme_and_host_are_fine(centres: dict[str, Any]) -> None:
    ok = statement("HTTPS://Talent.Huawei.Example.com/course/x", actor={"mbox": "mailto:officer@example.go.ke"})
    assert centres["huawei"].post(ok).status_code == 200


def test_centre_voids_only_its_own_statements(centres: dict[str, Any]) -> None:
    ksg_statement = statement(KSG_COURSE, actor={"mbox": "mailto:o@example.go.ke"})
    assert centres["ksg"].post(ksg_statement).status_code == 200
    refused = centres["huawei"].post(voiding(ksg_statement["id"]))
    assert refused.status_code == 403
    assert "another centre" in refused.json()["error"]["message"]
    assert centres["ksg"].get(statementId=ksg_statement["id"]).status_code == 200

    own = statement()
    assert centres["huawei"].post(own).status_code == 200
    assert centres["huawei"].post(voiding(own["id"])).status_code == 200
    assert centres["huawei"].get(voidedStatementId=own["id"]).status_code == 200


def test_early_void_from_another_centre_is_not_honoured(centres: dict[str, Any]) -> None:
    future = statement(KSG_COURSE, actor={"mbox": "mailto:o@example.go.ke"})
    assert centres["huawei"].post(voiding(future["id"])).status_code == 200  # target unknown yet
    assert centres["ksg"].post(future).status_code == 200
    assert centres["ksg"].get(statementId=future["id"]).status_code == 200  # still valid


def test_admin_reads_and_voids_anything(centres: dict[str, Any]) -> None:
    ksg_statement = statement(KSG_COURSE, actor={"mbox": "mailto:o@example.go.ke"})
    centres["ksg"].post(ksg_statement)
    assert centres["admin"].get(statementId=ksg_statement["id"]).status_code == 200
    assert centres["admin"].post(voiding(ksg_statement["id"])).status_code == 200
    assert centres["ksg"].get(voidedStatementId=ksg_statement["id"]).status_code == 200


def test_documents_are_kept_per_centre(centres: dict[str, Any]) -> None:
    shared_key = (HUAWEI_COURSE, LEARNER)
    assert centres["huawei"].put_state(*shared_key, {"page": 3}).status_code == 204
    # The same key in the ministry's own namespace does not collide and is not Huawei's.
    assert centres["admin"].put_state(*shared_key, {"page": 99}).status_code == 204
    assert centres["huawei"].get_state(*shared_key).json() == {"page": 3}
    assert centres["admin"].get_state(*shared_key).json() == {"page": 99}
    assert centres["ksg"].get_state(*shared_key).status_code == 404
    ids = centres["ksg"].get("activities/state", activityId=HUAWEI_COURSE, agent=json.dumps(LEARNER))
    assert ids.json() == []


def test_centre_writes_documents_only_about_what_it_owns(centres: dict[str, Any]) -> None:
    refused = centres["ksg"].put_state(HUAWEI_COURSE, {"mbox": "mailto:o@example.go.ke"}, {"x": 1})
    assert refused.status_code == 403
    refused = centres["ksg"].put_state(KSG_COURSE, LEARNER, {"x": 1})  # a Huawei account
    assert refused.status_code == 403
    profile = requests.put(
        f"{centres['ksg'].base}/activities/profile", params={"activityId": HUAWEI_COURSE, "profileId": "p"},
        json={"x": 1}, auth=centres["ksg"].auth, headers={**VERSION, "If-None-Match": "*"}, timeout=30,
    )
    assert profile.status_code == 403


def test_centre_reads_definitions_only_of_its_activities(centres: dict[str, Any]) -> None:
    centres["huawei"].post(statement(HUAWEI_COURSE, object={"id": HUAWEI_COURSE, "definition": {"name": {"en": "HCIA-AI"}}}))
    assert centres["huawei"].get("activities", activityId=HUAWEI_COURSE).json()["definition"]["name"] == {"en": "HCIA-AI"}
    assert centres["ksg"].get("activities", activityId=HUAWEI_COURSE).status_code == 403


def test_suspended_centre_reads_its_records_but_writes_nothing(api: Api, admin: Credential, centres: dict[str, Any]) -> None:
    own = statement()
    centres["huawei"].post(own)
    centres["huawei"].put_state(HUAWEI_COURSE, LEARNER, {"page": 1})
    api.post(f"/centres/{centres['huawei_id']}/suspend", admin, json={"reason": "audit of 2025 results"})

    assert centres["huawei"].get(statementId=own["id"]).status_code == 200
    assert centres["huawei"].get_state(HUAWEI_COURSE, LEARNER).json() == {"page": 1}
    for response in (centres["huawei"].post(statement()), centres["huawei"].put_state(HUAWEI_COURSE, LEARNER, {"page": 2})):
        assert response.status_code == 403
        assert "suspended" in response.json()["error"]["message"]
        assert "audit of 2025 results" in response.json()["error"]["message"]
    assert centres["admin"].get(statementId=own["id"]).status_code == 200


def test_revoked_centre_is_refused_everything_and_its_records_stay(api: Api, admin: Credential, registrar: Credential, centres: dict[str, Any], live_server: LiveServer) -> None:
    own = statement()
    centres["huawei"].post(own)
    api.post(f"/centres/{centres['huawei_id']}/revoke", admin, json={"reason": "certificates sold"})
    for response in (centres["huawei"].get(), centres["huawei"].post(statement())):
        assert response.status_code == 403
        assert "revoked" in response.json()["error"]["message"]
    assert Xapi(live_server, registrar).get(statementId=own["id"]).status_code == 200


def test_pending_centre_credential_is_refused_reads_too(api: Api, centres: dict[str, Any], live_server: LiveServer, app: Any) -> None:
    from lrs.centres.models import Centre
    from lrs.db import session_scope
    from tests.conftest import make_credential

    applied = api.apply(name="Pending Academy", activity_prefixes=["https://pending.example.ke/"], home_pages=[]).json()
    with app.app_context(), session_scope(app) as session:
        centre = session.get(Centre, applied["id"])
    early = Xapi(live_server, make_credential(app, "early", centre=centre))
    response = early.get()
    assert response.status_code == 403
    assert "pending" in response.json()["error"]["message"]
