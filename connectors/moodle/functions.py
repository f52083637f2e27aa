"""The Moodle web-service functions the pull calls, and their answers read into typed records.

Shapes follow Moodle's own ``*_returns()`` descriptions (core_webservice, core_user, core_enrol,
core_completion, gradereport_user, mod_customcert). An answer of another shape raises ``MoodleError``
naming the function, so garbage never becomes a statement. ``warnings`` lists are returned alongside.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from connectors.moodle.client import MoodleClient, MoodleError

SITE_INFO = "core_webservice_get_site_info"
USERS_BY_FIELD = "core_user_get_users_by_field"
USERS_COURSES = "core_enrol_get_users_courses"
COURSE_COMPLETION = "core_completion_get_course_completion_status"
ACTIVITIES_COMPLETION = "core_completion_get_activities_completion_status"
GRADE_ITEMS = "gradereport_user_get_grade_items"
CERTIFICATE_ISSUES = "mod_customcert_list_issues"
REQUIRED = (USERS_BY_FIELD, USERS_COURSES, COURSE_COMPLETION, ACTIVITIES_COMPLETION, GRADE_ITEMS)
CERTIFICATE_PAGE = 500  # mod_customcert_list_issues answers at most 500 issues a call
# Answers that mean "nothing to read here" rather than a failure.
NOTHING_TO_READ = frozenset({"nocriteriaset", "usernotenroled", "notenroled", "completionnotenabled"})


@dataclass(frozen=True)
class SiteInfo:
    site_url: str
    site_name: str
    release: str
    functions: frozenset[str] | None  # None: the site did not say (older Moodles)

    def missing(self) -> list[str]:
        if self.functions is None:
            return []
        return [name for name in REQUIRED if name not in self.functions]

    @property
    def has_certificates(self) -> bool:
        return self.functions is None or CERTIFICATE_ISSUES in self.functions


@dataclass(frozen=True)
class MoodleUser:
    id: int
    idnumber: str
    fullname: str


@dataclass(frozen=True)
class MoodleCourse:
    id: int
    fullname: str
    lang: str
    is_completion_enabled: bool


@dataclass(frozen=True)
class CourseCompletion:
    is_completed: bool
    completed_at: int | None  # when the last criterion that completed the course was met


@dataclass(frozen=True)
class ActivityCompletion:
    cmid: int
    modname: str
    state: int  # 0 incomplete, 1 complete, 2 complete and passed, 3 complete and failed
    completed_at: int


@dataclass(frozen=True)
class GradeItem:
    id: int
    name: str
    module: str
    cmid: int
    raw: float
    min: float
    max: float
    graded_at: int | None


@dataclass(frozen=True)
class CertificateIssue:
    id: int
    code: str
    issued_at: int
    user_id: int
    user_fullname: str
    template_name: str
    context_id: int


class Answer:
    """Reading helpers that turn a shape error into a MoodleError naming the function."""

    def __init__(self, function: str, value: Any) -> None:
        self.function = function
        self.value = value

    def fail(self, what: str) -> MoodleError:
        return MoodleError(f"{self.function}: unexpected answer: {what}")

    def root(self) -> dict[str, Any]:
        return self.as_dict(self.value, "the answer")

    def as_dict(self, value: Any, what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"{what} is not an object")
        return value

    def as_list(self, value: Any, what: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(f"{what} is not a list")
        return value

    def integer(self, record: dict[str, Any], key: str, *, default: int | None = None) -> int:
        value = record.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise self.fail(f"{key} is not a whole number")
        try:
            return int(value)
        except ValueError:
            raise self.fail(f"{key} is not a whole number") from None

    def number(self, record: dict[str, Any], key: str) -> float | None:
        value = record.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise self.fail(f"{key} is not a number")
        try:
            return float(value)
        except ValueError:
            raise self.fail(f"{key} is not a number") from None

    def text(self, record: dict[str, Any], key: str, default: str = "") -> str:
        value = record.get(key, default)
        if value is None:
            return default
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(f"{key} is not text")
        return str(value)


def site_info(client: MoodleClient) -> SiteInfo:
    answer = Answer(SITE_INFO, client.call(SITE_INFO))
    record = answer.root()
    site_url = answer.text(record, "siteurl").rstrip("/")
    if not site_url.startswith(("http://", "https://")):
        raise answer.fail("siteurl is not an http(s) URL")
    functions = None
    if "functions" in record:
        functions = frozenset(answer.text(answer.as_dict(f, "a function"), "name") for f in answer.as_list(record["functions"], "functions"))
    return SiteInfo(site_url, answer.text(record, "sitename"), answer.text(record, "release"), functions)


def users_by_idnumber(client: MoodleClient, values: list[str]) -> list[MoodleUser]:
    answer = Answer(USERS_BY_FIELD, client.call(USERS_BY_FIELD, field="idnumber", values=values))
    users = []
    for record in answer.as_list(answer.value, "the answer"):
        record = answer.as_dict(record, "a user")
        users.append(MoodleUser(answer.integer(record, "id"), answer.text(record, "idnumber"), answer.text(record, "fullname")))
    return users


def users_courses(client: MoodleClient, user_id: int) -> list[MoodleCourse]:
    answer = Answer(USERS_COURSES, client.call(USERS_COURSES, userid=user_id))
    courses = []
    for record in answer.as_list(answer.value, "the answer"):
        record = answer.as_dict(record, "a course")
        courses.append(MoodleCourse(
            id=answer.integer(record, "id"),
            fullname=answer.text(record, "fullname") or answer.text(record, "shortname") or "A Moodle course",
            lang=answer.text(record, "lang") or "en",
            is_completion_enabled=bool(record.get("enablecompletion", True)),
        ))
    return courses


def course_completion(client: MoodleClient, course_id: int, user_id: int) -> CourseCompletion | None:
    """The course's completion for the user; None when the course has no criteria or does not track the user."""
    try:
        raw = client.call(COURSE_COMPLETION, courseid=course_id, userid=user_id)
    except MoodleError as error:
        if error.errorcode in NOTHING_TO_READ:
            return None
        raise
    answer = Answer(COURSE_COMPLETION, raw)
    status = answer.as_dict(answer.root().get("completionstatus"), "completionstatus")
    criteria = [answer.as_dict(c, "a criterion") for c in answer.as_list(status.get("completions", []), "completions")]
    times = [answer.integer(c, "timecompleted", default=0) for c in criteria if c.get("complete") and c.get("timecompleted")]
    aggregation_all = answer.integer(status, "aggregation", default=1) != 2
    completed_at = (max(times) if aggregation_all else min(times)) if times else None
    return CourseCompletion(bool(status.get("completed")), completed_at)


