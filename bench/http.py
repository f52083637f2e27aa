"""A keep-alive HTTP client for load generators that share the machine with the server they measure.

``requests`` spends about 2 ms of CPU per request on a slow 2-core box — as much as some of the
requests it measures — and that CPU is taken from the server. ``http.client`` on one kept-alive
connection spends about a quarter of it, so the figures say more about the server.
"""

from __future__ import annotations

import base64
import http.client
from urllib.parse import urlencode, urlsplit


class HTTPError(RuntimeError):
    """A response outside 2xx."""


class KeepAliveClient:
    """Requests over one persistent connection, with HTTP Basic credentials on each."""

    def __init__(self, base_url: str, auth: tuple[str, str], headers: dict[str, str] | None = None) -> None:
        parts = urlsplit(base_url)
        self._path = parts.path.rstrip("/")
        self._connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port or 80, timeout=600)
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        self._headers = {"Authorization": f"Basic {token}", **(headers or {})}

    def request(self, method: str, path: str = "", *, body: bytes | str | None = None,
                params: dict[str, str] | None = None) -> bytes:
        """The response body; raises ``HTTPError`` unless the status is 2xx."""
        target = self._path + path + (f"?{urlencode(params)}" if params else "")
        try:
            content, status = self._exchange(method, target, body)
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # The server closes a kept-alive connection that sat idle; it never read the request.
            self._connection.close()
            content, status = self._exchange(method, target, body)
        if not 200 <= status < 300:
            raise HTTPError(f"{method} {target}: {status} {content[:200]!r}")
        return content

    def _exchange(self, method: str, target: str, body: bytes | str | None) -> tuple[bytes, int]:
        self._connection.request(method, target, body=body, headers=self._headers)
        response = self._connection.getresponse()
        return response.read(), response.status
    def close(self) -> None:
        self._connection.close()
