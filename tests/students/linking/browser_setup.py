"""Proposals linking students to learner records, for the browser tests, in the server's database.

Run as `python -m tests.students.linking.browser_setup USERNAME` with the server's environment:
adds to USERNAME's university two students who are learners they see by name (one with the
learner's ULN), looks for matches as that person, and prints, as JSON, the students' names and
the partnership's id.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def make(username: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from widen.accounts.models import Membership, User  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.core.identifiers import uln_check_digit  # noqa: PLC0415
    from widen.learners.models import processable_condition  # noqa: PLC0415
    from widen.learners.permissions import learner_policy  # noqa: PLC0415
    from widen.organisations.models import DataCategory  # noqa: PLC0415
    from widen.students.linking.services import learner_links_propose  # noqa: PLC0415
    from widen.students.models import Student  # noqa: PLC0415

    person = User.objects.get(username=username)
    membership = Membership.objects.get(user=person)
    provider = membership.organisation
    learners = list(
        learner_policy.visible_to(person, needing=DataCategory.IDENTITY)
        .filter(processable_condition(), students__isnull=True)
        .exclude(organisation=provider)
        .exclude(home_postcode="")
        .order_by("last_name", "first_name")[:2]
    )
    assert len(learners) == 2, "the person sees too few partners' learners by name"  # noqa: PLR2004
    stem = 412345678
    while uln_check_digit(str(stem)) is None:
        stem += 1
    uln = f"{stem}{uln_check_digit(str(stem))}"
    with request_context.bind(actor=person, source="test"):
        learners[0].uln = uln
        learners[0].save(update_fields=["uln"])
        for number, learner in enumerate(learners, start=1):
            Student.objects.get_or_create(
                organisation=provider,
                student_number=f"LINK{number:04d}",
                defaults={
                    "first_name": learner.first_name,
                    "last_name": learner.last_name,
                    "date_of_birth": learner.date_of_birth,
                    "home_postcode": learner.home_postcode,
                    "uln": uln if number == 1 else "",
                },
            )
        summary = learner_links_propose(actor=person, provider=provider)
    partnership = provider.partnerships.order_by("name").first()
    return {
        "names": [f"{learner.first_name} {learner.last_name}" for learner in learners],
        "proposed": summary.proposed,
        "partnership_id": str(partnership.pk) if partnership else "",
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(make(sys.argv[1])))
