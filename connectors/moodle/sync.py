"""The Moodle pull: reconcile and backfill, through web services, what the xAPI plugin pushes.

A run checks the site and its token (``core_webservice_get_site_info``), then walks the learners whose
identifier in the connector's scheme (``ke-upn`` by default) matches a Moodle ``idnumber``, in
identifier order: it links each Moodle account to its learner and reads their enrolments, course and
activity completions and grades. Each user's records are one batch, committed with the checkpoint
(the last identifier done), so an interrupted run resumes with the next user. Then certificates
(mod_customcert) issued since the last pass. A finished pass clears the user cursor: the next run
reconciles everyone again, and finds what it already has by statement id.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from connectors.core.runs import Batch, RunContext
from connectors.moodle import statements as build
from connectors.moodle.client import MoodleClient, MoodleError, MoodleUnavailable
from connectors.moodle.functions import (
    MoodleUser,
    activities_completion,
    certificate_issues,
    course_completion,
    grade_items,
    site_info,
    users_by_idnumber,
    users_courses,
)
from lrs.centres.models import Centre
from lrs.db import session_scope
from lrs.errors import BadRequest, Conflict, Forbidden
from reports.learners.identifiers import normalise_identifier
from reports.learners.models import LearnerIdentifier
from reports.learners.service import find_by_identifier, link_identity

logger = logging.getLogger(__name__)

USERS_PER_CALL = 100


@dataclass
class UserRecords:
    """What Moodle holds about one user, read before any transaction opens."""

    statements: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def pull(context: RunContext) -> None:
    """One run of a Moodle connector."""
    settings = context.settings
    client = MoodleClient(
        context.base_url, context.secrets.get("token", ""), timeout=settings.connector_timeout,
        retries=settings.connector_retries, allow_private=settings.connector_allow_private,
    )
    site = site_info(client)
    missing = site.missing()
    if missing:
        raise MoodleError(f"the token's web service lacks the function(s) {', '.join(missing)}; add them to the service")
    _check_site(context, site.site_url)
    pull_users(context, client, site.site_url)
    if site.has_certificates:
        pull_certificates(context, client, site.site_url)


def _check_site(context: RunContext, site_url: str) -> None:
    with session_scope(context.app) as session:
        centre = session.get(Centre, context.centre_id)
        if centre is None or not centre.owns_home_page(site_url):
            raise Forbidden(f"Moodle gives its address as {site_url}, which is not a home page of the connector's centre")


def pull_users(context: RunContext, client: MoodleClient, site: str) -> None:
    scheme = context.options.get("identifier_scheme", "ke-upn")
    cursor = context.checkpoint.get("after_idnumber")
    while True:
        values = _identifier_values(context, scheme, after=cursor)
        if not values:
            break
        users = _users_by_value(client, scheme, values)
        for value in values:
            user = users.get(value)
            records = read_user(client, site, user) if user is not None else UserRecords()
            with context.batch() as batch:
                if user is not None:
                    _link(batch, scheme, value, site, user)
                    batch.read += len(records.statements) + len(records.errors)
                    batch.ingest(records.statements)
                    for error in records.errors:
                        batch.fail(error)
                batch.checkpoint = {**context.checkpoint, "after_idnumber": value}
        cursor = values[-1]
    with context.batch() as batch:
        batch.checkpoint = {**context.checkpoint, "after_idnumber": None}


def _identifier_values(context: RunContext, scheme: str, *, after: str | None) -> list[str]:
    with session_scope(context.app) as session:
        query = select(LearnerIdentifier.value).where(LearnerIdentifier.scheme == scheme)
        if after is not None:
            query = query.where(LearnerIdentifier.value > after)
        return list(session.scalars(query.order_by(LearnerIdentifier.value).limit(USERS_PER_CALL)))


def _users_by_value(client: MoodleClient, scheme: str, values: list[str]) -> dict[str, MoodleUser]:
    """The Moodle users holding these identifiers as idnumber (an idnumber that is not one is ignored)."""
    found: dict[str, MoodleUser] = {}
    for user in users_by_idnumber(client, values):
        try:
            found.setdefault(normalise_identifier(scheme, user.idnumber), user)
        except BadRequest:
            logger.info("moodle user %s has an idnumber that is not a %s", user.id, scheme)
    return found


def read_user(client: MoodleClient, site: str, user: MoodleUser) -> UserRecords:
    """Every record of one user, as statements; a course Moodle refuses to describe is an error, not a stop.

    Raises:
        MoodleUnavailable: Moodle stopped answering (the run stops; this user is done again next time).
    """
    records = UserRecords()
    for course in users_courses(client, user.id):
        records.statements.append(build.enrolled(site, user, course))
        try:
            if course.is_completion_enabled:
                completion = course_completion(client, course.id, user.id)
                if completion is not None and completion.is_completed:
                    records.statements.append(build.course_completed(site, user, course, completion.completed_at))
                records.statements.extend(
                    build.module_completed(site, user, course, activity)
                    for activity in activities_completion(client, course.id, user.id)
                    if activity.state > 0
                )
            records.statements.extend(build.scored(site, user, course, item) for item in grade_items(client, course.id, user.id))
        except MoodleUnavailable:
            raise
        except MoodleError as error:
            records.errors.append(f"moodle user {user.id}, course {course.id}: {error.message}")
    return records


def _link(batch: Batch, scheme: str, value: str, site: str, user: MoodleUser) -> None:
    """Link the Moodle account to the learner holding its idnumber (a conflict is reported, not fatal)."""
    learners = find_by_identifier(batch.session, scheme, value)
    if not learners:
        return
    try:
        with batch.session.begin_nested():
            link_identity(batch.session, learners[0], build.actor(site, user), source="connector")
    except Conflict as conflict:
        batch.fail(f"moodle user {user.id}: {conflict.message}")


def pull_certificates(context: RunContext, client: MoodleClient, site: str) -> None:
    """Certificates issued since the last pass (``timecreatedfrom`` is inclusive: the boundary is read again)."""
    since = int(context.checkpoint.get("certificates_from") or 0)
    newest = since
    for page in certificate_issues(client, since):
        with context.batch() as batch:
            batch.read += len(page)
            batch.ingest([build.certificate_achieved(site, issue) for issue in page])
        newest = max([newest, *(issue.issued_at for issue in page)])
    with context.batch() as batch:
        batch.checkpoint = {**context.checkpoint, "certificates_from": newest}
