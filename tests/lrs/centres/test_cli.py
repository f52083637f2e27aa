"""``elimu centres``: apply, list and decide from the command line, audited like the API."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import Credential
from tests.lrs.centres.conftest import Api


def elimu(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own CLI
        [sys.executable, "-m", "lrs.cli", *args], env={**os.environ, **environment},
        capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL,
    )


APPLY = [
    "centres", "apply", "--name", "Rwanda Coding Academy", "--kind", "tvet_institution", "--country", "rw",
    "--accreditation-ref", "RTB/2021/044", "--contact-email", "ict@rca.example.rw",
    "--prefix", "https://moodle.rca.example.rw/", "--home-page", "https://moodle.rca.example.rw",
]


def test_apply_approve_and_list_from_the_cli(environment: dict[str, str], api: Api, admin: Credential) -> None:
    applied = elimu(environment, *APPLY)
    assert applied.returncode == 0, applied.stderr
    centre = json.loads(applied.stdout)
    assert (centre["status"], centre["country"]) == ("pending", "RW")

    approved = elimu(environment, "centres", "decide", str(centre["id"]), "approve", "--reason", "RTB accreditation checked")
    assert approved.returncode == 0, approved.stderr
    result = json.loads(approved.stdout)
    assert result["status"] == "approved"
    credential = Credential(result["credential"]["key"], result["credential"]["secret"])
    assert api.get(f"/centres/{centre['id']}", credential).json()["status"] == "approved"

    listed = elimu(environment, "centres", "list", "--status", "approved")
    assert [json.loads(line)["name"] for line in listed.stdout.splitlines()] == ["Rwanda Coding Academy"]
    audit = api.get(f"/audit?centre={centre['id']}", admin).json()["items"]
    assert [i["action"] for i in audit] == ["apply", "approve", "issue_credential"]
    assert audit[1]["actor"].startswith("cli:") and audit[1]["actor_kind"] == "system"


def test_cli_refuses_bad_input_with_a_message(environment: dict[str, str]) -> None:
    bad = elimu(environment, *[a if a != "rw" else "ZZ" for a in APPLY])
    assert bad.returncode != 0 and "country" in bad.stderr
    assert elimu(environment, *APPLY).returncode == 0
    conflict = elimu(environment, *APPLY)
    assert conflict.returncode != 0 and "already claimed" in conflict.stderr
    missing = elimu(environment, "centres", "decide", "999", "approve", "--reason", "nothing there")
    assert missing.returncode != 0 and "no centre 999" in missing.stderr
    blank = elimu(environment, "centres", "decide", "1", "approve", "--reason", "  ")
    assert blank.returncode != 0 and "reason" in blank.stderr
