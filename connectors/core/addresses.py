"""Where a connector may reach: http(s) URLs whose host resolves only to public addresses.

A connector fetches URLs an API caller chose, so without this check a centre could point Elimu at its
own loopback, the cloud metadata service or the private network behind it. Every address the host
resolves to is checked (a name with one public and one private address is refused): at creation, for a
clear answer to the caller, and again by ``PublicAddressesOnly`` each time a connection is opened, which
then connects to an address it has just checked. Checking a name and letting the HTTP library resolve it
again would let a name that answers differently the second time (DNS rebinding) reach a private address.
``ELIMU_CONNECTOR_ALLOW_PRIVATE=1`` lifts the check (tests, a Moodle on the same private network).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.connection import create_connection

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
    public_addresses(host, urlsplit(url).port or (443 if url.startswith("https") else 80))


def public_addresses(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to, provided every one of them is public.

    Raises:
        AddressRefused: a loopback, private, link-local or reserved address among them, or no address.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise AddressRefused(f"base_url: the host {host} does not resolve") from None
    addresses = [str(info[4][0]) for info in infos]
    for address in addresses:
        if not is_public(ipaddress.ip_address(address)):
            raise AddressRefused(
                f"base_url: {host} resolves to {address}, a loopback, private or reserved address; "
                "connectors reach public addresses only (ELIMU_CONNECTOR_ALLOW_PRIVATE=1 lifts this)"
            )
    return list(dict.fromkeys(addresses))


def is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address):
        # An IPv4-mapped or 6to4 address carries an IPv4 address, and that is the one reached.
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            address = embedded
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


class PublicAddressesOnly(HTTPAdapter):
    """A ``requests`` adapter whose connections are opened to public addresses only, checked as they open.

    TLS still verifies the certificate against the host name; only the address connected to is pinned.
    """

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _CheckedHTTPPool, "https": _CheckedHTTPSPool}


class _CheckedConnect:
    """``_new_conn`` of urllib3's connections, connecting to an address ``public_addresses`` has just approved."""

    _dns_host: str
    host: str
    port: int
    timeout: Any
    source_address: Any
    socket_options: Any

    def _new_conn(self) -> socket.socket:
        # Like urllib3's own connect: try each address in turn (an unreachable IPv6 route must not hide a
        # working IPv4 one), and report the last failure.
        failure: OSError | None = None
        for address in public_addresses(self._dns_host, self.port):
            try:
                return create_connection((address, self.port), self.timeout, source_address=self.source_address,
                                         socket_options=self.socket_options)
            except OSError as error:  # TimeoutError included
                failure = error
        if isinstance(failure, TimeoutError):
            raise ConnectTimeoutError(self, f"connection to {self.host} timed out (connect timeout={self.timeout})") from failure
        raise NewConnectionError(self, f"could not connect to {self.host}: {failure}") from failure  # type: ignore[arg-type]


class _CheckedHTTPConnection(_CheckedConnect, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_CheckedConnect, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection
