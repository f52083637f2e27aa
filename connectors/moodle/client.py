"""A client for Moodle's web services REST protocol: ``/webservice/rest/server.php``.

Every call is a POST of ``wstoken``, ``wsfunction`` and ``moodlewsrestformat=json`` with the function's
parameters PHP-style (``values[0]=...``); the token travels in the body, never in a URL. Moodle answers
errors with HTTP 200 and a body ``{"exception", "errorcode", "message"}``: those raise ``MoodleError``
at once. Timeouts, refused connections, 5xx/429 answers and bodies that are not JSON are transient:
retried with exponential backoff, then raised as ``MoodleUnavailable``. Each call has a total deadline
(a server that drips bytes cannot hold a worker) and a size cap.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

import orjson
import requests

from connectors.core.addresses import PublicAddressesOnly
from lrs.errors import ElimuError

logger = logging.getLogger(__name__)

ENDPOINT = "/webservice/rest/server.php"
MAX_BODY_BYTES = 32 * 1024 * 1024
BACKOFF_SECONDS = 0.5
BACKOFF_CAP_SECONDS = 8.0


class MoodleError(ElimuError):
    """Moodle refused a call (an exception body), or answered in a shape its documentation does not give."""

    status, code = 502, "moodle_error"

    def __init__(self, message: str, *, errorcode: str | None = None) -> None:
        super().__init__(message)
        self.errorcode = errorcode


class MoodleUnavailable(MoodleError):
    """Moodle could not be reached or kept failing after the retries: the run stops and resumes later."""

    code = "moodle_unavailable"


class _Transient(Exception):
    pass


class MoodleClient:
    """Calls one Moodle site's web services with one token."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float,
        retries: int,
        allow_private: bool,
        backoff: float = BACKOFF_SECONDS,
    ) -> None:
        self.url = base_url.rstrip("/") + ENDPOINT
        self._token = token
        self._timeout = timeout
        self._retries = retries
        self._backoff = backoff
        self._http = requests.Session()
        self._http.trust_env = False  # no proxies or .netrc credentials from the worker's environment
        if not allow_private:
            for scheme in ("http://", "https://"):
                self._http.mount(scheme, PublicAddressesOnly())

    def call(self, function: str, **params: Any) -> Any:
        """The decoded answer of ``function``.

        Raises:
            MoodleError: Moodle answered with an exception body (not retried).
            MoodleUnavailable: transient failures outlasted the retries.
        """
        form = {"wstoken": self._token, "wsfunction": function, "moodlewsrestformat": "json", **encode_params(params)}
        for attempt in range(self._retries + 1):
            try:
                answer = self._post(form)
            except _Transient as failure:
                if attempt == self._retries:
                    raise MoodleUnavailable(f"{function}: {failure} (after {attempt + 1} attempt(s))") from None
                delay = min(BACKOFF_CAP_SECONDS, self._backoff * 2**attempt)
                logger.info("moodle %s: %s; retrying in %.1fs", function, failure, delay)
                time.sleep(delay)
                continue
            if isinstance(answer, dict) and "exception" in answer and "errorcode" in answer:
                errorcode = str(answer.get("errorcode"))
                message = str(answer.get("message") or answer.get("exception"))[:500]
                raise MoodleError(f"{function}: Moodle refused the call ({errorcode}): {message}", errorcode=errorcode)
            return answer
        raise AssertionError("unreachable")

    def _post(self, form: Mapping[str, str]) -> Any:
        deadline = time.monotonic() + self._timeout
        try:
            response = self._http.post(
                self.url, data=form, timeout=(min(self._timeout, 10), self._timeout), stream=True, allow_redirects=False,
                headers={"Accept": "application/json"},
            )
        except requests.Timeout:
            raise _Transient(f"no answer within {self._timeout:g}s") from None
        except requests.RequestException as error:
            raise _Transient(f"could not reach Moodle ({type(error).__name__})") from None
        with response:
            if response.is_redirect:
                raise MoodleError(f"Moodle redirected to {response.headers.get('Location', '?')}; connect the final address")
            if response.status_code == 429 or response.status_code >= 500:
                raise _Transient(f"Moodle answered HTTP {response.status_code}")
            if response.status_code != 200:
                raise MoodleError(f"Moodle answered HTTP {response.status_code} (is the web-services protocol REST enabled?)")
            body = self._read(response, deadline)
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            kind = response.headers.get("Content-Type", "no content type").split(";")[0]
            raise _Transient(f"Moodle answered something that is not JSON ({kind}, {len(body)} bytes)") from None

    def _read(self, response: requests.Response, deadline: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        try:
            for chunk in response.iter_content(chunk_size=65536):
                size += len(chunk)
                if size > MAX_BODY_BYTES:
                    raise MoodleError(f"Moodle's answer exceeds {MAX_BODY_BYTES // (1024 * 1024)} MB")
                chunks.append(chunk)
                if time.monotonic() > deadline:
                    raise _Transient(f"the answer did not arrive within {self._timeout:g}s")
        except requests.RequestException as error:
            raise _Transient(f"the answer was cut off ({type(error).__name__})") from None
        return b"".join(chunks)


def encode_params(params: Mapping[Any, Any], prefix: str = "") -> dict[str, str]:
    """Parameters as Moodle reads them: lists and dicts flattened PHP-style, booleans as 1/0, None left out."""
    flat: dict[str, str] = {}
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if value is None:
            continue
        if isinstance(value, Mapping):
            flat.update(encode_params(value, name))
        elif isinstance(value, list | tuple):
            flat.update(encode_params(dict(enumerate(value)), name))
        elif isinstance(value, bool):
            flat[name] = "1" if value else "0"
        else:
            flat[name] = str(value)
    return flat
