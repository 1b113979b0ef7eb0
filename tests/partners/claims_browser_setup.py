"""Expense claims for the browser tests, made in the server's database.

Run as `python -m tests.partners.claims_browser_setup USERNAME EMAIL` with the server's
environment: at USERNAME's organisation (a demo university, which USERNAME coordinates), a role,
and two partners. One, whose contact e-mail is EMAIL, has a shift with its costs covered, a draft
claim with a bus fare and its receipt photo, and a paid advance to reconcile (their pages); the
other has a claim sent to the coordinator (the queue, a claim to decide). Prints, as JSON, the
ids the pages need.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import date, datetime, time, timedelta
from typing import Any

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def make(username: str, email: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from widen.accounts.models import Membership, User  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.partners.models import (  # noqa: PLC0415
        ClaimKind,
        ClaimStatus,
        ExpenseClaim,
        ExpenseLine,
        Partner,
        Role,
        RoleKind,
        Shift,
        ShiftAssignment,
    )
    from widen.students.models import Student  # noqa: PLC0415

    coordinator = User.objects.get(username=username)
    provider = Membership.objects.get(user=coordinator).organisation
    zone = timezone.get_default_timezone()
    today = timezone.localdate()
    with request_context.bind(source="cli"):
        role = Role.objects.create(
            organisation=provider,
            kind=RoleKind.AMBASSADOR,
            title="Student ambassador",
            work_involved="Campus tours and question panels.",
            hourly_rate_pence=1400,
            coordinator=coordinator,
        )
        partners = []
        for first_name, last_name, address in (
            ("Priya", "Shah", email),
            ("Jon", "Evans", f"jon.{secrets.token_hex(3)}@students.example.ac.uk"),
        ):
            student = Student.objects.create(
                organisation=provider,
                student_number="C" + secrets.token_hex(4),
                first_name=first_name,
                last_name=last_name,
                email=address,
                date_of_birth=date(2004, 6, 1),
            )
            partner = Partner.objects.create(organisation=provider, student=student)
            partner.roles.set([role])
            partners.append(partner)
        starts_at = datetime.combine(today + timedelta(days=10), time(9), tzinfo=zone)
        shift = Shift.objects.create(
            organisation=provider,
            role=role,
            title="Conference in Leeds",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=8),
            costs_covered=True,
        )
        ShiftAssignment.objects.create(shift=shift, partner=partners[0])
        draft = ExpenseClaim.objects.create(
            organisation=provider,
            partner=partners[0],
            purpose="Bus to the open day",
            spent_on=today - timedelta(days=2),
            total_pence=450,
        )
        ExpenseLine.objects.create(
            claim=draft,
            category="public_transport",
            spent_on=today - timedelta(days=2),
            description="Return bus fare",
            amount_pence=450,
            receipt_name="bus-ticket.jpg",
            receipt_type="image/jpeg",
            receipt_content=JPEG,
        )
        advance = ExpenseClaim.objects.create(
            organisation=provider,
            partner=partners[0],
            kind=ClaimKind.ADVANCE,
            status=ClaimStatus.PAID,
            purpose="Train to the conference",
            shift=shift,
            spent_on=today + timedelta(days=10),
            total_pence=3000,
            submitted_at=timezone.now(),
            paid_on=today,
        )
        sent = ExpenseClaim.objects.create(
            organisation=provider,
            partner=partners[1],
            purpose="Parking at the school visit",
            status=ClaimStatus.SUBMITTED,
            spent_on=today - timedelta(days=5),
            total_pence=600,
            submitted_at=timezone.now() - timedelta(days=3),
        )
        ExpenseLine.objects.create(
            claim=sent,
            category="parking",
            spent_on=today - timedelta(days=5),
            description="Car park",
            amount_pence=600,
        )
    return {
        "email": email,
        "draft_id": str(draft.pk),
        "draft": draft.purpose,
        "advance_id": str(advance.pk),
        "sent_id": str(sent.pk),
        "sent": sent.purpose,
    }


if __name__ == "__main__":
    print(json.dumps(make(sys.argv[1], sys.argv[2])))  # noqa: T201
