"""The programmes and institutions REST API (administrators change them; registrars read them)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from lrs.api import api_blueprint
from lrs.auth.http import require_role
from lrs.db import request_session
from reports.programmes import schemas
from reports.programmes.institutions import (
    InstitutionCount,
    InstitutionSpec,
    create_institution,
    delete_institution,
    get_institution,
    institution_counts,
    update_institution,
)
from reports.programmes.models import Institution, Programme
from reports.programmes.service import (
    ProgrammeSpec,
    create_programme,
    delete_programme,
    get_programme,
    list_programmes,
    update_programme,
)

blp = api_blueprint("programmes", __name__, "/programmes", "Programmes: target populations, required courses, targets and deadlines")
institutions_blp = api_blueprint("institutions", __name__, "/institutions", "Institutions and their head counts")


@blp.route("")
class Programmes(MethodView):
    @require_role("admin")
    @blp.arguments(schemas.ProgrammeInSchema)
    @blp.response(201, schemas.ProgrammeSchema)
    def post(self, spec: ProgrammeSpec) -> Programme:
        """Set up a programme.

        `requirement` is `all_of` (every course in `courses`), `any_of` (one of them) or `min_credits`
        (at least `min_credits` credits from them). The population is every learner in one of
        `population.institutions` (ids or names, each with an optional own `deadline`) and of one of
        `population.cohorts`; both empty means every learner.
        """
        session = request_session()
        programme = create_programme(session, spec)
        session.commit()
        return programme

    @require_role("admin", "registrar")
    @blp.response(200, schemas.ProgrammePageSchema)
    def get(self) -> dict[str, Any]:
        """Every programme, mandatory ones first."""
        return {"items": list_programmes(request_session())}


@blp.route("/<int:programme_id>")
class ProgrammeDetail(MethodView):
    @require_role("admin", "registrar")
    @blp.response(200, schemas.ProgrammeSchema)
    def get(self, programme_id: int) -> Programme:
        """One programme."""
        return get_programme(request_session(), programme_id)

    @require_role("admin")
    @blp.arguments(schemas.ProgrammeInSchema)
    @blp.response(200, schemas.ProgrammeSchema)
    def put(self, spec: ProgrammeSpec, programme_id: int) -> Programme:
        """Replace everything the programme says (its id and slug stay)."""
        session = request_session()
        programme = update_programme(session, programme_id, spec)
        session.commit()
        return programme

    @require_role("admin")
    @blp.response(204)
    def delete(self, programme_id: int) -> None:
        """Remove the programme (learning records are untouched)."""
        session = request_session()
        delete_programme(session, programme_id)
        session.commit()


@institutions_blp.route("")
class Institutions(MethodView):
    @require_role("admin")
    @institutions_blp.arguments(schemas.InstitutionInSchema)
    @institutions_blp.response(201, schemas.InstitutionSchema)
    @institutions_blp.alt_response(409, description="the name is taken")
    def post(self, data: dict[str, Any]) -> Institution:
        """Register an institution; `head_count` is the HR roster's figure (omit it to count registered learners)."""
        session = request_session()
        institution = create_institution(session, InstitutionSpec(**data))
        session.commit()
        return institution

    @require_role("admin", "registrar")
    @institutions_blp.response(200, schemas.InstitutionPageSchema)
    def get(self) -> dict[str, list[InstitutionCount]]:
        """Every registered institution, and every institution learners name, with both head counts."""
        return {"items": institution_counts(request_session())}


@institutions_blp.route("/<int:institution_id>")
class InstitutionDetail(MethodView):
    @require_role("admin", "registrar")
    @institutions_blp.response(200, schemas.InstitutionSchema)
    def get(self, institution_id: int) -> Institution:
        """One institution."""
        return get_institution(request_session(), institution_id)

    @require_role("admin")
    @institutions_blp.arguments(schemas.InstitutionInSchema)
    @institutions_blp.response(200, schemas.InstitutionSchema)
    @institutions_blp.alt_response(409, description="the name belongs to another institution")
    def put(self, data: dict[str, Any], institution_id: int) -> Institution:
        """Replace the institution's name, country and HR head count."""
        session = request_session()
        institution = update_institution(session, institution_id, InstitutionSpec(**data))
        session.commit()
        return institution

    @require_role("admin")
    @institutions_blp.response(204)
    @institutions_blp.alt_response(409, description="a programme's population names it")
    def delete(self, institution_id: int) -> None:
        """Remove an institution no programme names."""
        session = request_session()
        delete_institution(session, institution_id)
        session.commit()
