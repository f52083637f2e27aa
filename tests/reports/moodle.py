"""Statements shaped exactly like those Moodle's xAPI log store plugin sends (its test fixtures), both
vocabulary generations: v4.8+ (EDLM/TLA/cmi5 IRIs, course as context parent) and up to v4.7
(ADL/Learning Locker IRIs, ``registered`` enrolments, course in context grouping). No statement ids:
the plugin never sends them.
"""

from __future__ import annotations

from typing import Any

INFO = "http://lrs.learninglocker.net/define/extensions/info"


def _actor(site: str, user_id: str, name: str) -> dict[str, Any]:
    return {"name": name, "account": {"homePage": site, "name": user_id}}


def _site(site: str) -> dict[str, Any]:
    return {"id": site, "definition": {"name": {"en": "Moodle site"}, "type": "http://id.tincanapi.com/activitytype/lms"},
            "objectType": "Activity"}


def _course(site: str, course_id: int, title: str, *, legacy: bool = False) -> dict[str, Any]:
    kind = "http://id.tincanapi.com/activitytype/lms/course" if legacy else "https://w3id.org/xapi/cmi5/activitytype/course"
    return {"id": f"{site}/course/view.php?id={course_id}", "definition": {"name": {"en": title}, "type": kind},
            "objectType": "Activity"}


def _context(event: str, parents: list[dict[str, Any]] | None, site: str, **extra: Any) -> dict[str, Any]:
    activities: dict[str, Any] = {"category": [_site(site)]}
    if parents:
        activities["parent"] = parents
    return {
        "contextActivities": activities,
        "extensions": {INFO: {"event_name": event, "http://moodle.org": "4.4.0",
                              "https://github.com/xAPI-vle/moodle-logstore_xapi": "v5.0.1"}},
        "language": "en",
        "platform": "Moodle",
        **extra,
    }


def enrolled(site: str, user_id: str, name: str, course_id: int, title: str, at: str) -> dict[str, Any]:
    """core\\event\\user_enrolment_created, v4.8+."""
    return {
        "actor": _actor(site, user_id, name),
        "verb": {"id": "https://xapi.edlm/profiles/edlm-lms/concepts/verbs/enrolled", "display": {"en": "Enrolled"}},
        "object": _course(site, course_id, title),
        "context": _context("\\core\\event\\user_enrolment_created", None, site),
        "timestamp": at,
    }


def course_completed(site: str, user_id: str, name: str, course_id: int, title: str, at: str) -> dict[str, Any]:
    """core\\event\\course_completed (the same verb in both generations)."""
    return {
        "actor": _actor(site, user_id, name),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "Completed"}},
        "object": _course(site, course_id, title),
        "context": _context("\\core\\event\\course_completed", None, site),
        "timestamp": at,
    }


def quiz_attempt_submitted(
    site: str, user_id: str, name: str, course_id: int, quiz_cmid: int, attempt: int, raw: float, at: str,
    *, max_score: float = 100, passed: bool,
) -> dict[str, Any]:
    """mod_quiz\\event\\attempt_submitted, v4.8+: the attempt is the object, the quiz its first parent.

    ``scaled`` is what the plugin sends: distance on a -1..1 scale (50/100 is 0.0).
    """
    return {
        "actor": _actor(site, user_id, name),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "Completed"}},
        "object": {"id": f"{site}/mod/quiz/attempt.php?attempt={attempt}&cmid={quiz_cmid}",
                   "definition": {"name": {"en": f"Final quiz Attempt {attempt}"},
                                  "type": "http://adlnet.gov/expapi/activities/attempt"},
                   "objectType": "Activity"},
        "result": {"score": {"raw": raw, "min": 0, "max": max_score, "scaled": round(2 * raw / max_score - 1, 4)},
                   "completion": True, "success": passed, "duration": "PT41M5S"},
        "context": _context(
            "\\mod_quiz\\event\\attempt_submitted",
            [
                {"id": f"{site}/mod/quiz/view.php?id={quiz_cmid}",
                 "definition": {"name": {"en": "Final quiz"}, "type": "http://adlnet.gov/expapi/activities/assessment"},
                 "objectType": "Activity"},
                {"id": f"{site}/course/section.php?id=1",
                 "definition": {"name": {"en": "Section 0"}, "type": "http://id.tincanapi.com/activitytype/section"},
                 "objectType": "Activity"},
                _course(site, course_id, "Course"),
            ],
            site,
        ),
        "timestamp": at,
    }


