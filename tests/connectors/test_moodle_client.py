"""The Moodle web-services client against a real HTTP server on loopback answering in Moodle's shapes."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from connectors.core import addresses
from connectors.core.addresses import AddressRefused, check_reachable
from connectors.moodle.client import MoodleClient, MoodleError, MoodleUnavailable, encode_params
from connectors.moodle.functions import (
    activities_completion,
    certificate_issues,
    course_completion,
    grade_items,
    site_info,
    users_by_idnumber,
    users_courses,
)
from tests.connectors.fake_moodle import FakeMoodle, Misbehaviour, running_moodle


@pytest.fixture
def moodle() -> Iterator[FakeMoodle]:
    with running_moodle() as site:
        site.add_user(5, "2019123456", "Wanjiru Kamau")
        site.add_user(6, "2019-777777", "Otieno Ouma")
        site.add_course(2, "Digital Literacy for Public Servants")
        site.enrol(5, 2)
        site.complete_course(5, 2, at=1_712_000_000)
        site.complete_activity(5, 2, cmid=31, modname="quiz", state=2, at=1_711_990_000)
        site.complete_activity(5, 2, cmid=32, modname="page", state=0, at=0)
        site.grade(5, 2, item_id=71, cmid=31, module="quiz", raw=82.5, at=1_711_990_100)
        yield site


def client_for(site: FakeMoodle, *, token: str | None = None, timeout: float = 5, retries: int = 0) -> MoodleClient:
    return MoodleClient(site.url, token or site.token, timeout=timeout, retries=retries, allow_private=True, backoff=0.01)


def test_site_info_gives_the_site_address_and_the_token_functions(moodle: FakeMoodle) -> None:
    info = site_info(client_for(moodle))
    assert info.site_url == moodle.url
    assert info.release.startswith("4.4")
    assert info.missing() == [] and info.has_certificates


def test_a_site_without_some_functions_says_which(moodle: FakeMoodle) -> None:
    moodle.functions.remove("gradereport_user_get_grade_items")
    moodle.functions.remove("mod_customcert_list_issues")
    info = site_info(client_for(moodle))
    assert info.missing() == ["gradereport_user_get_grade_items"]
    assert not info.has_certificates


def test_an_error_body_raises_at_once_with_moodles_errorcode(moodle: FakeMoodle) -> None:
    with pytest.raises(MoodleError) as refused:
        site_info(client_for(moodle, token="wrong", retries=3))
    assert refused.value.errorcode == "invalidtoken"
    assert "Invalid token" in refused.value.message
    assert len(moodle.called("core_webservice_get_site_info")) == 1  # a refusal is not retried


def test_the_token_travels_in_the_body_never_in_the_url(moodle: FakeMoodle) -> None:
    site_info(client_for(moodle))
    name, params = moodle.calls[0]
    assert name == "core_webservice_get_site_info" and "wstoken" not in params


def test_users_are_found_by_idnumber_with_php_style_arrays(moodle: FakeMoodle) -> None:
    users = users_by_idnumber(client_for(moodle), ["2019123456", "0000000000"])
    assert [(user.id, user.idnumber) for user in users] == [(5, "2019123456")]
    assert moodle.called("core_user_get_users_by_field")[0] == {"field": "idnumber", "values": ["2019123456", "0000000000"]}


def test_completion_activities_and_grades_are_read_in_moodles_shapes(moodle: FakeMoodle) -> None:
    client = client_for(moodle)
    [course] = users_courses(client, 5)
    assert (course.id, course.fullname, course.is_completion_enabled) == (2, "Digital Literacy for Public Servants", True)
    completion = course_completion(client, 2, 5)
    assert completion is not None and completion.is_completed and completion.completed_at == 1_712_000_000
    states = {(activity.cmid, activity.state) for activity in activities_completion(client, 2, 5)}
    assert states == {(31, 2), (32, 0)}
    [item] = grade_items(client, 2, 5)  # the course total is left out
    assert (item.cmid, item.raw, item.min, item.max) == (31, 82.5, 0.0, 100.0)


def test_a_course_without_completion_criteria_reads_as_nothing(moodle: FakeMoodle) -> None:
    moodle.add_course(3, "No criteria")
    assert course_completion(client_for(moodle), 3, 5) is None
    assert activities_completion(client_for(moodle), 3, 5) == []  # only a warning in the answer


def test_certificates_come_in_pages_of_500_from_the_given_time(moodle: FakeMoodle) -> None:
    for number in range(1, 1201):
        moodle.issue_certificate(number, 5, f"CODE{number:05d}", at=1_700_000_000 + number)
    pages = list(certificate_issues(client_for(moodle), since=1_700_000_101))
    assert [len(page) for page in pages] == [500, 500, 100]
    codes = {issue.code for page in pages for issue in page}
    assert len(codes) == 1100 and "CODE00100" not in codes and "CODE00101" in codes
    assert [params["offset"] for params in moodle.called("mod_customcert_list_issues")] == ["0", "500", "1000"]


def test_http_500s_are_retried_with_backoff_then_succeed(moodle: FakeMoodle) -> None:
    moodle.misbehaviour["core_enrol_get_users_courses"] = Misbehaviour("http500", times=2)
    assert [course.id for course in users_courses(client_for(moodle, retries=2), 5)] == [2]
    assert len(moodle.called("core_enrol_get_users_courses")) == 3


def test_garbage_is_retried_then_reported_clearly(moodle: FakeMoodle) -> None:
    moodle.misbehaviour["core_enrol_get_users_courses"] = Misbehaviour("html")
    with pytest.raises(MoodleUnavailable) as unavailable:
        users_courses(client_for(moodle, retries=1), 5)
    assert "not JSON (text/html" in unavailable.value.message
    assert "after 2 attempt(s)" in unavailable.value.message


def test_json_of_the_wrong_shape_is_an_error_naming_the_function(moodle: FakeMoodle) -> None:
    moodle.misbehaviour["core_completion_get_activities_completion_status"] = Misbehaviour("wrong-shape")
    with pytest.raises(MoodleError, match="core_completion_get_activities_completion_status: unexpected answer: statuses is not a list"):
        activities_completion(client_for(moodle), 2, 5)


def test_a_hanging_moodle_is_abandoned_at_the_timeout(moodle: FakeMoodle) -> None:
    moodle.misbehaviour["core_enrol_get_users_courses"] = Misbehaviour("slow", seconds=5)
    started = time.monotonic()
    with pytest.raises(MoodleUnavailable, match="no answer within 1s"):
        users_courses(client_for(moodle, timeout=1), 5)
    assert time.monotonic() - started < 3


def test_loopback_is_refused_unless_private_addresses_are_allowed(moodle: FakeMoodle) -> None:
    client = MoodleClient(moodle.url, moodle.token, timeout=2, retries=0, allow_private=False)
    with pytest.raises(AddressRefused, match="loopback, private or reserved"):
        site_info(client)
    assert moodle.calls == []


REBINDING_HOST = "moodle.rebind.example"


def rebind_to_loopback(monkeypatch: pytest.MonkeyPatch, moodle: FakeMoodle) -> str:
    """Make ``REBINDING_HOST`` answer a public address once, then the fake Moodle's loopback address; its URL."""
    port = int(moodle.url.rsplit(":", 1)[1].split("/")[0])
    real_getaddrinfo = socket.getaddrinfo
    answers = iter(["41.89.10.5"])

    def rebinding_dns(host: str, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
        if host != REBINDING_HOST:
            return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers, "127.0.0.1"), port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_dns)
    return f"http://{REBINDING_HOST}:{port}"


