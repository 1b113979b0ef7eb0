"""The demo students and terms the browser tests open, found in the server's database.

Run as `python -m tests.students.records_browser_setup USERNAME` with the server's environment:
prints, as JSON, the ids of a student with a status history and of a term at USERNAME's
organisation (a demo university), and that organisation's id.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def find(username: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from widen.accounts.models import Membership  # noqa: PLC0415
    from widen.students.models import Student, TermDates  # noqa: PLC0415

    organisation = Membership.objects.get(user__username=username).organisation
    student = Student.objects.get(organisation=organisation, last_name="Hughes")
    other = Student.objects.get(organisation=organisation, last_name="Ali")
    term = TermDates.objects.filter(organisation=organisation).order_by("starts_on").first()
    assert term is not None
    return {
        "organisation_id": str(organisation.pk),
        "organisation_name": organisation.name,
        "student_id": str(student.pk),
        "student_name": student.display_name,
        "other_id": str(other.pk),
        "other_name": other.display_name,
        "term_id": str(term.pk),
        "term_name": term.name,
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(find(sys.argv[1])))
