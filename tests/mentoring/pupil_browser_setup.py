"""A pupil mentee who signs in to their place, for the browser tests.

Run as `python -m tests.mentoring.pupil_browser_setup USERNAME PUPIL_EMAIL [not-invited]` with
the server's environment: at USERNAME's organisation (whose mentoring USERNAME coordinates), makes
a pupils' programme in its partnership ("Year 10 careers mentoring"), a pupil of the
organisation's learners in it, invited to sign in at PUPIL_EMAIL with a parent's consent recorded
(with `not-invited`: another pupil, not invited yet), and a DBS-checked mentor in an active pair
with them. Prints, as JSON, the ids and the pupil's name.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Any


def make(username: str, pupil_email: str, invited: bool = True) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from widen.accounts.capabilities import system_actor  # noqa: PLC0415
    from widen.accounts.models import User  # noqa: PLC0415
    from widen.accounts.sign_in_links import link_account_create  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.learners.models import Learner  # noqa: PLC0415
    from widen.mentoring.models import (  # noqa: PLC0415
        Mentee,
        MenteesAre,
        MenteeStatus,
        Mentor,
        MentoringProgramme,
        ProgrammeMentor,
        ProgrammeMentorStatus,
        Relationship,
        RelationshipStatus,
    )
    from widen.testing.builders import member_where  # noqa: PLC0415

    user, organisation, partnership = member_where(username)
    learners = Learner.objects.filter(organisation=organisation).order_by("last_name", "pk")
    learner = learners[0 if invited else 1]
    with request_context.bind(actor=system_actor("browser test setup"), source="cli"):
        programme, _ = MentoringProgramme.objects.get_or_create(
            organisation=organisation,
            name="Year 10 careers mentoring",
            defaults={
                "mentees_are": MenteesAre.PUPILS,
                "partnership": partnership,
                "purpose": "Pupils meet people who work in the careers they wonder about.",
            },
        )
        invitation: dict[str, Any] = {}
        if invited:
            invitation = {
                "user": User.objects.filter(email=pupil_email).first()
                or link_account_create(
                    email=pupil_email, first_name=learner.first_name, last_name=learner.last_name
                ),
                "consent_given_by": "Jo Parent, mother",
                "consent_given_on": date(2026, 9, 1),
                "consent_recorded_by": user,
            }
        mentee, _ = Mentee.objects.get_or_create(
            programme=programme,
            learner=learner,
            defaults={
                "status": MenteeStatus.ACCEPTED,
                **invitation,
                "goals": "To find out what engineers do.",
                "industries": ["engineering"],
            },
        )
        mentor_account = User.objects.filter(
            email="rosalind.mentor@example.com"
        ).first() or link_account_create(
            email="rosalind.mentor@example.com", first_name="Rosalind", last_name="Franklin"
        )
        mentor, _ = Mentor.objects.get_or_create(
            organisation=organisation,
            user=mentor_account,
            defaults={
                "employer_name": "Northern Water",
                "job_role": "Civil engineer",
                "industries": ["engineering"],
                "dbs_certificate_number": "001234567890",
                "dbs_issued_on": date(2026, 1, 5),
                "dbs_checked_on": date(2026, 1, 6),
                "training_completed_on": date(2026, 1, 10),
            },
        )
        ProgrammeMentor.objects.get_or_create(
            programme=programme,
            mentor=mentor,
            defaults={"status": ProgrammeMentorStatus.APPROVED, "capacity": 2},
        )
        now = timezone.now()
        pair, _ = Relationship.objects.get_or_create(
            programme=programme,
            mentee=mentee,
            defaults={
                "mentor": mentor,
                "status": RelationshipStatus.ACTIVE,
                "score": 30,
                "reasons": [
                    {"criterion": "industry", "points": 30, "words": "both in engineering"}
                ],
                "mentor_accepted_at": now,
                "mentee_accepted_at": now,
            },
        )
    return {
        "mentee_id": str(mentee.pk),
        "pair_id": str(pair.pk),
        "name": f"{learner.preferred_name or learner.first_name} {learner.last_name}",
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(make(sys.argv[1], sys.argv[2], sys.argv[3:] != ["not-invited"])))