def test_a_name_that_answers_loopback_when_the_connection_opens_is_refused(
    moodle: FakeMoodle, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The name passed the check at creation (a public address), then answers with loopback: the address is
    checked again as the connection opens, so nothing reaches the server behind it."""
    url = rebind_to_loopback(monkeypatch, moodle)
    check_reachable(url, allow_private=False)  # what connector creation checks: a public address
    client = MoodleClient(url, moodle.token, timeout=2, retries=0, allow_private=False)
    with pytest.raises(AddressRefused, match="127.0.0.1, a loopback"):
        site_info(client)
    assert moodle.calls == []


def test_the_connection_goes_to_the_address_that_was_checked(moodle: FakeMoodle, monkeypatch: pytest.MonkeyPatch) -> None:
    """DNS rebinding: checked as public, then loopback for anyone who asks again. Whoever opens the connection
    must use the checked address, not resolve the name a second time."""
    url = rebind_to_loopback(monkeypatch, moodle)
    connected_to: list[tuple[str, int]] = []

    def unreachable(address: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
        connected_to.append(address)  # the public address is not reachable from a test machine
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(addresses, "create_connection", unreachable, raising=False)  # a client that resolves again fails below
    client = MoodleClient(url, moodle.token, timeout=2, retries=0, allow_private=False)
    with pytest.raises(MoodleUnavailable, match="could not reach Moodle"):
        site_info(client)
    assert connected_to == [("41.89.10.5", int(url.rsplit(":", 1)[1]))]
    assert moodle.calls == []


def test_every_checked_address_is_tried_before_giving_up(moodle: FakeMoodle, monkeypatch: pytest.MonkeyPatch) -> None:
    """A host with a dead IPv6 route and an IPv4 address: a timeout on the first does not end the attempt."""
    def dual_stack(host: str, port: int, *args: object, **kwargs: object) -> list[tuple[object, ...]]:
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2001:4860::1", port, 0, 0)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("41.89.10.5", port))]

    tried: list[str] = []

    def connect(address: tuple[str, int], *args: object, **kwargs: object) -> socket.socket:
        tried.append(address[0])
        raise TimeoutError("timed out") if address[0].startswith("2001") else ConnectionRefusedError(111, "refused")

    monkeypatch.setattr(socket, "getaddrinfo", dual_stack)
    monkeypatch.setattr(addresses, "create_connection", connect)
    client = MoodleClient("https://moodle.dual.example", moodle.token, timeout=2, retries=0, allow_private=False)
    with pytest.raises(MoodleUnavailable, match="could not reach Moodle"):
        site_info(client)
    assert tried == ["2001:4860::1", "41.89.10.5"]


def test_parameters_are_flattened_the_way_php_reads_them() -> None:
    assert encode_params({"values": ["a", "b"], "options": {"ids": [3]}, "flag": True, "skip": None}) == {
        "values[0]": "a", "values[1]": "b", "options[ids][0]": "3", "flag": "1",
    }
