"""An award scheme with awards in every state, for the browser tests.

Run as `python -m tests.support.awards_browser_setup USERNAME` with the server's environment: at
USERNAME's organisation (a demo university whose awards USERNAME manages), makes a support scheme
for care-experienced students and an award scheme for its members paying £900 in three
instalments, with awards accepted (one instalment paid, one held), offered, stopped and
declined; prints, as JSON, the award scheme's id and name.
"""

from __future__ import annotations

import json
import secrets
import sys
from typing import Any


def make(username: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from tests.support.finance_world import make_award, make_award_scheme  # noqa: PLC0415
    from widen.accounts.capabilities import system_actor  # noqa: PLC0415
    from widen.accounts.models import Membership  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.organisations.models import SpecialCategoryCondition  # noqa: PLC0415
    from widen.students.models import Student  # noqa: PLC0415
    from widen.support.models import AwardStatus, Instalment  # noqa: PLC0415
    from widen.support.models import InstalmentStatus as S  # noqa: PLC0415, N817
    from widen.support.services.schemes import scheme_create  # noqa: PLC0415

    provider = (
        Membership.objects.select_related("organisation").get(user__username=username).organisation
    )
    suffix = secrets.token_hex(2)
    with request_context.bind(source="cli"):
        scheme = scheme_create(
            actor=system_actor("browser tests"),
            organisation=provider,
            name=f"Care leavers' support {suffix}",
            purpose="Support for students who have been in care.",
            special_category_condition=(
                SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST_STATUTORY
            ),
            definition={"any": [{"all": [{"criterion": "care_experienced"}]}]},
        )
        award_scheme = make_award_scheme(provider, scheme, name=f"Care leavers' award {suffix}")
        for first, last, status, instalments in (
            ("Amara", "Osei", AwardStatus.ACCEPTED, [S.DUE, S.SCHEDULED, S.SCHEDULED]),
            ("Tomasz", "Nowak", AwardStatus.ACCEPTED, [S.HELD, S.SCHEDULED, S.SCHEDULED]),
            ("Grace", "Adeyemi", AwardStatus.OFFERED, [S.SCHEDULED, S.SCHEDULED, S.SCHEDULED]),
            ("Rhys", "Morgan", AwardStatus.STOPPED, [S.DUE, S.CANCELLED, S.CANCELLED]),
            ("Lena", "Fischer", AwardStatus.DECLINED, [S.CANCELLED, S.CANCELLED, S.CANCELLED]),
        ):
            student = Student.objects.create(
                organisation=provider,
                student_number="S" + secrets.token_hex(4),
                first_name=first,
                last_name=last,
                care_experienced=True,
            )
            award = make_award(award_scheme, student, status, instalments)
            if first == "Amara":
                Instalment.objects.filter(award=award, number=1).update(status=S.PAID)
    return {"award_scheme_id": str(award_scheme.pk), "award_scheme_name": str(award_scheme)}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(make(sys.argv[1])))
