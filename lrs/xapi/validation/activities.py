"""Activities and Activity Definitions, including interaction (cmi.interaction) details."""

from __future__ import annotations

from typing import Any

from lrs.xapi.validation.primitives import (
    check_keys,
    fail,
    index,
    is_iri,
    is_language_map,
    join,
    require_array,
    require_object,
    require_string,
    validate_extensions,
    validate_iri,
    validate_irl,
    validate_language_map,
)

_ACTIVITY_KEYS = frozenset({"objectType", "id", "definition"})
_COMPONENT_LISTS = ("choices", "scale", "source", "target", "steps")
_DEFINITION_KEYS = frozenset(
    {
        "name", "description", "type", "moreInfo", "extensions",
        "interactionType", "correctResponsesPattern", *_COMPONENT_LISTS,
    }
)
_COMPONENT_KEYS = frozenset({"id", "description"})
# The definition most activities carry (an LMS's courses, modules, quizzes).
_PLAIN_DEFINITION_KEYS = frozenset({"name", "description", "type", "moreInfo"})

# Which interaction component lists each interactionType may carry (values are case-sensitive).
_COMPONENTS_BY_TYPE: dict[str, frozenset[str]] = {
    "true-false": frozenset(),
    "choice": frozenset({"choices"}),
    "fill-in": frozenset(),
    "long-fill-in": frozenset(),
    "matching": frozenset({"source", "target"}),
    "performance": frozenset({"steps"}),
    "sequencing": frozenset({"choices"}),
    "likert": frozenset({"scale"}),
    "numeric": frozenset(),
    "other": frozenset(),
}


def is_plain_activity(value: object) -> bool:
    """Whether ``value`` is a valid Activity of the common shape — an IRI ``id`` and at most a name,
    description, type and moreInfo — checked without building a single property path.

    Most statements carry several such activities; anything else (and anything invalid) goes through
    ``validate_activity``, which names the offending property.
    """
    if type(value) is not dict or not _ACTIVITY_KEYS.issuperset(value) or value.get("objectType", "Activity") != "Activity":
        return False
    activity_id = value.get("id")
    if type(activity_id) is not str or not is_iri(activity_id):
        return False
    if "definition" not in value:
        return True
    definition = value["definition"]
    return (
        type(definition) is dict
        and _PLAIN_DEFINITION_KEYS.issuperset(definition)
        and all(is_language_map(definition[key]) for key in ("name", "description") if key in definition)
        and all(type(iri := definition[key]) is str and is_iri(iri) for key in ("type", "moreInfo") if key in definition)
    )


def validate_activity(value: object, path: str) -> dict[str, Any]:
    """An Activity: an IRI ``id``, optional objectType "Activity", optional definition."""
    activity = require_object(value, path)
    if is_plain_activity(activity):
        return activity
    check_keys(activity, _ACTIVITY_KEYS, path)
    if "objectType" in activity and activity["objectType"] != "Activity":
        fail(join(path, "objectType"), 'must be "Activity"')
    if "id" not in activity:
        fail(join(path, "id"), "is required")
    validate_iri(activity["id"], path=join(path, "id"))
    if "definition" in activity:
        validate_definition(activity["definition"], join(path, "definition"))
    return activity


def validate_definition(value: object, path: str) -> None:
    definition = require_object(value, path)
    check_keys(definition, _DEFINITION_KEYS, path)
    if "name" in definition:
        validate_language_map(definition["name"], join(path, "name"))
    if "description" in definition:
        validate_language_map(definition["description"], join(path, "description"))
    if "type" in definition:
        validate_iri(definition["type"], path=join(path, "type"))
    if "moreInfo" in definition:
        validate_irl(definition["moreInfo"], path=join(path, "moreInfo"))
    if "extensions" in definition:
        validate_extensions(definition["extensions"], join(path, "extensions"))

    allowed_lists: frozenset[str] = frozenset()
    if "interactionType" in definition:
        interaction_type = definition["interactionType"]
        lists = _COMPONENTS_BY_TYPE.get(interaction_type) if type(interaction_type) is str else None
        if lists is None:
            fail(join(path, "interactionType"), "must be one of " + ", ".join(_COMPONENTS_BY_TYPE))
        allowed_lists = lists
    elif "correctResponsesPattern" in definition:
        fail(join(path, "interactionType"), "is required when correctResponsesPattern is present")

    if "correctResponsesPattern" in definition:
        pattern_path = join(path, "correctResponsesPattern")
        for position, pattern in enumerate(require_array(definition["correctResponsesPattern"], pattern_path)):
            require_string(pattern, index(pattern_path, position))

    for list_name in _COMPONENT_LISTS:
        if list_name not in definition:
            continue
        list_path = join(path, list_name)
        if "interactionType" not in definition:
            fail(join(path, "interactionType"), f"is required when {list_name} is present")
        if list_name not in allowed_lists:
            fail(list_path, f"is not allowed for interactionType {definition['interactionType']!r}")
        _validate_components(definition[list_name], list_path)


def _validate_components(value: object, path: str) -> None:
    """Interaction components: ``id`` strings distinct within their list, optional description."""
    seen: set[str] = set()
    for position, component in enumerate(require_array(value, path)):
        # Fast path for the common well-formed component: no path strings are built.
        if (
            type(component) is dict
            and _COMPONENT_KEYS.issuperset(component)
            and type(component_id := component.get("id")) is str
            and component_id not in seen
            and ("description" not in component or is_language_map(component["description"]))
        ):
            seen.add(component_id)
            continue
        item_path = index(path, position)
        component = require_object(component, item_path)
        check_keys(component, _COMPONENT_KEYS, item_path)
        if "id" not in component:
            fail(join(item_path, "id"), "is required")
        component_id = require_string(component["id"], join(item_path, "id"))
        if component_id in seen:
            fail(join(item_path, "id"), f"{component_id!r} is repeated; ids must be distinct within {path}")
        seen.add(component_id)
        if "description" in component:
            validate_language_map(component["description"], join(item_path, "description"))
