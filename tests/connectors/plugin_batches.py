"""Batches shaped like those Moodle's xAPI log store plugin POSTs, in each of its three vocabulary generations.

Written after the plugin's own test fixtures (tests/*/statements.json at v3.x, v4.7 and v5): an enrolment,
a submitted quiz attempt scored 50/100 and a course completion. The plugin never sends ids; its
``result.score.scaled`` runs on -1..1 in v4.8+ (50/100 is 0.0) and 0..1 before.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

INFO = "http://lrs.learninglocker.net/define/extensions/info"
GENERATIONS = ("v3", "v4.7", "v5")


def _at(base: datetime, minutes: int) -> str:
    return (base + timedelta(minutes=minutes)).astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _actor(site: str, user_id: int, name: str) -> dict[str, Any]:
    return {"name": name, "account": {"homePage": site, "name": str(user_id)}}


def _info(event: str, plugin: str) -> dict[str, Any]:
    return {INFO: {"http://moodle.org": "4.1.0", "https://github.com/xAPI-vle/moodle-logstore_xapi": plugin,
                   "event_name": event, "event_function": "\\src\\transformer\\events\\" + event.strip("\\").replace("event\\", "")}}


def batch(generation: str, site: str, user_id: int, name: str, *, course_id: int, quiz_cmid: int, start: datetime) -> list[dict[str, Any]]:
    """Enrolment, quiz attempt (50/100, passed) and course completion, as the plugin of ``generation`` sends them."""
    if generation == "v5":
        return _v5(site, user_id, name, course_id, quiz_cmid, start)
    return _legacy(generation, site, user_id, name, course_id, quiz_cmid, start)


def _v5(site: str, user_id: int, name: str, course_id: int, cmid: int, start: datetime) -> list[dict[str, Any]]:
    course = {"id": f"{site}/course/view.php?id={course_id}", "objectType": "Activity",
              "definition": {"name": {"en": "Digital Literacy"}, "type": "https://w3id.org/xapi/cmi5/activitytype/course"}}
    site_activity = {"id": site, "objectType": "Activity",
                     "definition": {"name": {"en": "KSG eLearning"}, "type": "http://id.tincanapi.com/activitytype/lms"}}

    def context(event: str, parents: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        activities: dict[str, Any] = {"category": [site_activity]}
        if parents:
            activities["parent"] = parents
        return {"platform": "Moodle", "language": "en", "contextActivities": activities, "extensions": _info(event, "v5.0.1")}

    quiz = {"id": f"{site}/mod/quiz/view.php?id={cmid}", "objectType": "Activity",
            "definition": {"name": {"en": "Final quiz"}, "type": "http://adlnet.gov/expapi/activities/assessment"}}
    return [
        {"actor": _actor(site, user_id, name),
         "verb": {"id": "https://xapi.edlm/profiles/edlm-lms/concepts/verbs/enrolled", "display": {"en": "Enrolled"}},
         "object": course, "context": context("\\core\\event\\user_enrolment_created"), "timestamp": _at(start, 0)},
        {"actor": _actor(site, user_id, name),
         "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "Completed"}},
         "object": {"id": f"{site}/mod/quiz/attempt.php?attempt=1&cmid={cmid}", "objectType": "Activity",
                    "definition": {"name": {"en": "Final quiz Attempt 1"}, "type": "http://adlnet.gov/expapi/activities/attempt"}},
         "result": {"score": {"raw": 50, "min": 0, "max": 100, "scaled": 0.0}, "completion": True, "success": True, "duration": "PT41M5S"},
         "context": context("\\mod_quiz\\event\\attempt_submitted", [quiz, course]), "timestamp": _at(start, 90)},
        {"actor": _actor(site, user_id, name),
         "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "Completed"}},
         "object": course, "context": context("\\core\\event\\course_completed"), "timestamp": _at(start, 120)},
    ]


def _legacy(generation: str, site: str, user_id: int, name: str, course_id: int, cmid: int, start: datetime) -> list[dict[str, Any]]:
    """v3.x and v4.0-v4.7: ADL (and, in v3, TinCan) verbs, ``lms/course``, the course in the context grouping."""
    is_v3 = generation == "v3"
    course = {"id": f"{site}/course/view.php?id={course_id}",
              "definition": {"type": "http://id.tincanapi.com/activitytype/lms/course", "name": {"en": "Digital Literacy"}}}
    site_type = "http://id.tincanapi.com/activitytype/site" if is_v3 else "http://id.tincanapi.com/activitytype/lms"
    plugin = "v3.0.0" if is_v3 else "v4.7.0"

    def context(event: str, *, grouping_course: bool) -> dict[str, Any]:
        grouping = [{"id": site, "definition": {"type": site_type, "name": {"en": "KSG eLearning"}}}]
        if grouping_course:
            grouping.append(course)
        return {"platform": "Moodle", "language": "en", "extensions": _info(event, plugin),
                "contextActivities": {"grouping": grouping, "category": [
                    {"id": "http://moodle.org", "definition": {"type": "http://id.tincanapi.com/activitytype/source", "name": {"en": "Moodle"}}}]}}

    completed = "http://id.tincanapi.com/verb/completed" if is_v3 else "http://adlnet.gov/expapi/verbs/completed"
    quiz_type = "http://id.tincanapi.com/activitytype/lms/module" if is_v3 else "http://adlnet.gov/expapi/activities/assessment"
    return [
        {"actor": _actor(site, user_id, name),
         "verb": {"id": "http://adlnet.gov/expapi/verbs/registered", "display": {"en": "enrolled to"}},
         "object": course, "context": context("\\core\\event\\user_enrolment_created", grouping_course=False), "timestamp": _at(start, 0)},
        {"actor": _actor(site, user_id, name),
         "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "completed"}},
         "object": {"id": f"{site}/mod/quiz/view.php?id={cmid}", "definition": {"type": quiz_type, "name": {"en": "Final quiz"}}},
         "result": {"score": {"raw": 50, "min": 0, "max": 100, "scaled": 0.5}, "completion": True, "success": True, "duration": "PT41M5S"},
         "context": context("\\mod_quiz\\event\\attempt_submitted", grouping_course=True), "timestamp": _at(start, 90)},
        {"actor": _actor(site, user_id, name),
         "verb": {"id": completed, "display": {"en": "completed"}},
         "object": course, "context": context("\\core\\event\\course_completed", grouping_course=False), "timestamp": _at(start, 120)},
    ]
