"""What the pull's records become: the statements Moodle's xAPI log store plugin (v4.8+ vocabulary) pushes.

The same actor (``account{homePage: wwwroot, name: Moodle user id}``), the same activity IRIs (course
``/course/view.php?id=``, modules ``/mod/<name>/view.php?id=``) and the same verbs as the plugin's
course_completed, course_module_completion_updated, user_enrolment_created and grading events, so a
record read by the pull and the same record pushed by the plugin normalise to one learning record.
Certificates from mod_customcert (which the plugin does not cover) follow its tool_certificate
``achieved`` statement, on the certificate's verification page. Ids are uuid5 of the site and the
record's natural key: pulling the same record again gives the same id.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from connectors.core.ingest import statement_id
from connectors.moodle.functions import ActivityCompletion, CertificateIssue, GradeItem, MoodleCourse, MoodleUser
from lrs.xapi.timestamps import format_timestamp
from reports.normalise.vocabulary import CERTIFICATE_NUMBER, EXTENSION_BASE

ENROLLED = "https://xapi.edlm/profiles/edlm-lms/concepts/verbs/enrolled"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
SCORED = "https://w3id.org/xapi/tla/verbs/scored"
ACHIEVED = "https://w3id.org/xapi/tla/verbs/achieved"
COURSE_TYPE = "https://w3id.org/xapi/cmi5/activitytype/course"
SITE_TYPE = "http://id.tincanapi.com/activitytype/lms"
CERTIFICATE_TYPE = "https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/certificate"
MODULE_TYPE = "http://id.tincanapi.com/activitytype/lms/module"
# The activity types the plugin gives the modules a civil-service course is made of; others are "module".
MODULE_TYPES = {
    "assign": "https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/assignment",
    "quiz": "http://adlnet.gov/expapi/activities/assessment",
    "scorm": "http://adlnet.gov/expapi/activities/module",
    "lesson": "http://adlnet.gov/expapi/activities/lesson",
    "h5pactivity": "http://adlnet.gov/expapi/activities/media",
    "page": "https://w3id.org/xapi/acrossx/activities/page",
    "resource": "http://id.tincanapi.com/activitytype/resource",
    "url": "http://adlnet.gov/expapi/activities/link",
    "forum": "https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/forum",
}
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Z]{2})?")
SOURCE = EXTENSION_BASE + "source"  # marks a pulled statement (the plugin's own carry its event info instead)


def actor(site: str, user: MoodleUser | CertificateIssue) -> dict[str, Any]:
    user_id = user.id if isinstance(user, MoodleUser) else user.user_id
    name = user.fullname if isinstance(user, MoodleUser) else user.user_fullname
    agent: dict[str, Any] = {"objectType": "Agent", "account": {"homePage": site, "name": str(user_id)}}
    if name.strip():
        agent["name"] = name.strip()[:200]
    return agent


def enrolled(site: str, user: MoodleUser, course: MoodleCourse) -> dict[str, Any]:
    """The user is enrolled in the course (the web services give no enrolment time: the LRS stamps it)."""
    return {
        "id": statement_id(site, "enrolled", user.id, course.id),
        "actor": actor(site, user),
        "verb": {"id": ENROLLED, "display": {"en": "Enrolled"}},
        "object": course_activity(site, course),
        "context": _context(site, course.lang),
    }


def course_completed(site: str, user: MoodleUser, course: MoodleCourse, completed_at: int | None) -> dict[str, Any]:
    statement = {
        "id": statement_id(site, "course-completed", user.id, course.id),
        "actor": actor(site, user),
        "verb": {"id": COMPLETED, "display": {"en": "Completed"}},
        "object": course_activity(site, course),
        "context": _context(site, course.lang),
    }
    if completed_at:
        statement["timestamp"] = _time(completed_at)
    return statement


def module_completed(site: str, user: MoodleUser, course: MoodleCourse, activity: ActivityCompletion) -> dict[str, Any]:
    """An activity's completion, as course_module_completion_updated sends it: 2 passed, 3 failed."""
    result: dict[str, Any] = {"completion": True}
    if activity.state > 1:
        result["success"] = activity.state == 2
    statement = {
        "id": statement_id(site, "module-completed", user.id, activity.cmid, activity.state),
        "actor": actor(site, user),
        "verb": {"id": COMPLETED, "display": {"en": "Completed"}},
        "object": module_activity(site, activity.modname, activity.cmid, None, course.lang),
        "result": result,
        "context": _context(site, course.lang, parent=course_activity(site, course)),
    }
    if activity.completed_at:
        statement["timestamp"] = _time(activity.completed_at)
    return statement


