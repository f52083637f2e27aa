"""The issue's acceptance path, through a real ``elimu serve``: apply, approve, write, isolate, suspend, reinstate.

API calls use requests; xAPI traffic uses tincan, as an LMS would.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

from tincan import Activity, ActivityDefinition, Agent, AgentAccount, LanguageMap, RemoteLRS, Statement, Verb

from tests.conftest import Credential, LiveServer
from tests.lrs.centres.conftest import KSG, Api

COMPLETED = Verb(id="http://adlnet.gov/expapi/verbs/completed", display=LanguageMap({"en-US": "completed"}))
HUAWEI_COURSES = "https://talent.huawei.example.com/course/"
KSG_COURSES = "https://elearning.ksg.example.ac.ke/"


def lrs_for(live_server: LiveServer, credential: Credential) -> RemoteLRS:
    return RemoteLRS(endpoint=f"{live_server.xapi}/", username=credential.key, password=credential.secret)


def completion(course: str, learner: str = "officer1", home_page: str = "https://talent.huawei.example.com") -> Statement:
    return Statement(
        id=str(uuid.uuid4()),
        actor=Agent(name="Wanjiru Kamau", account=AgentAccount(home_page=home_page, name=learner)),
        verb=COMPLETED,
        object=Activity(id=course, definition=ActivityDefinition(name=LanguageMap({"en-US": "HCIA-AI"}))),
    )


def cli_credential_for(slug: str, environment: dict[str, str]) -> Credential:
    """A credential made ahead of approval, as an operator might with ``elimu clients create``."""
    result = subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "lrs.cli", "clients", "create", "--name", "early", "--centre", slug, "--json"],
        env={**os.environ, **environment}, capture_output=True, text=True, check=True, timeout=60,
    )
    issued = json.loads(result.stdout)
    return Credential(issued["key"], issued["secret"])


def test_centre_lifecycle_from_application_to_reinstatement(
    api: Api, live_server: LiveServer, admin: Credential, registrar: Credential, environment: dict[str, str]
) -> None:
    # An academy applies, without credentials.
    applied = api.apply()
    assert applied.status_code == 201, applied.text
    assert applied.json()["status"] == "pending"
    huawei_id, slug = applied.json()["id"], applied.json()["slug"]

    # A credential of the still-pending centre is refused, saying why.
    early = cli_credential_for(slug, environment)
    refused = lrs_for(live_server, early).save_statement(completion(HUAWEI_COURSES + "hcia-ai"))
    assert not refused.success
    assert refused.response.status == 403
    assert "pending" in refused.data

    # The ministry approves it; the first credential comes with the answer.
    approval = api.post(f"/centres/{huawei_id}/approve", admin, json={"reason": "partnership agreement MoICT/2024/017"})
    assert approval.status_code == 200, approval.text
    assert approval.json()["status"] == "approved"
    issued = approval.json()["credential"]
    huawei = Credential(issued["key"], issued["secret"])
    huawei_lrs = lrs_for(live_server, huawei)

    # It writes statements about its own activities, and their authority names the centre.
    own = completion(HUAWEI_COURSES + "hcia-ai")
    saved = huawei_lrs.save_statement(own)
    assert saved.success, saved.data
    stored = huawei_lrs.retrieve_statement(own.id)
    assert stored.success, stored.data
    assert stored.content.authority.name == "Huawei ICT Academy Kenya"
    assert stored.content.authority.account.home_page == f"http://127.0.0.1:8000/centres/{slug}"
    assert stored.content.authority.account.name == huawei.key

    # Another approved centre, with its own statement.
    ksg_id, ksg = api.approved_centre(admin, **KSG)
    ksg_statement = completion(KSG_COURSES + "course/view.php?id=12", home_page="https://elearning.ksg.example.ac.ke")
    assert lrs_for(live_server, ksg).save_statement(ksg_statement).success

    # Writing about the other centre's activity is refused.
    trespass = huawei_lrs.save_statement(completion(KSG_COURSES + "course/view.php?id=12"))
    assert trespass.response.status == 403
    assert "not under an IRI prefix" in trespass.data

    # Nor can it read the other centre's statements, by id or by query.
    assert huawei_lrs.retrieve_statement(ksg_statement.id).response.status == 404
    mine = huawei_lrs.query_statements({"limit": 50})
    assert mine.success, mine.data
    assert [str(s.id) for s in mine.content.statements] == [str(own.id)]

    # Suspended: writes are refused with the reason; what it wrote stays, and the registrar reads it.
    suspension = api.post(f"/centres/{huawei_id}/suspend", admin, json={"reason": "accreditation under review"})
    assert suspension.status_code == 200, suspension.text
    assert suspension.json()["status"] == "suspended"
    blocked = huawei_lrs.save_statement(completion(HUAWEI_COURSES + "hcip-ai"))
    assert blocked.response.status == 403
    assert "suspended" in blocked.data and "accreditation under review" in blocked.data
    registrar_view = lrs_for(live_server, registrar).query_statements({"activity": Activity(id=HUAWEI_COURSES + "hcia-ai")})
    assert registrar_view.success, registrar_view.data
    assert [str(s.id) for s in registrar_view.content.statements] == [str(own.id)]
    everything = lrs_for(live_server, registrar).query_statements({"limit": 50})
    assert {str(s.id) for s in everything.content.statements} == {str(own.id), str(ksg_statement.id)}

    # Reinstated: writes work again.
    reinstated = api.post(f"/centres/{huawei_id}/reinstate", admin, json={"reason": "review closed, no findings"})
    assert reinstated.status_code == 200, reinstated.text
    assert reinstated.json()["status"] == "approved"
    again = huawei_lrs.save_statement(completion(HUAWEI_COURSES + "hcip-ai"))
    assert again.success, again.data

    # The audit log shows every step, in order, with who and why.
    audit = api.get(f"/audit?centre={huawei_id}", admin)
    assert audit.status_code == 200, audit.text
    steps = [(item["action"], item["to_status"], item["reason"]) for item in audit.json()["items"]]
    assert steps == [
        ("apply", "pending", None),
        ("issue_credential", "pending", None),  # the operator's early credential, from the CLI
        ("approve", "approved", "partnership agreement MoICT/2024/017"),
        ("issue_credential", "approved", None),
        ("suspend", "suspended", "accreditation under review"),
        ("reinstate", "approved", "review closed, no findings"),
    ]
    items = audit.json()["items"]
    assert items[0]["actor"] == "applicant"
    assert items[1]["actor"].startswith("cli:") and items[1]["credential_key"] == early.key
    assert {item["actor"] for item in items[2:]} == {f"client:{admin.key}"}
    assert [item["at"] for item in items] == sorted(item["at"] for item in items)
    assert items[3]["credential_key"] == huawei.key
    assert api.get(f"/centres/{huawei_id}", huawei).json()["status"] == "approved"
    assert ksg_id != huawei_id
