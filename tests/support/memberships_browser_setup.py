"""A provider's support schemes with invitations, members and an application, for the browser
tests.

Run as `python -m tests.support.memberships_browser_setup USERNAME EMAIL` with the server's
environment: at USERNAME's organisation (a demo university whose schemes USERNAME manages),
makes a student whose contact address is EMAIL and two more; a mentoring scheme for the first in
family, worked out and its eligible students invited (the student at EMAIL among them), with an
application from a student the records miss; a grant the student at EMAIL belongs to; and a
hardship fund they may ask to join. Prints, as JSON, the ids and names.
"""

from __future__ import annotations

import json
import secrets
import sys
from typing import Any


def make(username: str, email: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from widen.accounts.capabilities import system_actor  # noqa: PLC0415
    from widen.accounts.models import Membership  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.students.models import Student  # noqa: PLC0415
    from widen.support.models import (  # noqa: PLC0415
        MembershipSource,
        MembershipStatus,
        SchemeMembership,
    )
    from widen.support.services.memberships import memberships_invite  # noqa: PLC0415
    from widen.support.services.schemes import (  # noqa: PLC0415
        scheme_create,
        scheme_eligibility_compute,
    )

    provider = (
        Membership.objects.select_related("organisation").get(user__username=username).organisation
    )
    system = system_actor("browser tests")
    first_in_family = {"any": [{"all": [{"criterion": "first_in_family"}]}]}
    now = timezone.now()
    with request_context.bind(source="cli"):
        people = {}
        for first, last, address, is_first in (
            ("Kemi", "Adebayo", email, True),
            ("Rhys", "Morgan", "", True),
            ("Lena", "Fischer", "", False),
        ):
            people[first] = Student.objects.create(
                organisation=provider,
                student_number="M" + secrets.token_hex(4),
                first_name=first,
                last_name=last,
                email=address,
                first_in_family=is_first,
            )
        mentoring = scheme_create(
            actor=system,
            organisation=provider,
            name="First in family mentoring",
            purpose="Mentoring by a student who was first in their family at university.",
            definition=first_in_family,
        )
        scheme_eligibility_compute(mentoring, actor=system)
        memberships_invite(mentoring, actor=system)
        SchemeMembership.objects.create(
            scheme=mentoring,
            student=people["Lena"],
            status=MembershipStatus.APPLIED,
            source=MembershipSource.APPLICATION,
            evidence="My parents studied abroad but never finished; I am the first to graduate.",
            applied_at=now,
            status_changed_at=now,
        )
        grant = scheme_create(
            actor=system,
            organisation=provider,
            name="Study skills grant",
            purpose="Money for books and study skills courses.",
            definition=first_in_family,
        )
        member = SchemeMembership.objects.create(
            scheme=grant,
            student=people["Kemi"],
            status=MembershipStatus.MEMBER,
            source=MembershipSource.RECORDS,
            reason="eligible: first in family",
            invited_at=now,
            joined_at=now,
            status_changed_at=now,
        )
        hardship = scheme_create(
            actor=system,
            organisation=provider,
            name="Hardship fund",
            purpose="Help with unexpected costs.",
            definition=first_in_family,
        )
    return {
        "scheme_id": str(mentoring.pk),
        "scheme_name": mentoring.name,
        "member_id": str(member.pk),
        "member_scheme_name": grant.name,
        "open_scheme_id": str(hardship.pk),
        "open_scheme_name": hardship.name,
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(make(sys.argv[1], sys.argv[2])))
