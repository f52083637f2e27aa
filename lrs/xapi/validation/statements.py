"""Statements and their parts: verb, object, result, context, attachments, SubStatements."""

from __future__ import annotations

from typing import Any

from lrs.xapi.validation.activities import is_plain_activity, validate_activity
from lrs.xapi.validation.agents import (
    IFI_KEYS,
    validate_actor,
    validate_agent_object,
    validate_authority,
    validate_group_object,
)
from lrs.xapi.validation.primitives import (
    check_keys,
    fail,
    index,
    is_v2,
    join,
    parse_timestamp,
    require_array,
    require_bool,
    require_integer,
    require_number,
    require_object,
    require_string,
    validate_duration,
    validate_extensions,
    validate_iri,
    validate_language_map,
    validate_language_tag,
    validate_media_type,
    validate_sha2,
    validate_uuid,
    validate_version_property,
)

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"

_STATEMENT_KEYS = frozenset(
    {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored", "authority",
     "version", "attachments"}
)
_SUBSTATEMENT_KEYS = frozenset(
    {"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"}
)
# Properties only the LRS-facing outer Statement may carry.
_SUBSTATEMENT_FORBIDDEN = ("id", "stored", "version", "authority")
_REQUIRED = ("actor", "verb", "object")
_VERB_KEYS = frozenset({"id", "display"})
_STATEMENT_REF_KEYS = frozenset({"objectType", "id"})
_RESULT_KEYS = frozenset({"score", "success", "completion", "response", "duration", "extensions"})
_SCORE_KEYS = frozenset({"scaled", "raw", "min", "max"})
_CONTEXT_KEYS_1 = frozenset(
    {"registration", "instructor", "team", "contextActivities", "revision", "platform",
     "language", "statement", "extensions"}
)
_CONTEXT_KEYS_2 = _CONTEXT_KEYS_1 | {"contextAgents", "contextGroups"}
_CONTEXT_ACTIVITY_KEYS = frozenset({"parent", "grouping", "category", "other"})
_CONTEXT_AGENT_KEYS = frozenset({"objectType", "agent", "relevantTypes"})
_CONTEXT_GROUP_KEYS = frozenset({"objectType", "group", "relevantTypes"})
_ATTACHMENT_KEYS = frozenset(
    {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
)
_ATTACHMENT_REQUIRED = ("usageType", "display", "contentType", "length", "sha2")
_OBJECT_TYPES = ("Activity", "Agent", "Group", "StatementRef", "SubStatement")


def validate_statement(statement: object, *, version: str) -> None:
    """Validate one Statement as received by the LRS (``stored``/``authority``/``version`` may
    be present and are checked too; the LRS overwrites the first two afterwards)."""
    _validate_statement(statement, "", version)


def validate_statements(payload: object, *, version: str) -> list[dict[str, Any]]:
    """A POST /statements body: one Statement or an array of them (possibly empty).

    Returns the statements as a list; ids repeated within the batch are refused.
    """
    if type(payload) is dict:
        _validate_statement(payload, "", version)
        return [payload]
    if type(payload) is not list:
        fail("", "the request body must be a Statement object or an array of Statements")
    seen: set[str] = set()
    for position, statement in enumerate(payload):
        path = index("statements", position)
        _validate_statement(statement, path, version)
        statement_id = statement.get("id")
        if statement_id is not None:
            key = statement_id.lower()  # UUIDs compare case-insensitively
            if key in seen:
                fail(join(path, "id"), f"{statement_id} appears more than once in the batch")
            seen.add(key)
    return payload


def _validate_statement(value: object, path: str, version: str) -> None:
    statement = require_object(value, path or "statement")
    check_keys(statement, _STATEMENT_KEYS, path)
    if "id" in statement:
        validate_uuid(statement["id"], path=join(path, "id"))
    _validate_core(statement, path, version, nested=False)
    if "stored" in statement:
        parse_timestamp(statement["stored"], path=join(path, "stored"), version=version)
    if "authority" in statement:
        validate_authority(statement["authority"], join(path, "authority"))
    if "version" in statement:
        validate_version_property(statement["version"], join(path, "version"), version)


def _validate_substatement(statement: dict[str, Any], path: str, version: str) -> None:
    for key in _SUBSTATEMENT_FORBIDDEN:
        if key in statement:
            fail(join(path, key), "a SubStatement must not have this property")
    check_keys(statement, _SUBSTATEMENT_KEYS, path)
    _validate_core(statement, path, version, nested=True)


def _validate_core(statement: dict[str, Any], path: str, version: str, *, nested: bool) -> None:
    """What Statements and SubStatements share."""
    for key in _REQUIRED:
        if key not in statement:
            fail(join(path, key), "is required")
    validate_actor(statement["actor"], path=join(path, "actor"), version=version)
    verb_id = _validate_verb(statement["verb"], join(path, "verb"))
    object_path = join(path, "object")
    object_type = _validate_object(statement["object"], object_path, version, nested=nested)
    if verb_id == VOIDED_VERB and object_type != "StatementRef":
        fail(object_path, "a voiding Statement's object must be a StatementRef")
    if "result" in statement:
        _validate_result(statement["result"], join(path, "result"))
    if "context" in statement:
        _validate_context(statement["context"], join(path, "context"), version, object_type)
    if "timestamp" in statement:
        parse_timestamp(statement["timestamp"], path=join(path, "timestamp"), version=version)
    if "attachments" in statement:
        _validate_attachments(statement["attachments"], join(path, "attachments"))


def _validate_verb(value: object, path: str) -> str:
    verb = require_object(value, path)
    check_keys(verb, _VERB_KEYS, path)
    if "id" not in verb:
        fail(join(path, "id"), "is required")
    verb_id: str = verb["id"]
    validate_iri(verb_id, path=join(path, "id"))
    if "display" in verb:
        validate_language_map(verb["display"], join(path, "display"))
    return verb_id


def _validate_object(value: object, path: str, version: str, *, nested: bool) -> str:
    """Validate a Statement's object and return its objectType."""
    target = require_object(value, path)
    object_type: str = target.get("objectType", "Activity")
    if object_type == "Activity":
        if "objectType" not in target and any(key in target for key in IFI_KEYS):
            fail(join(path, "objectType"), "is required when the object is an Agent or Group")
        validate_activity(target, path)
    elif object_type == "Agent":
        validate_agent_object(target, path)
    elif object_type == "Group":
        validate_group_object(target, path)
    elif object_type == "StatementRef":
        _validate_statement_ref(target, path)
    elif object_type == "SubStatement":
        if nested:
            fail(join(path, "objectType"), "a SubStatement cannot contain another SubStatement")
        _validate_substatement(target, path, version)
    else:
        fail(join(path, "objectType"), "must be one of " + ", ".join(_OBJECT_TYPES))
    return object_type


def _validate_statement_ref(value: object, path: str) -> None:
    ref = require_object(value, path)
    check_keys(ref, _STATEMENT_REF_KEYS, path)
    if ref.get("objectType") != "StatementRef":
        fail(join(path, "objectType"), 'must be "StatementRef"')
    if "id" not in ref:
        fail(join(path, "id"), "is required")
    validate_uuid(ref["id"], path=join(path, "id"))


def _validate_result(value: object, path: str) -> None:
    result = require_object(value, path)
    check_keys(result, _RESULT_KEYS, path)
    if "score" in result:
        _validate_score(result["score"], join(path, "score"))
    if "success" in result:
        require_bool(result["success"], join(path, "success"))
    if "completion" in result:
        require_bool(result["completion"], join(path, "completion"))
    if "response" in result:
        require_string(result["response"], join(path, "response"))
    if "duration" in result:
        validate_duration(result["duration"], join(path, "duration"))
    if "extensions" in result:
        validate_extensions(result["extensions"], join(path, "extensions"))


def _validate_score(value: object, path: str) -> None:
    score = require_object(value, path)
    check_keys(score, _SCORE_KEYS, path)
    if "scaled" in score:
        scaled = require_number(score["scaled"], join(path, "scaled"))
        if not -1 <= scaled <= 1:
            fail(join(path, "scaled"), "must be between -1 and 1")
    low = require_number(score["min"], join(path, "min")) if "min" in score else None
    high = require_number(score["max"], join(path, "max")) if "max" in score else None
    if low is not None and high is not None and low >= high:
        fail(join(path, "min"), "must be less than max")
    if "raw" in score:
        raw = require_number(score["raw"], join(path, "raw"))
        if low is not None and raw < low:
            fail(join(path, "raw"), "must not be less than min")
        if high is not None and raw > high:
            fail(join(path, "raw"), "must not be greater than max")


def _validate_context(value: object, path: str, version: str, object_type: str) -> None:
    context = require_object(value, path)
    # contextAgents/contextGroups are 2.0 additions: unknown (so refused) on a 1.0.x request.
    check_keys(context, _CONTEXT_KEYS_2 if is_v2(version) else _CONTEXT_KEYS_1, path)
    if "registration" in context:
        validate_uuid(context["registration"], path=join(path, "registration"))
    if "instructor" in context:
        validate_actor(context["instructor"], path=join(path, "instructor"), version=version)
    if "team" in context:
        team_path = join(path, "team")
        team = require_object(context["team"], team_path)
        if team.get("objectType") != "Group":
            fail(join(team_path, "objectType"), 'must be "Group": a team is always a Group')
        validate_group_object(team, team_path)
    if "contextActivities" in context:
        _validate_context_activities(context["contextActivities"], join(path, "contextActivities"))
    # revision and platform describe an Activity, so only make sense when the object is one.
    for key in ("revision", "platform"):
        if key in context:
            require_string(context[key], join(path, key))
            if object_type != "Activity":
                fail(join(path, key), "is only allowed when the Statement's object is an Activity")
    if "language" in context:
        validate_language_tag(context["language"], join(path, "language"))
    if "statement" in context:
        _validate_statement_ref(context["statement"], join(path, "statement"))
    if "extensions" in context:
        validate_extensions(context["extensions"], join(path, "extensions"))
    if "contextAgents" in context:
        _validate_context_actors(
            context["contextAgents"], join(path, "contextAgents"),
            "contextAgent", "agent", _CONTEXT_AGENT_KEYS,
        )
    if "contextGroups" in context:
        _validate_context_actors(
            context["contextGroups"], join(path, "contextGroups"),
            "contextGroup", "group", _CONTEXT_GROUP_KEYS,
        )


def _validate_context_activities(value: object, path: str) -> None:
    context_activities = require_object(value, path)
    check_keys(context_activities, _CONTEXT_ACTIVITY_KEYS, path)
    for key, activities in context_activities.items():
        if type(activities) is list and all(map(is_plain_activity, activities)):
            continue
        key_path = join(path, key)
        if type(activities) is dict:  # a lone Activity is allowed and returned as an array
            validate_activity(activities, key_path)
        elif type(activities) is list:
            for position, activity in enumerate(activities):
                validate_activity(activity, index(key_path, position))
        else:
            fail(key_path, "must be an Activity or an array of Activities")


def _validate_context_actors(
    value: object, path: str, object_type: str, role: str, keys: frozenset[str]
) -> None:
    """xAPI 2.0 contextAgents / contextGroups entries."""
    for position, entry in enumerate(require_array(value, path)):
        item_path = index(path, position)
        entry = require_object(entry, item_path)
        check_keys(entry, keys, item_path)
        if entry.get("objectType") != object_type:
            fail(join(item_path, "objectType"), f'must be "{object_type}"')
        if role not in entry:
            fail(join(item_path, role), "is required")
        role_path = join(item_path, role)
        if role == "agent":
            actor = require_object(entry[role], role_path)
            if actor.get("objectType", "Agent") != "Agent":
                fail(join(role_path, "objectType"), 'must be "Agent"')
            validate_agent_object(actor, role_path)
        else:
            actor = require_object(entry[role], role_path)
            if actor.get("objectType") != "Group":
                fail(join(role_path, "objectType"), 'must be "Group"')
            validate_group_object(actor, role_path)
        if "relevantTypes" in entry:
            types_path = join(item_path, "relevantTypes")
            relevant_types = require_array(entry["relevantTypes"], types_path)
            if not relevant_types:
                fail(types_path, "must not be empty when present")
            for type_position, relevant_type in enumerate(relevant_types):
                validate_iri(relevant_type, path=index(types_path, type_position))


def _validate_attachments(value: object, path: str) -> None:
    for position, attachment in enumerate(require_array(value, path)):
        item_path = index(path, position)
        attachment = require_object(attachment, item_path)
        check_keys(attachment, _ATTACHMENT_KEYS, item_path)
        for key in _ATTACHMENT_REQUIRED:
            if key not in attachment:
                fail(join(item_path, key), "is required")
        validate_iri(attachment["usageType"], path=join(item_path, "usageType"))
        validate_language_map(attachment["display"], join(item_path, "display"))
        if "description" in attachment:
            validate_language_map(attachment["description"], join(item_path, "description"))
        validate_media_type(attachment["contentType"], join(item_path, "contentType"))
        if require_integer(attachment["length"], join(item_path, "length")) < 0:
            fail(join(item_path, "length"), "must not be negative")
        validate_sha2(attachment["sha2"], join(item_path, "sha2"))
        if "fileUrl" in attachment:
            validate_iri(attachment["fileUrl"], path=join(item_path, "fileUrl"))
