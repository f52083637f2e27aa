"""Verb semantics and the IRIs Elimu reads, across every vocabulary Moodle's log store plugin and cmi5 use.

Moodle's plugin has spoken three generations: ADL verbs with Learning Locker / TinCan activity types
(up to v4.7: ``registered`` for enrolments, ``lms/course``), then EDLM, TLA and cmi5 IRIs from v4.8
(``edlm-lms/.../enrolled``, ``tla/verbs/scored``, ``achieved``/``forfeited`` for badges and certificates).
cmi5 content uses the ADL verbs, also under their newer ``w3id.org/xapi/adl`` IRIs.
"""

from __future__ import annotations

import enum


class Effect(str, enum.Enum):
    """What a statement means for a learner's standing in a course."""

    ENROLLED = "enrolled"
    PROGRESSED = "progressed"
    COMPLETED = "completed"
    PASSED = "passed"
    FAILED = "failed"
    SCORED = "scored"
    CERTIFIED = "certified"
    REVOKED = "revoked"


VOIDED = "http://adlnet.gov/expapi/verbs/voided"

_VERBS: dict[Effect, tuple[str, ...]] = {
    Effect.COMPLETED: (
        "http://adlnet.gov/expapi/verbs/completed",
        "https://w3id.org/xapi/adl/verbs/completed",
        "http://id.tincanapi.com/verb/completed",
        "https://w3id.org/xapi/adl/verbs/satisfied",  # cmi5: the course's moveOn criteria are met
        "https://w3id.org/xapi/adl/verbs/waived",  # cmi5: satisfied by other means
    ),
    Effect.PASSED: ("http://adlnet.gov/expapi/verbs/passed", "https://w3id.org/xapi/adl/verbs/passed"),
    Effect.FAILED: ("http://adlnet.gov/expapi/verbs/failed", "https://w3id.org/xapi/adl/verbs/failed"),
    Effect.SCORED: (
        "https://w3id.org/xapi/tla/verbs/scored",
        "http://adlnet.gov/expapi/verbs/scored",
        "http://vocab.xapi.fr/verbs/was-assessed",
    ),
    Effect.CERTIFIED: ("https://w3id.org/xapi/tla/verbs/achieved", "http://activitystrea.ms/schema/1.0/receive"),
    Effect.REVOKED: ("https://w3id.org/xapi/tla/verbs/forfeited",),
    Effect.ENROLLED: (
        "https://xapi.edlm/profiles/edlm-lms/concepts/verbs/enrolled",
        "http://adlnet.gov/expapi/verbs/registered",
        "http://id.tincanapi.com/verb/enrolled",
    ),
}
VERB_EFFECTS: dict[str, Effect] = {iri: effect for effect, iris in _VERBS.items() for iri in iris}

# Activity types whose outcome belongs to the enclosing activity (their first context parent):
# a quiz attempt speaks for the quiz, an assignment submission for the assignment.
PART_TYPES = frozenset(
    {
        "http://adlnet.gov/expapi/activities/attempt",
        "https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/submission",
        "https://xapi.edlm/profiles/edlm-lms/concepts/activity-types/scorm-content-object",
    }
)

# Elimu's own extensions, for sources (rosters, certificate connectors) that know more than xAPI says.
EXTENSION_BASE = "https://elimu.dev/xapi/extensions/"
CERTIFICATE_NUMBER = EXTENSION_BASE + "certificate-number"
EXPIRES_AT = EXTENSION_BASE + "expires-at"
PROCTORED = EXTENSION_BASE + "proctored"


def effect_of(verb_iri: str, success: bool | None) -> Effect:
    """The effect of a verb, with ``result.success`` deciding for verbs that do not say pass or fail."""
    effect = VERB_EFFECTS.get(verb_iri, Effect.PROGRESSED)
    if effect in (Effect.COMPLETED, Effect.SCORED) and success is not None:
        return Effect.PASSED if success else Effect.FAILED
    return effect
