"""A Moodle web-services server on loopback, answering in Moodle's documented shapes.

It serves ``/webservice/rest/server.php`` for the functions the pull calls, with Moodle's error bodies
(HTTP 200 with ``exception``/``errorcode``/``message``), ``warnings`` lists, mod_customcert's paging
(newest first, ``timecreatedfrom`` inclusive, at most 500 a page), and switchable misbehaviour:
HTTP 500s, HTML instead of JSON, JSON of the wrong shape, and answers slower than any timeout.
Every call is logged (function and parameters, never the token) for the tests to inspect.
"""

from __future__ import annotations

import re
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

TOKEN = "7f3c2b1a9e8d7c6b5a4f3e2d1c0b9a8f"
FUNCTIONS = (
    "core_webservice_get_site_info", "core_user_get_users_by_field", "core_enrol_get_users_courses",
    "core_completion_get_course_completion_status", "core_completion_get_activities_completion_status",
    "gradereport_user_get_grade_items", "mod_customcert_list_issues",
)


@dataclass
class Misbehaviour:
    """How a function should misbehave: for every call, or only when ``userid`` is one of ``users``."""

    kind: str  # "http500" | "html" | "wrong-shape" | "slow" | "exception"
    users: frozenset[int] | None = None
    times: int | None = None  # misbehave this many times, then answer normally (None: always)
    seconds: float = 0.0

    def applies(self, params: dict[str, Any]) -> bool:
        if self.times is not None and self.times <= 0:
            return False
        return self.users is None or int(params.get("userid", 0)) in self.users


