"""Rate limits: the caller's address behind trusted proxies, fixed windows in Redis, and a Redis outage."""

from __future__ import annotations

import dataclasses

import pytest

from lrs import create_app
from lrs.errors import TooManyRequests
from lrs.settings import Settings
from lrs.web.ratelimit import check_rate, client_address
from tests.conftest import free_port


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "127.0.0.1"),  # no trusted proxy: the header is anyone's to forge
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client put the first one there itself
        (2, "198.51.100.1, 203.0.113.9", "198.51.100.1"),
        (2, "203.0.113.9", "127.0.0.1"),  # fewer hops than proxies: do not guess
    ],
)
def test_client_address_believes_only_trusted_proxies(settings: Settings, proxies: int, forwarded: str, expected: str) -> None:
    app = create_app(dataclasses.replace(settings, trusted_proxies=proxies))
    with app.test_request_context("/", headers={"X-Forwarded-For": forwarded}, environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        assert client_address() == expected


def test_limit_counts_per_address_and_bucket(settings: Settings, redis_url: str) -> None:
    app = create_app(settings)
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "192.0.2.77"}):
        for _ in range(3):
            check_rate("test-bucket", 3, 60)
        with pytest.raises(TooManyRequests) as refused:
            check_rate("test-bucket", 3, 60)
        assert 0 < int(refused.value.headers["Retry-After"]) <= 60
        check_rate("other-bucket", 3, 60)  # another bucket has its own allowance
    with app.test_request_context("/", environ_base={"REMOTE_ADDR": "192.0.2.78"}):
        check_rate("test-bucket", 3, 60)  # and so has another address


def test_redis_outage_lets_requests_through(settings: Settings) -> None:
    unreachable = dataclasses.replace(settings, redis_url=f"redis://127.0.0.1:{free_port()}/0")
    app = create_app(unreachable)
    with app.test_request_context("/"):
        for _ in range(5):
            check_rate("outage", 1, 60)
