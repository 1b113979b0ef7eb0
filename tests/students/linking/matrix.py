"""The authorisation matrix's objects for linking students to learner records: a proposal for a
student of the person's own provider (own), of a partner's (partner: seen under the agreement,
never changed), or of a stranger partnership's provider (unrelated)."""

from __future__ import annotations

from typing import Any

from widen.learners.models import Learner
from widen.students.models import LearnerLink, Student
from widen.testing.world import World, year_group_birthday


def link_kwargs(world: World, rule: str, role: str, relation: str) -> dict[str, Any] | None:
    if rule != "student_link":
        return None
    links: dict[tuple[str, str], LearnerLink] = world.__dict__.setdefault("student_links", {})
    if (role, relation) not in links:
        holder = {"own": world.alpha, "partner": world.beta, "unrelated": world.gamma}[relation]
        number = len(links) + 1
        student = Student.objects.create(
            organisation=holder,
            student_number=f"M{number:05d}",
            first_name="Matrix",
            last_name=f"Link {number}",
            date_of_birth=year_group_birthday(10),
        )
        learner = Learner.objects.create(
            organisation=holder,
            school=world.school,
            first_name="Matrix",
            last_name=f"Link {number}",
            date_of_birth=year_group_birthday(10),
        )
        links[(role, relation)] = LearnerLink.objects.create(
            student=student, learner=learner, found_by="linkage", score=0.97, reasons=[]
        )
    return {"link_id": links[(role, relation)].pk}
