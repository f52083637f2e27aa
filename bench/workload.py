"""Statements shaped like the ones Moodle's xAPI log store plugin sends, for benchmarks."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

SITE = "https://elearning.ksg.ac.ke"
VERBS = [
    "http://adlnet.gov/expapi/verbs/completed",
    "http://adlnet.gov/expapi/verbs/attempted",
    "http://adlnet.gov/expapi/verbs/passed",
    "http://adlnet.gov/expapi/verbs/failed",
    "http://id.tincanapi.com/verb/viewed",
]


def moodle_statement(rng: random.Random, learners: int, courses: int) -> dict[str, Any]:
    """One ~1 KB statement: a Moodle user doing something in a quiz of one of ``courses``."""
    user = rng.randrange(learners)
    course = rng.randrange(courses)
    verb = rng.choice(VERBS)
    moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=rng.randrange(300 * 86400))
    raw = rng.randrange(101)
    return {
        "actor": {"name": f"Officer {user}", "account": {"homePage": SITE, "name": str(1000 + user)}},
        "verb": {"id": verb, "display": {"en": verb.rsplit("/", 1)[1]}},
        "object": {
            "id": f"{SITE}/mod/quiz/view.php?id={course * 10 + 1}",
            "definition": {
                "type": "http://adlnet.gov/expapi/activities/assessment",
                "name": {"en": f"Course {course} final quiz"},
            },
        },
        "result": {"score": {"raw": raw, "min": 0, "max": 100, "scaled": raw / 100}, "success": raw >= 50,
                   "completion": True, "duration": f"PT{rng.randrange(60, 3600)}S"},
        "context": {
            "registration": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "platform": "Moodle",
            "language": "en",
            "contextActivities": {
                "grouping": [{"id": SITE, "definition": {"type": "http://id.tincanapi.com/activitytype/lms",
                                                         "name": {"en": "Kenya School of Government"}}}],
                "parent": [{"id": f"{SITE}/course/view.php?id={course}",
                            "definition": {"type": "http://id.tincanapi.com/activitytype/lms/course",
                                           "name": {"en": f"Course {course}"}}}],
                "category": [{"id": "http://moodle.org", "definition": {"type": "http://id.tincanapi.com/activitytype/source",
                                                                        "name": {"en": "Moodle"}}}],
            },
            "extensions": {"http://lrs.learninglocker.net/define/extensions/info": {
                "http://moodle.org": "4.3.2", "https://github.com/xAPI-vle/moodle-logstore_xapi": "v4.7.0",
                "event_name": "\\mod_quiz\\event\\attempt_submitted", "event_function": "attempt_submitted"}},
        },
        "timestamp": moment.isoformat().replace("+00:00", "Z"),
    }
