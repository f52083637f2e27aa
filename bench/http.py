"""Load generation over HTTP for benchmarks that share the machine with the server they measure.

``requests`` spends about 2 ms of CPU per request on a slow 2-core box — as much as some of the
requests it measures — and that CPU is taken from the server. ``http.client`` on one kept-alive
connection spends about a quarter of it, so the figures say more about the server.
"""

from __future__ import annotations

import base64
import http.client
import json
import multiprocessing
import time
from collections.abc import Callable, Sequence
from typing import Any
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


Batch = list[dict[str, Any]]


def post_concurrently(url: str, auth: tuple[str, str], headers: dict[str, str],
                      builders: Sequence[Callable[[], list[Batch]]]) -> float:
    """Statements/s that one client process per builder achieves POSTing the batches it builds.

    Each process builds and encodes its batches first, waits for the others, then sends them back to
    back; the rate counts statements over the span from the first start to the last finish, so it is
    the server's rate, not the generator's.
    """
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(builders))
    results = context.Queue()
    processes = [context.Process(target=_poster, args=(url, auth, headers, build, barrier, results)) for build in builders]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=3600) for _ in processes]
    for process in processes:
        process.join()
        if process.exitcode != 0:
            raise SystemExit("a benchmark client failed")
    started = min(start for start, _, _ in outcomes)
    finished = max(end for _, end, _ in outcomes)
    return sum(sent for _, _, sent in outcomes) / (finished - started)


def _poster(url: str, auth: tuple[str, str], headers: dict[str, str], build: Callable[[], list[Batch]],
            barrier: Any, results: Any) -> None:
    batches = build()
    bodies = [json.dumps(batch) for batch in batches]
    client = KeepAliveClient(url, auth, headers)
    barrier.wait()
    started = time.perf_counter()
    for body in bodies:
        client.request("POST", body=body)
    results.put((started, time.perf_counter(), sum(len(batch) for batch in batches)))
    client.close()
