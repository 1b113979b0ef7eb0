"""A student for the sign-in browser test, made in the server's database.

Run as `python -m tests.students.mine.browser_setup EMAIL` with the server's environment: gives
the first HE provider of the demo a student whose contact e-mail is EMAIL, with a status history
and a declaration, and prints, as JSON, the provider's name and the student's names.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import date
from typing import Any


def make(email: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from widen.core import request_context  # noqa: PLC0415
    from widen.organisations.models import Organisation, OrganisationType  # noqa: PLC0415
    from widen.students.models import (  # noqa: PLC0415
        Declaration,
        Student,
        StudentStatus,
        StudentStatusChange,
    )

    provider = (
        Organisation.objects.filter(organisation_type=OrganisationType.HE_PROVIDER)
        .order_by("name")
        .first()
    )
    assert provider is not None
    number = "B" + secrets.token_hex(4)
    with request_context.bind(source="cli"):
        student = Student.objects.create(
            organisation=provider,
            student_number=number,
            first_name="Samira",
            last_name="Okafor",
            email=email,
            phone="07700 900123",
            course="BSc Adult Nursing",
            status=StudentStatus.ENROLLED,
            status_since=date(2026, 9, 21),
            year_of_study=1,
        )
        StudentStatusChange.objects.create(
            student=student,
            status=StudentStatus.ENROLLED,
            previous_status=StudentStatus.OFFER_HOLDER,
            changed_on=date(2026, 9, 21),
            source="Student record system export",
        )
        Declaration.objects.create(
            student=student,
            characteristic="young_adult_carer",
            value="True",
            source="Enrolment form",
        )
    return {"provider": provider.name, "first_name": "Samira", "last_name": "Okafor"}


if __name__ == "__main__":
    print(json.dumps(make(sys.argv[1])))  # noqa: T201