def activities_completion(client: MoodleClient, course_id: int, user_id: int) -> list[ActivityCompletion]:
    try:
        raw = client.call(ACTIVITIES_COMPLETION, courseid=course_id, userid=user_id)
    except MoodleError as error:
        if error.errorcode in NOTHING_TO_READ:
            return []
        raise
    answer = Answer(ACTIVITIES_COMPLETION, raw)
    statuses = []
    for record in answer.as_list(answer.root().get("statuses"), "statuses"):
        record = answer.as_dict(record, "a status")
        state = answer.integer(record, "state")
        if state not in (0, 1, 2, 3):
            raise answer.fail(f"state {state} is not a completion state")
        statuses.append(ActivityCompletion(
            answer.integer(record, "cmid"), answer.text(record, "modname"), state, answer.integer(record, "timecompleted", default=0)
        ))
    return statuses


def grade_items(client: MoodleClient, course_id: int, user_id: int) -> list[GradeItem]:
    """The user's graded activity items in the course (the course total and ungraded items left out)."""
    answer = Answer(GRADE_ITEMS, client.call(GRADE_ITEMS, courseid=course_id, userid=user_id))
    items = []
    for usergrade in answer.as_list(answer.root().get("usergrades"), "usergrades"):
        usergrade = answer.as_dict(usergrade, "a user's grades")
        for record in answer.as_list(usergrade.get("gradeitems", []), "gradeitems"):
            record = answer.as_dict(record, "a grade item")
            raw, low, high = answer.number(record, "graderaw"), answer.number(record, "grademin"), answer.number(record, "grademax")
            if record.get("itemtype") != "mod" or raw is None or high is None or not record.get("cmid"):
                continue
            items.append(GradeItem(
                id=answer.integer(record, "id"),
                name=answer.text(record, "itemname"),
                module=answer.text(record, "itemmodule"),
                cmid=answer.integer(record, "cmid"),
                raw=raw,
                min=low or 0.0,
                max=high,
                graded_at=answer.integer(record, "gradedategraded", default=0) or None,
            ))
    return items


def certificate_issues(client: MoodleClient, since: int) -> Iterator[list[CertificateIssue]]:
    """Pages of certificates issued at or after ``since`` (newest first, as Moodle orders them)."""
    offset = 0
    while True:
        raw = client.call(CERTIFICATE_ISSUES, timecreatedfrom=since or None, limit=CERTIFICATE_PAGE, offset=offset)
        answer = Answer(CERTIFICATE_ISSUES, raw)
        page = [_issue(answer, record) for record in answer.as_list(answer.value, "the answer")]
        yield page
        if len(page) < CERTIFICATE_PAGE:
            return
        offset += len(page)


def _issue(answer: Answer, record: Any) -> CertificateIssue:
    record = answer.as_dict(record, "an issue")
    issue = answer.as_dict(record.get("issue"), "issue")
    user = answer.as_dict(record.get("user"), "user")
    template = answer.as_dict(record.get("template", {}), "template")
    code = answer.text(issue, "code")
    if not code.isalnum():
        raise answer.fail("a certificate code is not alphanumeric")
    return CertificateIssue(
        id=answer.integer(issue, "id"),
        code=code,
        issued_at=answer.integer(issue, "timecreated"),
        user_id=answer.integer(user, "id"),
        user_fullname=answer.text(user, "fullname"),
        template_name=answer.text(template, "name") or "Certificate",
        context_id=answer.integer(template, "contextid", default=0),
    )