def module_viewed(site: str, user_id: str, name: str, course_id: int, cmid: int, at: str) -> dict[str, Any]:
    """core\\event\\course_module_viewed: activity inside a course, nothing achieved."""
    return {
        "actor": _actor(site, user_id, name),
        "verb": {"id": "http://id.tincanapi.com/verb/viewed", "display": {"en": "Viewed"}},
        "object": {"id": f"{site}/mod/page/view.php?id={cmid}",
                   "definition": {"name": {"en": "Reading"}, "type": "http://id.tincanapi.com/activitytype/resource"},
                   "objectType": "Activity"},
        "context": _context("\\mod_page\\event\\course_module_viewed", [_course(site, course_id, "Course")], site),
        "timestamp": at,
    }


def scorm_status(site: str, user_id: str, name: str, course_id: int, cmid: int, status: str, at: str) -> dict[str, Any]:
    """mod_scorm\\event\\status_submitted: passed/failed/completed from cmi.core.lesson_status."""
    verbs = {"passed": "http://adlnet.gov/expapi/verbs/passed", "failed": "http://adlnet.gov/expapi/verbs/failed"}
    verb = verbs.get(status, "http://adlnet.gov/expapi/verbs/completed")
    return {
        "actor": _actor(site, user_id, name),
        "verb": {"id": verb, "display": {"en": status.capitalize()}},
        "object": _sco(site, cmid),
        "context": _context("\\mod_scorm\\event\\status_submitted", _scorm_parents(site, course_id, cmid), site),
        "timestamp": at,
    }


def scorm_score(site: str, user_id: str, name: str, course_id: int, cmid: int, raw: float, at: str) -> dict[str, Any]:
    """mod_scorm\\event\\scoreraw_submitted."""
    return {
        "actor": _actor(site, user_id, name),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "Completed"}},
        "object": _sco(site, cmid),
        "result": {"score": {"max": 100, "min": 0, "raw": raw, "scaled": raw / 100}},
        "context": _context("\\mod_scorm\\event\\scoreraw_submitted", _scorm_parents(site, course_id, cmid), site),
        "timestamp": at,
    }


def _sco(site: str, cmid: int) -> dict[str, Any]:
    return {"id": f"{site}/mod/scorm/view.php?id={cmid}#sco",
            "definition": {"name": {"en": "SCORM package Content"},
                           "type": "https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/scorm-content-object"},
            "objectType": "Activity"}


def _scorm_parents(site: str, course_id: int, cmid: int) -> list[dict[str, Any]]:
    return [
        {"id": f"{site}/mod/scorm/view.php?id={cmid}",
         "definition": {"name": {"en": "SCORM package"}, "type": "https://w3id.org/xapi/cmi5/activitytype/course"},
         "objectType": "Activity"},
        _course(site, course_id, "Course"),
    ]


def legacy_registered(site: str, user_id: str, name: str, course_id: int, title: str, at: str) -> dict[str, Any]:
    """core\\event\\user_enrolment_created up to v4.7: the ADL ``registered`` verb, ``lms/course`` type."""
    return {
        "actor": _actor(site, user_id, name),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/registered", "display": {"en": "registered to"}},
        "object": _course(site, course_id, title, legacy=True),
        "context": {"platform": "Moodle", "language": "en",
                    "contextActivities": {"grouping": [_site(site)]}},
        "timestamp": at,
    }


def legacy_quiz_completed(
    site: str, user_id: str, name: str, course_id: int, quiz_cmid: int, raw: float, at: str, *, passed: bool
) -> dict[str, Any]:
    """mod_quiz\\event\\attempt_submitted up to v4.7: the quiz is the object, site and course in grouping."""
    return {
        "actor": _actor(site, user_id, name),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed", "display": {"en": "completed"}},
        "object": {"id": f"{site}/mod/quiz/view.php?id={quiz_cmid}",
                   "definition": {"name": {"en": "Final quiz"}, "type": "http://adlnet.gov/expapi/activities/assessment"},
                   "objectType": "Activity"},
        "result": {"score": {"raw": raw, "min": 0, "max": 100, "scaled": raw / 100}, "completion": True,
                   "success": passed, "duration": "PT35M"},
        "context": {"platform": "Moodle", "language": "en",
                    "contextActivities": {"other": [{"id": f"{site}/mod/quiz/attempt.php?attempt=9&cmid={quiz_cmid}"}],
                                          "grouping": [_site(site), _course(site, course_id, "Course", legacy=True)]}},
        "timestamp": at,
    }


def voiding(statement_id: str, site: str, admin_id: str = "2") -> dict[str, Any]:
    return {
        "actor": _actor(site, admin_id, "Site administrator"),
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en": "voided"}},
        "object": {"objectType": "StatementRef", "id": statement_id},
    }
