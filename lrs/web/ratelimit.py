"""Per-client-address rate limits, counted in Redis in fixed windows (shared by every server process)."""

from __future__ import annotations

import logging
import time

from flask import current_app, request
from redis.exceptions import RedisError

from lrs.errors import TooManyRequests
from lrs.queue import job_queue
from lrs.settings import Settings

logger = logging.getLogger(__name__)

KEY_PREFIX = "elimu:rate:"


def client_address() -> str:
    """The caller's IP address; behind ``ELIMU_TRUSTED_PROXIES`` proxies, the one they saw."""
    settings: Settings = current_app.extensions["elimu.settings"]
    if settings.trusted_proxies:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= settings.trusted_proxies:
            return forwarded[-settings.trusted_proxies]
    return request.remote_addr or "unknown"


def check_rate(bucket: str, limit: int, window_seconds: int) -> None:
    """Count one request from this address against ``limit`` per window.

    A Redis outage lets the request through (and is logged): rate limiting must not take the service down.

    Raises:
        TooManyRequests: the address has used up this window's allowance (with Retry-After).
    """
    now = int(time.time())
    window = now - now % window_seconds
    key = f"{KEY_PREFIX}{bucket}:{client_address()}:{window}"
    try:
        pipeline = job_queue().connection.pipeline()
        pipeline.incr(key)
        pipeline.expire(key, window_seconds)
        count = int(pipeline.execute()[0])
    except RedisError:
        logger.warning("rate limit %s not checked: Redis unreachable", bucket, exc_info=True)
        return
    if count > limit:
        retry_after = window + window_seconds - now
        logger.info("rate limit %s reached (%d in window)", bucket, count)
        raise TooManyRequests(
            f"too many requests from this address; try again in {retry_after} seconds",
            headers={"Retry-After": str(retry_after)},
        )
