"""Consistent-through never claims an instant at which a statement write was still open."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import requests
from flask import Flask
from sqlalchemy import text

from lrs.db import engine_of, session_scope, utcnow
from lrs.xapi.consistency import WritesInFlight, consistent_through
from tests.conftest import Credential, LiveServer


def header_time(response: requests.Response) -> datetime:
    return datetime.fromisoformat(response.headers["X-Experience-API-Consistent-Through"].replace("Z", "+00:00"))


def test_an_open_write_in_this_process_holds_consistent_through_back(app: Flask) -> None:
    in_flight = WritesInFlight()
    with session_scope(app) as session:
        with in_flight.writing():
            opened = utcnow()
            held = consistent_through(session, in_flight)
        released = consistent_through(session, in_flight)
    assert held < opened + timedelta(milliseconds=1)
    assert released >= opened
    assert in_flight.oldest() is None


def test_an_open_writing_transaction_elsewhere_holds_the_header_back(
    app: Flask, live_server: LiveServer, credential: Credential
) -> None:
    if engine_of(app).dialect.name != "postgresql":
        pytest.skip("other processes' open writes are visible only through PostgreSQL's pg_stat_activity")
    url = f"{live_server.xapi}/statements"
    headers = {"X-Experience-API-Version": "1.0.3"}
    with engine_of(app).connect() as writer:
        transaction = writer.begin()
        started = writer.execute(text("SELECT txid_current(), now()")).one()[1]  # takes a transaction id
        response = requests.get(url, auth=credential.auth, headers=headers)
        transaction.rollback()
    after = requests.get(url, auth=credential.auth, headers=headers)

    assert header_time(response) < started
    assert header_time(after) > started
