"""A student's awards in every state they see, for the browser tests.

Run as `python -m tests.support.my_awards_browser_setup USERNAME EMAIL` with the server's
environment: at USERNAME's organisation (a demo university whose awards USERNAME manages), makes
a student whose contact address is EMAIL, with an account, a member of a support scheme with two
award schemes: "Travel and books award" (offered to them, not yet answered) and "Summer support
award" 2025/26, which they accepted: its first instalment paid, the second held (they interrupted
their studies) and the third still to come. Prints, as JSON, the ids and names.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import date
from typing import Any


def make(username: str, email: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from widen.accounts.capabilities import system_actor  # noqa: PLC0415
    from widen.accounts.models import Membership  # noqa: PLC0415
    from widen.accounts.sign_in_links import link_account_create  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.payments.models import EntryKind  # noqa: PLC0415
    from widen.payments.services import (  # noqa: PLC0415
        EntryToRecord,
        ledger_entries_record_many,
        payee_bank_details_set,
    )
    from widen.students.models import IncomeBand, Student, StudentStatus  # noqa: PLC0415
    from widen.support.models import (  # noqa: PLC0415
        Award,
        Instalment,
        InstalmentStatus,
        MembershipSource,
        MembershipStatus,
        SchemeMembership,
    )
    from widen.support.services.awards import (  # noqa: PLC0415
        award_accept,
        award_scheme_create,
        awards_offer,
    )
    from widen.support.services.schemes import scheme_create  # noqa: PLC0415

    provider = (
        Membership.objects.select_related("organisation").get(user__username=username).organisation
    )
    system = system_actor("browser tests")
    now = timezone.now()
    token = secrets.token_hex(3)
    with request_context.bind(source="cli"):
        student = Student.objects.create(
            organisation=provider,
            student_number="W" + secrets.token_hex(4),
            first_name="Tobi",
            last_name="Okoro",
            email=email,
            household_income_band=IncomeBand.UP_TO_25000,
            status=StudentStatus.ENROLLED,
            status_since=date(2025, 9, 22),
        )
        user = link_account_create(email=email, first_name="Tobi", last_name="Okoro")
        Student.objects.filter(pk=student.pk).update(user=user)
        scheme = scheme_create(
            actor=system,
            organisation=provider,
            name=f"Awards scheme {token}",
            purpose="Bursaries for students from low-income households.",
            definition={"any": [{"all": [{"criterion": "first_in_family"}]}]},
        )
        SchemeMembership.objects.create(
            scheme=scheme,
            student=student,
            status=MembershipStatus.MEMBER,
            source=MembershipSource.RECORDS,
            reason="eligible: household income up to £25,000",
            invited_at=now,
            joined_at=now,
            status_changed_at=now,
        )
        summer = award_scheme_create(
            actor=system,
            organisation=provider,
            scheme=scheme,
            name="Summer support award",
            academic_year="2025/26",
            instalment_days=[date(2025, 11, 17), date(2026, 2, 16), date(2026, 5, 18)],
            amount_pence=900_00,
            purpose="Help with rent and food over the year.",
        )
        awards_offer(actor=system, award_scheme=summer)
        award = Award.objects.get(award_scheme=summer, student=student)
        accepted = award_accept(actor=user, award=award)
        assert accepted.payee is not None
        payee_bank_details_set(
            actor=user,
            payee=accepted.payee,
            account_name="T Okoro",
            sort_code="20-00-00",
            account_number="55779911",
        )
        first, second, _ = list(Instalment.objects.filter(award=award).order_by("number"))
        (entry,) = ledger_entries_record_many(
            [
                EntryToRecord(
                    payee=accepted.payee,
                    amount_pence=first.amount_pence,
                    kind=EntryKind.AWARD,
                    description="Summer support award 2025/26, instalment 1",
                    source_type="support.instalment",
                    source_id=str(first.pk),
                )
            ],
            system,
        )
        Instalment.objects.filter(pk=first.pk).update(
            status=InstalmentStatus.PAID, ledger_entry=entry, paid_on=date(2025, 11, 21)
        )
        Instalment.objects.filter(pk=second.pk).update(
            status=InstalmentStatus.HELD, held_reason="Interrupted on 3 February 2026"
        )
        travel = award_scheme_create(
            actor=system,
            organisation=provider,
            scheme=scheme,
            name="Travel and books award",
            academic_year="2026/27",
            instalment_days=[date(2026, 11, 16), date(2027, 2, 15)],
            amount_pence=500_00,
            purpose="Travel to placements and course books.",
        )
        awards_offer(actor=system, award_scheme=travel)
        offer = Award.objects.get(award_scheme=travel, student=student)
    return {
        "offered_id": str(offer.pk),
        "offered_name": travel.name,
        "accepted_id": str(award.pk),
        "accepted_name": summer.name,
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(make(sys.argv[1], sys.argv[2])))
