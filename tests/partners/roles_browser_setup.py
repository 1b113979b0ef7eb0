"""Roles, applications and a partner with checks, for the browser tests.

Run as `python -m tests.partners.roles_browser_setup USERNAME EMAIL` with the server's
environment: at USERNAME's organisation (a demo university, whose partners USERNAME
coordinates), makes three roles coordinated by USERNAME, a student whose e-mail is EMAIL with a
draft application to the first, another student whose application waits for a decision, and a
partner with onboarding checks (one expiring soon, one expired); prints, as JSON, their ids and
names.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import date, timedelta
from typing import Any


def make(username: str, email: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from widen.accounts.models import Membership  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.partners.models import (  # noqa: PLC0415
        Application,
        ApplicationStatus,
        CheckKind,
        OnboardingCheck,
        Partner,
        Role,
        RoleKind,
    )
    from widen.students.models import Student  # noqa: PLC0415

    membership = Membership.objects.select_related("organisation", "user").get(
        user__username=username
    )
    provider = membership.organisation
    coordinator = membership.user
    today = timezone.localdate()

    def student(first: str, last: str, address: str = "") -> Student:
        return Student.objects.create(
            organisation=provider,
            student_number="R" + secrets.token_hex(4),
            first_name=first,
            last_name=last,
            email=address,
        )

    with request_context.bind(source="cli"):
        roles = [
            Role.objects.create(
                organisation=provider,
                kind=kind,
                title=title,
                work_involved=work,
                hourly_rate_pence=1400,
                coordinator=coordinator,
                decision_working_days=10,
            )
            for kind, title, work in (
                (RoleKind.AMBASSADOR, "Campus tour ambassador", "Leading campus tours."),
                (RoleKind.CO_RESEARCHER, "Co-researcher", "Interviewing students."),
                (RoleKind.CO_PRESENTER, "Co-presenter", "Presenting at a conference."),
            )
        ]
        applicant = student("Nia", "Campbell", email)
        draft = Application.objects.create(
            role=roles[0], student=applicant, why_this_role="I enjoyed my own visit."
        )
        waiting = Application.objects.create(
            role=roles[0],
            student=student("Tomasz", "Nowak", f"t.{secrets.token_hex(3)}@example.ac.uk"),
            status=ApplicationStatus.SUBMITTED,
            why_this_role="To help others like me.",
            what_you_bring="I care for my brother.",
            adjustments="Questions in writing beforehand.",
            working_patterns="Afternoons only.",
            submitted_at=timezone.now(),
            decide_by=today + timedelta(days=12),
        )
        partner_student = student("Grace", "Adeyemi")
        partner = Partner.objects.create(organisation=provider, student=partner_student)
        partner.roles.add(roles[0])
        for kind, completed_on, expires_on in (
            (CheckKind.RIGHT_TO_WORK, date(2025, 9, 1), None),
            (CheckKind.DBS, date(2024, 1, 10), today + timedelta(days=20)),
            (CheckKind.TRAINING, date(2025, 1, 10), today - timedelta(days=3)),
        ):
            OnboardingCheck.objects.create(
                partner=partner, kind=kind, completed_on=completed_on, expires_on=expires_on
            )
    return {
        "role_id": str(roles[0].pk),
        "role_title": roles[0].title,
        "apply_role_id": str(roles[1].pk),
        "apply_role_title": roles[1].title,
        "refused_role_id": str(roles[2].pk),
        "refused_role_title": roles[2].title,
        "draft_id": str(draft.pk),
        "application_id": str(waiting.pk),
        "applicant_name": "Tomasz Nowak",
        "partner_id": str(partner.pk),
        "partner_name": "Grace Adeyemi",
    }


if __name__ == "__main__":
    print(json.dumps(make(sys.argv[1], sys.argv[2])))  # noqa: T201