@dataclass
class FakeMoodle:
    """The site's data and behaviour; tests change them between runs."""

    url: str = ""
    token: str = TOKEN
    functions: list[str] = field(default_factory=lambda: list(FUNCTIONS))
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    courses: dict[int, dict[str, Any]] = field(default_factory=dict)
    enrolments: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    course_completion: dict[tuple[int, int], dict[str, Any] | str] = field(default_factory=dict)
    activities: dict[tuple[int, int], list[dict[str, Any]]] = field(default_factory=dict)
    grades: dict[tuple[int, int], list[dict[str, Any]]] = field(default_factory=dict)
    issues: list[dict[str, Any]] = field(default_factory=list)
    misbehaviour: dict[str, Misbehaviour] = field(default_factory=dict)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    # --- building the site -------------------------------------------------------------------------
    def add_user(self, user_id: int, idnumber: str, fullname: str) -> None:
        first, _, last = fullname.partition(" ")
        self.users[user_id] = {
            "id": user_id, "username": f"user{user_id}", "firstname": first, "lastname": last, "fullname": fullname,
            "email": f"user{user_id}@example.go.ke", "idnumber": idnumber, "department": "", "institution": "",
            "firstaccess": 1700000000, "lastaccess": 1710000000, "auth": "manual", "suspended": False,
            "confirmed": True, "lang": "en", "theme": "", "timezone": "99", "mailformat": 1,
            "description": "", "descriptionformat": 1, "profileimageurlsmall": f"{self.url}/theme/image.php/boost/core/1/u/f2",
            "profileimageurl": f"{self.url}/theme/image.php/boost/core/1/u/f1",
        }

    def add_course(self, course_id: int, fullname: str, *, completion: bool = True) -> None:
        self.courses[course_id] = {"id": course_id, "fullname": fullname, "shortname": fullname[:12], "lang": "",
                                   "enablecompletion": completion}

    def enrol(self, user_id: int, course_id: int) -> None:
        self.enrolments[user_id].append(course_id)

    def complete_course(self, user_id: int, course_id: int, at: int) -> None:
        self.course_completion[(user_id, course_id)] = {
            "completed": True, "aggregation": 1,
            "completions": [
                {"type": 4, "title": "Activity completion", "status": "Yes", "complete": True, "timecompleted": at - 3600,
                 "details": {"type": "Activity completion", "criteria": "Quiz", "requirement": "Marking complete", "status": ""}},
                {"type": 6, "title": "Course grade", "status": "Yes", "complete": True, "timecompleted": at,
                 "details": {"type": "Course grade", "criteria": "Course grade", "requirement": "70.00% required", "status": "82.00%"}},
            ],
        }

    def complete_activity(self, user_id: int, course_id: int, cmid: int, modname: str, state: int, at: int) -> None:
        self.activities.setdefault((user_id, course_id), []).append({
            "cmid": cmid, "modname": modname, "instance": cmid + 100, "state": state, "timecompleted": at, "tracking": 2,
            "overrideby": None, "valueused": False, "hascompletion": True, "isautomatic": True, "istrackeduser": True,
            "uservisible": True, "details": [],
        })

    def grade(self, user_id: int, course_id: int, item_id: int, cmid: int, module: str, raw: float, at: int,
              *, grademax: float = 100.0) -> None:
        self.grades.setdefault((user_id, course_id), []).append({
            "id": item_id, "itemname": f"{module} {cmid}", "itemtype": "mod", "itemmodule": module, "iteminstance": cmid + 100,
            "itemnumber": 0, "idnumber": "", "categoryid": 1, "outcomeid": None, "scaleid": None, "locked": False,
            "cmid": cmid, "weightraw": 1, "weightformatted": "100.00 %", "status": "", "graderaw": raw,
            "gradedatesubmitted": at - 60, "gradedategraded": at, "gradehiddenbydate": False, "gradeneedsupdate": False,
            "gradeishidden": False, "gradeislocked": False, "gradeisoverridden": False, "gradeformatted": f"{raw:.2f}",
            "grademin": 0, "grademax": grademax, "rangeformatted": f"0&ndash;{grademax:g}", "percentageformatted": "",
            "feedback": "", "feedbackformat": 1,
        })

    def issue_certificate(self, issue_id: int, user_id: int, code: str, at: int, *, customcert: int = 1, contextid: int = 77) -> None:
        user = self.users[user_id]
        self.issues.append({
            "issue": {"id": issue_id, "customcertid": customcert, "code": code, "emailed": False, "timecreated": at},
            "user": {"id": user_id, "fullname": user["fullname"], "username": user["username"], "email": user["email"]},
            "template": {"id": customcert, "name": "Digital Skills Certificate", "contextid": contextid},
            "pdf": {"name": None, "content": None, "haspdf": False},
        })

    def called(self, function: str) -> list[dict[str, Any]]:
        with self.lock:
            return [params for name, params in self.calls if name == function]

    # --- answering ---------------------------------------------------------------------------------
    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        return self.answer(Request(environ))(environ, start_response)

    def answer(self, request: Request) -> Response:
        if request.path != "/webservice/rest/server.php":
            return Response("<html><body>Not found</body></html>", status=404, mimetype="text/html")
        form = {**request.args.to_dict(), **request.form.to_dict()}
        if form.get("moodlewsrestformat") != "json":
            return Response("<?xml version='1.0'?><RESPONSE/>", mimetype="application/xml")
        function = form.get("wsfunction", "")
        params = parse_php_params({k: v for k, v in form.items() if k not in ("wstoken", "wsfunction", "moodlewsrestformat")})
        with self.lock:
            self.calls.append((function, params))
            trouble = self.misbehaviour.get(function)
            if trouble is not None and trouble.applies(params):
                if trouble.times is not None:
                    trouble.times -= 1
            else:
                trouble = None
        if form.get("wstoken") != self.token:
            return _json({"exception": "moodle_exception", "errorcode": "invalidtoken", "message": "Invalid token - token not found"})
        if function not in self.functions:
            return _json({"exception": "webservice_access_exception", "errorcode": "accessexception",
                          "message": "Access control exception"})
        if trouble is not None:
            return _misbehave(trouble)
        return _json(getattr(self, "_" + function)(params))

    def _core_webservice_get_site_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "sitename": "Kenya School of Government eLearning", "username": "elimu_ws", "firstname": "Elimu",
            "lastname": "Service", "fullname": "Elimu Service", "lang": "en", "userid": 2, "siteurl": self.url,
            "userpictureurl": f"{self.url}/theme/image.php/boost/core/1/u/f1",
            "functions": [{"name": name, "version": "2024042200"} for name in self.functions],
            "downloadfiles": 1, "uploadfiles": 1, "release": "4.4.1 (Build: 20240610)", "version": "2024042201",
            "mobilecssurl": "", "advancedfeatures": [{"name": "usecomments", "value": 1}], "usercanmanageownfiles": True,
            "userquota": 0, "usermaxuploadfilesize": -1, "userhomepage": 1, "userprivateaccesskey": "x",
            "siteid": 1, "sitecalendartype": "gregorian", "usercalendartype": "gregorian", "userissiteadmin": False,
            "theme": "boost",
        }

    def _core_user_get_users_by_field(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if params.get("field") != "idnumber":
            return []
        wanted = set(params.get("values", []))
        return [user for user in self.users.values() if user["idnumber"] in wanted]

    def _core_enrol_get_users_courses(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        user_id = int(params["userid"])
        return [
            {**self.courses[course_id], "displayname": self.courses[course_id]["fullname"], "enrolledusercount": 42,
             "idnumber": "", "visible": 1, "summary": "", "summaryformat": 1, "format": "topics", "showgrades": True,
             "category": 1, "progress": None, "completed": False, "startdate": 1700000000, "enddate": 0, "marker": 0,
             "lastaccess": 1710000000, "isfavourite": False, "hidden": False, "overviewfiles": [],
             "showactivitydates": True, "showcompletionconditions": True, "timemodified": 1700000000}
            for course_id in self.enrolments.get(user_id, [])
        ]

    def _core_completion_get_course_completion_status(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (int(params["userid"]), int(params["courseid"]))
        status = self.course_completion.get(key)
        if status is None:
            return {"exception": "moodle_exception", "errorcode": "nocriteriaset", "message": "No criteria set for this course"}
        if isinstance(status, str):
            return {"exception": "moodle_exception", "errorcode": status, "message": status}
        return {"completionstatus": status, "warnings": []}

    def _core_completion_get_activities_completion_status(self, params: dict[str, Any]) -> dict[str, Any]:
        key = (int(params["userid"]), int(params["courseid"]))
        warnings = [] if key in self.activities else [
            {"item": "course", "itemid": key[1], "warningcode": "nothingtracked", "message": "No activity tracks completion"}
        ]
        return {"statuses": self.activities.get(key, []), "warnings": warnings}

    def _gradereport_user_get_grade_items(self, params: dict[str, Any]) -> dict[str, Any]:
        user_id, course_id = int(params["userid"]), int(params["courseid"])
        user = self.users[user_id]
        total = {"id": 9000 + course_id, "itemname": None, "itemtype": "course", "itemmodule": None, "iteminstance": course_id,
                 "itemnumber": None, "idnumber": None, "categoryid": None, "outcomeid": None, "scaleid": None,
                 "locked": False, "graderaw": 80.0, "grademin": 0, "grademax": 100, "gradedategraded": 1710000000}
        return {
            "usergrades": [{
                "courseid": course_id, "courseidnumber": "", "userid": user_id, "userfullname": user["fullname"],
                "useridnumber": user["idnumber"], "maxdepth": 2, "gradeitems": [*self.grades.get((user_id, course_id), []), total],
            }],
            "warnings": [],
        }

    def _mod_customcert_list_issues(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        since = int(params.get("timecreatedfrom") or 0)
        limit = max(1, min(500, int(params.get("limit", 100))))
        offset = max(0, int(params.get("offset", 0)))
        matching = sorted((issue for issue in self.issues if issue["issue"]["timecreated"] >= since),
                          key=lambda issue: (-issue["issue"]["timecreated"], issue["issue"]["id"]))
        return matching[offset:offset + limit]


def parse_php_params(form: dict[str, str]) -> dict[str, Any]:
    """``values[0]=a&values[1]=b`` as ``{"values": ["a", "b"]}`` (how PHP reads Moodle's parameters)."""
    params: dict[str, Any] = {}
    for key, value in form.items():
        match = re.fullmatch(r"(\w+)\[(\d+)\]", key)
        if match:
            params.setdefault(match.group(1), {})[int(match.group(2))] = value
        else:
            params[key] = value
    return {k: [v[i] for i in sorted(v)] if isinstance(v, dict) else v for k, v in params.items()}


def _json(value: Any) -> Response:
    return Response(orjson.dumps(value), mimetype="application/json")


def _misbehave(trouble: Misbehaviour) -> Response:
    if trouble.kind == "http500":
        return Response("<html><body><h1>500 Internal Server Error</h1></body></html>", status=500, mimetype="text/html")
    if trouble.kind == "html":
        return Response("<!DOCTYPE html><html><body>Site is in maintenance mode</body></html>", mimetype="text/html")
    if trouble.kind == "wrong-shape":
        return _json({"statuses": "not a list", "usergrades": 7})
    if trouble.kind == "exception":
        return _json({"exception": "required_capability_exception", "errorcode": "nopermissions",
                      "message": "Sorry, but you do not currently have permissions to do that (View grades)."})
    if trouble.kind == "slow":
        time.sleep(trouble.seconds)
        return _json([])
    raise ValueError(trouble.kind)


@contextmanager
def running_moodle() -> Iterator[FakeMoodle]:
    """A fresh fake Moodle on a free loopback port, for the length of the block."""
    moodle = FakeMoodle()
    server = make_server("127.0.0.1", 0, moodle, threaded=True)
    moodle.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield moodle
    finally:
        server.shutdown()
        thread.join(timeout=10)
