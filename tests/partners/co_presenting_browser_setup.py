"""A conference talk for the browser tests of co-presenting, made in the server's database.

Run as `python -m tests.partners.co_presenting_browser_setup USERNAME` with the server's
environment: at USERNAME's organisation (a demo university, which USERNAME coordinates), a
co-presenter role, a student partner with a plan and checks, and a staff conference of one of
its partnerships years ahead with two talks: one with a staff presenter only, one the student
already co-presents (booked on its preparation and delivery shifts). Prints, as JSON, the ids
the pages need.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import date, datetime, time, timedelta
from typing import Any


def make(username: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from tests.partners.factories import make_partner  # noqa: PLC0415
    from widen.accounts.models import Membership, User  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.events.models import (  # noqa: PLC0415
        Event,
        EventKind,
        Presenter,
        PresenterRole,
        Strand,
        Talk,
    )
    from widen.organisations.models import Partnership  # noqa: PLC0415
    from widen.partners.models import (  # noqa: PLC0415
        CheckKind,
        Role,
        RoleKind,
    )
    from widen.partners.services.co_presenting import co_presenter_add  # noqa: PLC0415

    coordinator = User.objects.get(username=username)
    provider = Membership.objects.get(user=coordinator).organisation
    partnership = Partnership.objects.filter(members=provider).order_by("name").first()
    zone = timezone.get_default_timezone()
    # A Wednesday years ahead, a different week for each run.
    day = date(2033, 1, 5) + timedelta(weeks=secrets.randbelow(400))
    starts = datetime.combine(day, time(9, 30), tzinfo=zone)
    with request_context.bind(actor=coordinator, source="cli"):
        role = Role.objects.create(
            organisation=provider,
            kind=RoleKind.CO_PRESENTER,
            title="Conference co-presenter",
            work_involved="Preparing and presenting a talk with a member of staff.",
            hourly_rate_pence=1600,
            coordinator=coordinator,
        )
        partner = make_partner(
            provider,
            "S" + secrets.token_hex(4),
            email=f"kemi.{secrets.token_hex(3)}@students.example.ac.uk",
            first_name="Kemi",
            last_name="Adeyemi",
            date_of_birth=date(2003, 3, 1),
            roles=(role,),
            checks=(CheckKind.RIGHT_TO_WORK, CheckKind.TRAINING),
            course="BSc Sociology",
        )
        event = Event.objects.create(
            partnership=partnership,
            organiser=provider,
            title="Students as partners: a staff conference",
            kind=EventKind.CONFERENCE,
            starts_at=starts,
            ends_at=starts + timedelta(hours=6),
            venue="Arts Two",
        )
        strand = Strand.objects.create(event=event, title="Student voice")
        talks = []
        for hour, title in ((11, "Paying students fairly"), (14, "Co-designing outreach")):
            talk = Talk.objects.create(
                event=event,
                strand=strand,
                title=title,
                starts_at=datetime.combine(day, time(hour), tzinfo=zone),
                ends_at=datetime.combine(day, time(hour + 1), tzinfo=zone),
                room="Lecture theatre 1",
            )
            Presenter.objects.create(
                talk=talk, name="Dr Helen Marsh", role=PresenterRole.STAFF, job_title="WP lead"
            )
            talks.append(talk)
        open_talk, co_presented = talks
    co_presenter_add(
        actor=coordinator,
        talk=co_presented,
        partner=partner,
        role=role,
        preparation_starts_at=datetime.combine(day - timedelta(days=1), time(14), tzinfo=zone),
        preparation_minutes=120,
    )
    return {
        "event_id": str(event.pk),
        "talk_id": str(open_talk.pk),
        "co_presented_id": str(co_presented.pk),
    }


if __name__ == "__main__":
    print(json.dumps(make(sys.argv[1])))  # noqa: T201
