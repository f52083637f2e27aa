"""Where a connector may reach: http(s) URLs whose host resolves only to public addresses.

A connector fetches URLs an API caller chose, so without this check a centre could point Elimu at its
own loopback, the cloud metadata service or the private network behind it. Every address the host
resolves to is checked (a name with one public and one private address is refused), at creation and
again before each request. ``ELIMU_CONNECTOR_ALLOW_PRIVATE=1`` lifts the check (tests, a Moodle on the
same private network).
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from lrs.errors import BadRequest


class AddressRefused(BadRequest):
    code = "address_refused"


def parse_source_url(url: str) -> str:
    """The URL without a trailing slash, if it is an absolute http(s) URL with a host and nothing odd.

    Raises:
        BadRequest: not such a URL.
    """
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise BadRequest(f"base_url: {text!r} is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise BadRequest("base_url: must be an absolute http:// or https:// URL")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise BadRequest("base_url: must not carry a user, password, query or fragment")
    return text.rstrip("/")


def check_reachable(url: str, *, allow_private: bool) -> None:
    """Refuse a URL whose host is, or resolves to, a loopback, private, link-local or reserved address.

    Raises:
        AddressRefused: such an address, or a host that does not resolve.
    """
    if allow_private:
        return
    host = urlsplit(url).hostname or ""
    port = urlsplit(url).port or (443 if url.startswith("https") else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise AddressRefused(f"base_url: the host {host} does not resolve") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not is_public(address):
            raise AddressRefused(
                f"base_url: {host} resolves to {address}, a loopback, private or reserved address; "
                "connectors reach public addresses only (ELIMU_CONNECTOR_ALLOW_PRIVATE=1 lifts this)"
            )


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
        or (isinstance(address, ipaddress.IPv4Address) and address in _SHARED)
    )


_SHARED = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT: not private by the RFC, not public either
