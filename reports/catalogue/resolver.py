"""Which catalogue course an activity counts towards, for the centre a statement came from.

Exact mappings beat prefixes and longer prefixes beat shorter ones. The activity a statement speaks
for is tried first (a match there can carry an outcome); then its context activities, nearest first
(a match there only shows the learner active in the course).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from lrs.centres.models import Centre
from reports.catalogue.models import CourseMapping


@dataclass(frozen=True)
class Resolution:
    course_id: int | None
    is_outcome: bool


UNRESOLVED = Resolution(None, False)


class MappingResolver:
    """Every mapping and centre prefix, loaded once per normaliser batch."""

    def __init__(self, session: Session) -> None:
        self._exact: dict[tuple[int, str], int] = {}
        self._prefixes: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for mapping in session.scalars(select(CourseMapping)):
            if mapping.is_prefix:
                self._prefixes[mapping.centre_id].append((mapping.iri, mapping.course_id))
            else:
                self._exact[(mapping.centre_id, mapping.iri)] = mapping.course_id
        for prefixes in self._prefixes.values():
            prefixes.sort(key=lambda pair: len(pair[0]), reverse=True)
        self._owners = [
            (prefix, centre_id)
            for centre_id, prefixes in session.execute(select(Centre.id, Centre.activity_prefixes))
            for prefix in prefixes or ()
        ]
        self._owners.sort(key=lambda pair: len(pair[0]), reverse=True)

    def centre_for(self, centre_id: int | None, activity_iri: str) -> int | None:
        """The statement's centre, or for one written by a credential of no centre, the activity's owner."""
        if centre_id is not None:
            return centre_id
        return next((owner for prefix, owner in self._owners if activity_iri.startswith(prefix)), None)

    def course_for(self, centre_id: int | None, iri: str) -> int | None:
        if centre_id is None:
            return None
        exact = self._exact.get((centre_id, iri))
        if exact is not None:
            return exact
        return next((course for prefix, course in self._prefixes.get(centre_id, ()) if iri.startswith(prefix)), None)

    def resolve(self, centre_id: int | None, activity_iri: str, context_iris: tuple[str, ...] | list[str]) -> Resolution:
        course = self.course_for(centre_id, activity_iri)
        if course is not None:
            return Resolution(course, True)
        for iri in context_iris:
            course = self.course_for(centre_id, iri)
            if course is not None:
                return Resolution(course, False)
        return UNRESOLVED
