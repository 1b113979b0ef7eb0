"""Support records of care-experienced and estranged students, for the browser tests.

Run as `python -m tests.support.records_browser_setup USERNAME EMAIL` with the server's
environment: at USERNAME's organisation (a demo university where USERNAME is a student support
adviser), makes a care leaver whose contact address is EMAIL with a full support record (named
contact USERNAME, identifications, personal adviser with consent, pathway plan review, halls,
support plan, a local authority bursary to chase and one received), and an estranged student the
enrolment import found who has no record yet. Prints, as JSON, the ids and names.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import timedelta
from typing import Any


def make(username: str, email: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from widen.accounts.capabilities import system_actor  # noqa: PLC0415
    from widen.accounts.models import Membership, User  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.students.services import student_create  # noqa: PLC0415
    from widen.support.models import (  # noqa: PLC0415
        CareStatus,
        IdentificationStage,
        IdentifiedCharacteristic,
    )
    from widen.support.services.records import (  # noqa: PLC0415
        bursary_expect,
        bursary_receive,
        identification_add,
        record_open,
        record_update,
    )

    adviser = User.objects.get(username=username)
    provider = Membership.objects.select_related("organisation").get(user=adviser).organisation
    today = timezone.localdate()
    with request_context.bind(source="cli", actor=adviser):

        def student(first: str, last: str, address: str, **facts: Any) -> Any:
            return student_create(
                actor=system_actor("the enrolment import"),
                organisation=provider,
                details={
                    "student_number": "R" + secrets.token_hex(4),
                    "first_name": first,
                    "last_name": last,
                    "email": address,
                    "course": "BA English Literature",
                    **facts,
                },
                status="enrolled",
                status_since=today - timedelta(days=60),
                source="browser tests",
            )

        tayo = student("Tayo", "Bankole", email, care_experienced=True)
        found = student("Maya", "Lindqvist", "", estranged=True)
        record = record_open(actor=adviser, student=tayo)
        identification_add(
            actor=adviser,
            record=record,
            characteristic=IdentifiedCharacteristic.CARE_LEAVER,
            stage=IdentificationStage.APPLICATION,
            identified_on=today - timedelta(days=300),
            source="UCAS application",
        )
        record_update(
            actor=adviser,
            record=record,
            changes={
                "care_status": CareStatus.CARE_LEAVER,
                "local_authority": "London Borough of Newham",
                "personal_adviser_consent": True,
                "personal_adviser": "Jo Mensah, Newham leaving care team, 020 7946 0000",
                "pathway_review_due": today + timedelta(days=10),
                "halls_from": today - timedelta(days=60),
                "halls_until": today + timedelta(days=305),
                "halls_year_round": True,
                "summer_arrangements": "Stays in the same room over the summer.",
                "support_plan": "Meet every month.\nCheck funding in January.",
            },
        )
        bursary_expect(
            actor=adviser,
            record=record,
            local_authority="London Borough of Newham",
            expected_on=today - timedelta(days=21),
        )
        paid = bursary_expect(
            actor=adviser,
            record=record,
            local_authority="London Borough of Newham",
            expected_on=today - timedelta(days=200),
            amount_pence=100_000,
        )
        bursary_receive(actor=adviser, bursary=paid, received_on=today - timedelta(days=190))
    return {
        "record_id": str(record.pk),
        "name": tayo.display_name,
        "found_name": found.display_name,
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(make(sys.argv[1], sys.argv[2])))