def scored(site: str, user: MoodleUser, course: MoodleCourse, item: GradeItem) -> dict[str, Any]:
    """A graded activity, as the plugin's grading events send it (score raw/min/max; scaled on -1..1)."""
    span = item.max - item.min
    scaled = round((item.raw - item.min) / span * 2 - 1, 4) if span > 0 else 0
    raw = min(max(item.raw, item.min), item.max)
    statement = {
        "id": statement_id(site, "scored", user.id, item.id, f"{item.raw:g}", item.graded_at or ""),
        "actor": actor(site, user),
        "verb": {"id": SCORED, "display": {"en": "Scored"}},
        "object": module_activity(site, item.module, item.cmid, item.name, course.lang),
        "result": {"score": {"raw": raw, "min": item.min, "max": item.max, "scaled": max(-1, min(1, scaled))}},
        "context": _context(site, course.lang, parent=course_activity(site, course)),
    }
    if item.graded_at:
        statement["timestamp"] = _time(item.graded_at)
    return statement


def certificate_achieved(site: str, issue: CertificateIssue) -> dict[str, Any]:
    """A mod_customcert certificate, on its verification page (whose ``code`` the normaliser reads)."""
    return {
        "id": statement_id(site, "certificate", issue.id),
        "actor": actor(site, issue),
        "verb": {"id": ACHIEVED, "display": {"en": "Achieved"}},
        "object": {
            "objectType": "Activity",
            "id": f"{site}/mod/customcert/verify_certificate.php?contextid={issue.context_id}&code={issue.code}",
            "definition": {"type": CERTIFICATE_TYPE, "name": {"en": f"{issue.template_name} {issue.code}"[:200]}},
        },
        "result": {"completion": True, "success": True, "extensions": {CERTIFICATE_NUMBER: issue.code}},
        "context": _context(site, "en"),
        "timestamp": _time(issue.issued_at),
    }


def course_activity(site: str, course: MoodleCourse) -> dict[str, Any]:
    return {
        "objectType": "Activity",
        "id": f"{site}/course/view.php?id={course.id}",
        "definition": {"type": COURSE_TYPE, "name": {_lang(course.lang): course.fullname[:500]}},
    }


def module_activity(site: str, modname: str, cmid: int, name: str | None, lang: str) -> dict[str, Any]:
    definition: dict[str, Any] = {"type": MODULE_TYPES.get(modname, MODULE_TYPE)}
    if name:
        definition["name"] = {_lang(lang): name[:500]}
    return {"objectType": "Activity", "id": f"{site}/mod/{modname}/view.php?id={cmid}", "definition": definition}


def _context(site: str, lang: str, *, parent: dict[str, Any] | None = None) -> dict[str, Any]:
    activities: dict[str, Any] = {"category": [{"objectType": "Activity", "id": site, "definition": {"type": SITE_TYPE}}]}
    if parent is not None:
        activities["parent"] = [parent]
    return {
        "platform": "Moodle",
        "language": _lang(lang),
        "contextActivities": activities,
        "extensions": {SOURCE: "moodle-web-services"},
    }


def _lang(lang: str) -> str:
    """Moodle's language codes (``en``, ``pt_br``) as RFC 5646 tags (``pt-BR``); anything else is ``en``."""
    head, _, tail = (lang or "en").lower().partition("_")
    tag = f"{head}-{tail.upper()}" if tail else head
    return tag if _LANGUAGE.fullmatch(tag) else "en"


def _time(epoch: int) -> str:
    return format_timestamp(datetime.fromtimestamp(epoch, UTC))
