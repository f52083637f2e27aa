"""The ``format`` parameter of statement reads: exact, ids or canonical (one language per map)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
INTERACTION_LISTS = ("choices", "scale", "source", "target", "steps")


def present(statement: dict[str, Any], fmt: str, languages: Sequence[str] = ()) -> dict[str, Any]:
    """The statement as the requested format shows it."""
    if fmt == "ids":
        return _ids_statement(statement)
    if fmt == "canonical":
        return _canonical_statement(statement, languages)
    return statement


def _ids_statement(statement: dict[str, Any]) -> dict[str, Any]:
    result = dict(statement)
    result["actor"] = _ids_actor(statement["actor"])
    result["verb"] = {"id": statement["verb"]["id"]}
    result["object"] = _ids_object(statement["object"])
    if "authority" in statement:
        result["authority"] = _ids_actor(statement["authority"])
    context = statement.get("context")
    if isinstance(context, dict):
        context = dict(context)
        for role in ("instructor", "team"):
            if role in context:
                context[role] = _ids_actor(context[role])
        if "contextActivities" in context:
            context["contextActivities"] = {
                kind: [_ids_activity(a) for a in value] if isinstance(value, list) else _ids_activity(value)
                for kind, value in context["contextActivities"].items()
            }
        if "contextAgents" in context:
            context["contextAgents"] = [
                {**entry, "agent": _ids_actor(entry["agent"])} for entry in context["contextAgents"]
            ]
        if "contextGroups" in context:
            context["contextGroups"] = [
                {**entry, "group": _ids_actor(entry["group"])} for entry in context["contextGroups"]
            ]
        result["context"] = context
    return result


def _ids_actor(actor: dict[str, Any]) -> dict[str, Any]:
    reduced = {key: actor[key] for key in IFI_KEYS if key in actor}
    if "objectType" in actor:
        reduced["objectType"] = actor["objectType"]
    if not any(key in actor for key in IFI_KEYS) and "member" in actor:
        reduced["member"] = [_ids_actor(member) for member in actor["member"]]
    return reduced


def _ids_activity(activity: dict[str, Any]) -> dict[str, Any]:
    return {"id": activity["id"]}


def _ids_object(target: dict[str, Any]) -> dict[str, Any]:
    object_type = target.get("objectType", "Activity")
    if object_type in ("Agent", "Group"):
        return _ids_actor(target)
    if object_type == "SubStatement":
        return {"objectType": "SubStatement", **_ids_statement({k: v for k, v in target.items() if k != "objectType"})}
    if object_type == "StatementRef":
        return target
    return _ids_activity(target)


def _canonical_statement(statement: dict[str, Any], languages: Sequence[str]) -> dict[str, Any]:
    result = dict(statement)
    verb = statement["verb"]
    if "display" in verb:
        result["verb"] = {**verb, "display": pick_language(verb["display"], languages)}
    result["object"] = _canonical_object(statement["object"], languages)
    context = statement.get("context")
    if isinstance(context, dict) and "contextActivities" in context:
        result["context"] = {
            **context,
            "contextActivities": {
                kind: [_canonical_activity(a, languages) for a in value]
                if isinstance(value, list)
                else _canonical_activity(value, languages)
                for kind, value in context["contextActivities"].items()
            },
        }
    if "attachments" in statement:
        result["attachments"] = [_canonical_maps(a, ("display", "description"), languages) for a in statement["attachments"]]
    return result


def _canonical_object(target: dict[str, Any], languages: Sequence[str]) -> dict[str, Any]:
    object_type = target.get("objectType", "Activity")
    if object_type == "Activity":
        return _canonical_activity(target, languages)
    if object_type == "SubStatement":
        return _canonical_statement(target, languages)
    return target


def _canonical_activity(activity: dict[str, Any], languages: Sequence[str]) -> dict[str, Any]:
    definition = activity.get("definition")
    if not isinstance(definition, dict):
        return activity
    definition = _canonical_maps(definition, ("name", "description"), languages)
    for key in INTERACTION_LISTS:
        if key in definition:
            definition[key] = [_canonical_maps(c, ("description",), languages) for c in definition[key]]
    return {**activity, "definition": definition}


def _canonical_maps(obj: dict[str, Any], keys: Sequence[str], languages: Sequence[str]) -> dict[str, Any]:
    result = dict(obj)
    for key in keys:
        if isinstance(result.get(key), dict):
            result[key] = pick_language(result[key], languages)
    return result


def pick_language(language_map: dict[str, str], languages: Sequence[str]) -> dict[str, str]:
    """The one entry of a language map the reader prefers (Accept-Language order), or the first."""
    if not language_map:
        return language_map
    lowered = {tag.lower(): tag for tag in language_map}
    for wanted in languages:
        wanted = wanted.lower()
        if wanted in lowered:
            tag = lowered[wanted]
            return {tag: language_map[tag]}
        for candidate, tag in lowered.items():
            if candidate.split("-")[0] == wanted.split("-")[0]:
                return {tag: language_map[tag]}
    tag = next(iter(language_map))
    return {tag: language_map[tag]}
