"""A provider's support scheme, worked out for a few students, for the browser tests.

Run as `python -m tests.support.schemes_browser_setup USERNAME` with the server's environment: at
USERNAME's organisation (a demo university whose schemes USERNAME manages), makes three students
(two first in their family to go to higher education) and a scheme for the first in family,
worked out; prints, as JSON, its id and name.
"""

from __future__ import annotations

import json
import secrets
import sys
from typing import Any


def make(username: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from widen.accounts.capabilities import system_actor  # noqa: PLC0415
    from widen.accounts.models import Membership  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.students.models import IncomeBand, Student  # noqa: PLC0415
    from widen.support.services.schemes import (  # noqa: PLC0415
        scheme_create,
        scheme_eligibility_compute,
    )

    provider = (
        Membership.objects.select_related("organisation").get(user__username=username).organisation
    )
    system = system_actor("browser tests")
    with request_context.bind(source="cli"):
        for first, last, course, first_in_family, band in (
            ("Amara", "Osei", "BSc Mathematics", True, IncomeBand.UP_TO_25000),
            ("Tomasz", "Nowak", "BA History", True, ""),
            ("Grace", "Adeyemi", "BA History", False, IncomeBand.UP_TO_25000),
        ):
            Student.objects.create(
                organisation=provider,
                student_number="S" + secrets.token_hex(4),
                first_name=first,
                last_name=last,
                course=course,
                first_in_family=first_in_family,
                household_income_band=band,
            )
        scheme = scheme_create(
            actor=system,
            organisation=provider,
            name="First in family bursary",
            purpose="Help with costs for students first in their family to go to university.",
            definition={"any": [{"all": [{"criterion": "first_in_family"}]}]},
        )
        scheme_eligibility_compute(scheme, actor=system)
    return {"scheme_id": str(scheme.pk), "scheme_name": scheme.name}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(make(sys.argv[1])))
