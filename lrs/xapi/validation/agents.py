"""Agents, Groups and their inverse functional identifiers (IFIs)."""

from __future__ import annotations

from typing import Any

from lrs.xapi.validation.primitives import (
    check_keys,
    fail,
    index,
    join,
    require_array,
    require_object,
    require_string,
    validate_iri,
    validate_irl,
    validate_mbox,
    validate_sha1,
)

IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
_AGENT_KEYS = frozenset({"objectType", "name", *IFI_KEYS})
_GROUP_KEYS = frozenset({"objectType", "name", "member", *IFI_KEYS})
_ACCOUNT_KEYS = frozenset({"homePage", "name"})


def agent_ifi(agent: dict[str, Any]) -> str | None:
    """The canonical identifier string of a (validated) Agent or identified Group.

    ``None`` for an anonymous Group. SHA-1 hex is lower-cased since its case carries no meaning;
    everything else is compared exactly, as the spec asks.
    """
    mbox = agent.get("mbox")
    if mbox is not None:
        return f"mbox:{mbox}"
    sha1 = agent.get("mbox_sha1sum")
    if sha1 is not None:
        return f"mbox_sha1sum:{sha1.lower()}"
    openid = agent.get("openid")
    if openid is not None:
        return f"openid:{openid}"
    account = agent.get("account")
    if account is not None:
        return f"account:{account['homePage']}|{account['name']}"
    return None


def _validate_ifis(actor: dict[str, Any], path: str) -> int:
    """Check each IFI present and return how many there are."""
    count = 0
    if "mbox" in actor:
        validate_mbox(actor["mbox"], join(path, "mbox"))
        count += 1
    if "mbox_sha1sum" in actor:
        validate_sha1(actor["mbox_sha1sum"], join(path, "mbox_sha1sum"))
        count += 1
    if "openid" in actor:
        validate_iri(actor["openid"], path=join(path, "openid"))
        count += 1
    if "account" in actor:
        account_path = join(path, "account")
        account = require_object(actor["account"], account_path)
        check_keys(account, _ACCOUNT_KEYS, account_path)
        if "homePage" not in account:
            fail(join(account_path, "homePage"), "is required")
        validate_irl(account["homePage"], path=join(account_path, "homePage"))
        if "name" not in account:
            fail(join(account_path, "name"), "is required")
        require_string(account["name"], join(account_path, "name"))
        count += 1
    return count


def _too_many_ifis(actor: dict[str, Any], path: str) -> None:
    found = ", ".join(key for key in IFI_KEYS if key in actor)
    fail(path, f"must not have more than one of mbox, mbox_sha1sum, openid, account (has {found})")


def validate_agent_object(value: object, path: str) -> dict[str, Any]:
    """An Agent: optional objectType "Agent", optional name, exactly one IFI."""
    agent = require_object(value, path)
    check_keys(agent, _AGENT_KEYS, path)
    if "objectType" in agent and agent["objectType"] != "Agent":
        fail(join(path, "objectType"), 'must be "Agent"')
    if "name" in agent:
        require_string(agent["name"], join(path, "name"))
    count = _validate_ifis(agent, path)
    if count == 0:
        fail(path, "an Agent must have one of mbox, mbox_sha1sum, openid, account")
    if count > 1:
        _too_many_ifis(agent, path)
    return agent


def validate_group_object(value: object, path: str) -> dict[str, Any]:
    """A Group: objectType "Group"; identified (one IFI, members optional) or anonymous
    (no IFI, members required); members are Agents, never Groups."""
    group = require_object(value, path)
    check_keys(group, _GROUP_KEYS, path)
    if group.get("objectType") != "Group":
        fail(join(path, "objectType"), 'must be "Group"')
    if "name" in group:
        require_string(group["name"], join(path, "name"))
    count = _validate_ifis(group, path)
    if count > 1:
        _too_many_ifis(group, path)
    if "member" in group:
        member_path = join(path, "member")
        members = require_array(group["member"], member_path)
        if count == 0 and not members:
            fail(member_path, "an anonymous Group must list at least one member")
        for position, member in enumerate(members):
            item_path = index(member_path, position)
            if type(member) is dict and member.get("objectType") == "Group":
                fail(join(item_path, "objectType"), "a Group member must be an Agent, not a Group")
            validate_agent_object(member, item_path)
    elif count == 0:
        fail(join(path, "member"), "is required for an anonymous Group")
    return group


def validate_actor(value: object, *, path: str, version: str) -> None:
    """An Agent or a Group (identified or anonymous), as in actor, instructor, member, object."""
    del version  # Agents and Groups are the same in 1.0.x and 2.0
    actor = require_object(value, path)
    object_type = actor.get("objectType", "Agent")
    if object_type == "Agent":
        validate_agent_object(actor, path)
    elif object_type == "Group":
        validate_group_object(actor, path)
    else:
        fail(join(path, "objectType"), 'must be "Agent" or "Group"')


def validate_agent(value: object, *, path: str = "agent", version: str, allow_group: bool = True) -> None:
    """An ``agent`` request parameter: an Agent, or (if ``allow_group``) an identified Group.

    Anonymous Groups have nothing to look up by, so they are refused here.
    """
    del version
    actor = require_object(value, path)
    object_type = actor.get("objectType", "Agent")
    if object_type == "Agent":
        validate_agent_object(actor, path)
    elif object_type == "Group" and allow_group:
        validate_group_object(actor, path)
        if agent_ifi(actor) is None:
            fail(path, "must be an identified Group (with mbox, mbox_sha1sum, openid or account)")
    else:
        fail(join(path, "objectType"), '"Agent" is the only objectType allowed here'
             if not allow_group else 'must be "Agent" or "Group"')


def validate_authority(value: object, path: str) -> None:
    """An Agent, or the anonymous Group of exactly two Agents that OAuth 3-legged auth uses."""
    authority = require_object(value, path)
    object_type = authority.get("objectType", "Agent")
    if object_type == "Agent":
        validate_agent_object(authority, path)
    elif object_type == "Group":
        validate_group_object(authority, path)
        if agent_ifi(authority) is not None:
            fail(path, "an authority Group must be anonymous (no mbox, mbox_sha1sum, openid or account)")
        if len(authority["member"]) != 2:
            fail(join(path, "member"), "an authority Group must have exactly two members")
    else:
        fail(join(path, "objectType"), 'must be "Agent" or "Group"')
