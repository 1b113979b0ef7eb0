"""The support records of the demo's care-experienced and estranged students, kept by their
named contact, the student support adviser (`support.adviser`, Nadia Okafor): when each
characteristic became known (on application, at enrolment, told to her later), a personal
adviser kept with the student's consent, pathway plan reviews (one due within a fortnight), a
365-day place in halls, and the local authority's £2,000 bursary, one expected and one received.
Called by `widen.demo.support`, through the same services as the record pages."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from widen.accounts.models import User
from widen.core.academic_years import AcademicYear
from widen.organisations.models import Organisation
from widen.students.models import Student
from widen.support.models import (
    CareStatus,
    IdentificationStage,
    IdentifiedCharacteristic,
    SupportRecord,
)
from widen.support.services.records import (
    bursary_expect,
    bursary_receive,
    identification_add,
    record_open,
    record_open_from_records,
    record_update,
)


def _student(provider: Organisation, first: str, last: str) -> Student:
    return Student.objects.get(organisation=provider, first_name=first, last_name=last)


def demo_support_records_create(*, provider: Organisation, adviser: User) -> list[SupportRecord]:
    """Records for Callum, Leah, Kwame (found by the enrolment import) and Sofia (who told
    Nadia herself)."""
    today = timezone.localdate()
    start = AcademicYear.current().start_year
    halls_from = min(date(start, 9, 19), today)

    callum = record_open_from_records(actor=adviser, student=_student(provider, "Callum", "Hughes"))
    identification_add(
        actor=adviser,
        record=callum,
        characteristic=IdentifiedCharacteristic.CARE_LEAVER,
        stage=IdentificationStage.ADVISER,
        identified_on=today - timedelta(days=30),
        source="His pathway plan, brought to his first appointment",
    )
    callum = record_update(
        actor=adviser,
        record=callum,
        changes={
            "local_authority": "London Borough of Tower Hamlets",
            "personal_adviser": (
                "Marcus Bell, leaving care personal adviser, Tower Hamlets: 07700 900123"
            ),
            "personal_adviser_consent": True,
            "pathway_review_due": today + timedelta(days=10),
            "support_plan": (
                "Interrupted his studies this term after losing his flat; returning in "
                "September. Fortnightly check-ins with Nadia; help applying for a 365-day "
                "place in halls for his return."
            ),
        },
    ).record
    bursary_expect(
        actor=adviser,
        record=callum,
        local_authority="London Borough of Tower Hamlets",
        expected_on=today + timedelta(days=21),
        note="Confirmed by his personal adviser; paid each January.",
    )

    leah = record_open_from_records(actor=adviser, student=_student(provider, "Leah", "Morgan"))
    identification_add(
        actor=adviser,
        record=leah,
        characteristic=IdentifiedCharacteristic.CARE_EXPERIENCED,
        stage=IdentificationStage.APPLICATION,
        identified_on=date(start, 1, 24),
        source="UCAS application",
    )
    leah = record_update(
        actor=adviser,
        record=leah,
        changes={
            "care_status": CareStatus.CARE_LEAVER,
            "local_authority": "London Borough of Newham",
            "pathway_review_due": today + timedelta(days=120),
            "halls_from": halls_from,
            "halls_until": halls_from + timedelta(days=364),
            "halls_year_round": True,
            "summer_arrangements": "Keeps her room in halls over the summer; works on campus.",
        },
    ).record
    received = bursary_expect(
        actor=adviser,
        record=leah,
        local_authority="London Borough of Newham",
        expected_on=min(date(start, 10, 1), today),
    )
    bursary_receive(actor=adviser, bursary=received, received_on=min(date(start, 10, 9), today))

    kwame = record_open_from_records(actor=adviser, student=_student(provider, "Kwame", "Boateng"))
    kwame = record_update(
        actor=adviser,
        record=kwame,
        changes={
            "support_plan": "Estranged since sixth form. Wants help with a guarantor for a "
            "private let next year, and a contact at Student Finance England."
        },
    ).record

    sofia = record_open(actor=adviser, student=_student(provider, "Sofia", "Petrova"))
    identification_add(
        actor=adviser,
        record=sofia,
        characteristic=IdentifiedCharacteristic.ESTRANGED,
        stage=IdentificationStage.ADVISER,
        identified_on=today - timedelta(days=14),
        source="Told Nadia when she asked to join the scheme",
    )
    return [callum, leah, kwame, sofia]
