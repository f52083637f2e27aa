"""The catalogue REST API: courses, their activity mappings, and the unmapped-activity review queue."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from lrs.api import api_blueprint
from lrs.auth.http import require_role
from lrs.db import request_session
from reports.catalogue import schemas
from reports.catalogue.models import Course, CourseMapping
from reports.catalogue.review import unmapped_activities
from reports.catalogue.service import NewCourse, add_mapping, create_course, get_course, list_courses

blp = api_blueprint("courses", __name__, "/courses", "The catalogue of recognised courses and their activity mappings")
review_blp = api_blueprint("activity_review", __name__, "/review/activities", "Achievements no catalogue course counts yet")


@blp.route("")
class Courses(MethodView):
    @require_role("admin")
    @blp.arguments(schemas.NewCourseSchema)
    @blp.response(201, schemas.CourseSchema)
    @blp.alt_response(409, description="the code is taken")
    def post(self, data: dict[str, Any]) -> Course:
        """Add a course: provider centre (id or slug), achievement type, track, framework level, hours, credits.

        Credits are derived from hours when omitted; on the KNQF they must equal hours / 10.
        """
        session = request_session()
        course = create_course(session, NewCourse(**data))
        session.commit()
        return course

    @require_role("admin", "registrar")
    @blp.response(200, schemas.CoursePageSchema)
    def get(self) -> dict[str, Any]:
        """Every catalogue course, by code."""
        return {"items": list_courses(request_session())}


@blp.route("/<code>")
class CourseDetail(MethodView):
    @require_role("admin", "registrar")
    @blp.response(200, schemas.CourseSchema)
    def get(self, code: str) -> Course:
        """One course with its mappings."""
        return get_course(request_session(), code)


@blp.route("/<code>/mappings")
class CourseMappings(MethodView):
    @require_role("admin")
    @blp.arguments(schemas.NewMappingSchema)
    @blp.response(201, schemas.MappingSchema)
    @blp.alt_response(200, schema=schemas.MappingSchema, description="the same mapping already existed")
    @blp.alt_response(409, description="the IRI already counts towards another course")
    def post(self, data: dict[str, Any], code: str) -> tuple[CourseMapping, int]:
        """Count a centre's activity IRI (`activity_iri`) or every IRI under `activity_prefix` towards the course.

        Statements already stored are normalised again, so their learners' records appear at once.
        """
        session = request_session()
        is_prefix = "activity_prefix" in data
        iri = data["activity_prefix"] if is_prefix else data["activity_iri"]
        mapping, is_new = add_mapping(session, get_course(session, code), data["centre"], iri, is_prefix=is_prefix)
        session.commit()
        return mapping, 201 if is_new else 200


@review_blp.route("")
class ActivityReview(MethodView):
    @require_role("admin")
    @review_blp.arguments(schemas.ReviewQuerySchema, location="query")
    @review_blp.response(200, schemas.UnmappedActivityPageSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Activities with completions, scores, certificates or enrolments that count towards no course yet."""
        return {"items": unmapped_activities(request_session(), limit=query["limit"], offset=query["offset"])}
