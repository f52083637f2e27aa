"""The administrator's report pages over HTTP: learners, a transcript, the review queues; sign-in required."""

from __future__ import annotations

import requests
from flask import Flask

from lrs.db import session_scope
from reports.catalogue.service import NewCourse, add_mapping, create_course
from reports.learners.service import NewLearner, create_learner, link_identity
from tests.conftest import LiveServer
from tests.lrs.web.conftest import Browser, administrator, browser, signed_in  # noqa: F401 - shared fixtures
from tests.reports import moodle
from tests.reports.helpers import make_centre, post_statements, wait_normalised

SITE = "https://elearning.ksg.ac.ke"


def test_admin_pages_show_learners_transcripts_and_queues(
    app: Flask, live_server: LiveServer, environment: dict[str, str], signed_in: Browser  # noqa: F811
) -> None:
    centre = make_centre(app, "ksg", SITE, name="Kenya School of Government")
    with app.app_context(), session_scope(app) as session:
        learner = create_learner(session, NewLearner("Ngũgĩ wa Mwangi", "Ministry of ICT", "2026-technical", [("ke-upn", "2019123456")]))
        course = create_course(session, NewCourse("KSG-DL101", "Digital Literacy", "ksg", "Course", "Digital leadership", "KNQF", 5, 40))
        add_mapping(session, course, "ksg", f"{SITE}/course/view.php?id=1", is_prefix=False)
        link_identity(session, learner, {"account": {"homePage": SITE, "name": "42"}}, source="admin")
        learner_id = learner.id
    post_statements(live_server, centre.credential, [
        moodle.course_completed(SITE, "42", "N", 1, "DL", "2026-02-09T08:00:00Z"),
        moodle.course_completed(SITE, "77", "Unknown Officer", 3, "Induction", "2026-02-10T08:00:00Z"),
    ])
    wait_normalised(app, environment)

    listing = signed_in.get("/admin/learners")
    assert listing.status_code == 200 and "Ngũgĩ wa Mwangi" in listing.text and "ke-upn:2019123456" in listing.text
    assert "Ngũgĩ" in signed_in.get("/admin/learners", params={"identifier": "ke-upn:2019123456"}).text
    assert "must be written scheme:value" in signed_in.get("/admin/learners", params={"identifier": "nonsense"}).text
    page = signed_in.get(f"/admin/learners/{learner_id}")
    assert page.status_code == 200 and "Digital Literacy" in page.text and "40.0 notional hours" in page.text
    assert signed_in.get("/admin/learners/999999").status_code == 404
    review = signed_in.get("/admin/review")
    assert f"account:{SITE}|77" in review.text and "Unknown Officer" in review.text
    assert f"{SITE}/course/view.php?id=3" in review.text

    anonymous = requests.get(f"{live_server.url}/admin/review", allow_redirects=False, timeout=10)
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["Location"]
