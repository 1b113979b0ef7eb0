"""Event bookings among many learners: a group booking, the organisers' bookings page, a public
booking when many are booked.

The learner list's partnership (`benchmarks/learner_list.py`): Alpha's outreach officer runs the
events and sees Alpha's learners by name.

* `group booking`: `group_booking_create` of 500 learners onto an event with 300 places (300
  booked, 200 on the waiting list, each booking audited, one e-mail), beside the bare baseline of
  inserting 500 booking rows with Django's plain `bulk_create` (no checks, no audit);
* `bookings page`: the organisers' bookings page (`/events/<event>/bookings/`) of an event with
  2,000 bookings, a tenth of them stating access requirements, each such view written to the
  access log, beside the bare baseline of reading those bookings with the ORM;
* `public booking`: `booking_create` onto an event with 2,000 bookings (one lock, one count, one
  insert and its audit row, one e-mail), beside the bare insert of one booking row.
"""

from __future__ import annotations

import random
from datetime import timedelta
from itertools import count

from django.core import mail
from django.test.utils import override_settings
from django.utils import timezone

from benchmarks.harness import SectionRun
from benchmarks.seeding import unaudited
from benchmarks.world import SEED, add_learners, build_partnership
from widen.audit.models import AccessLogEntry
from widen.core import request_context
from widen.core.links import link_token_new
from widen.events.models import AttendeeType, Booking, BookingStatus, Event, EventKind
from widen.events.services import (
    BookingDetails,
    EventDetails,
    booking_create,
    event_create,
    group_booking_create,
)
from widen.learners.models import Learner
from widen.learners.permissions import learner_policy
from widen.organisations.models import DataCategory, Partnership

GROUP = 500
GROUP_PLACES = 300
BOOKINGS = 2_000
REPEATS = 5
_numbers = count(1)


def _event(world: object, officer: object, *, capacity: int | None) -> Event:
    starts = timezone.now() + timedelta(days=30)
    return event_create(
        actor=officer,
        partnership=Partnership.objects.get(name="Bench Uni Connect"),
        organiser=world.alpha,  # type: ignore[attr-defined]
        details=EventDetails(
            title=f"Bench open evening {next(_numbers)}",
            kind=EventKind.PARENTS_CARERS,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            venue="Great Hall",
            capacity=capacity,
        ),
    ).event


def _fill(event: Event, how_many: int) -> None:
    """`how_many` bookings made without an account, a tenth with access requirements."""
    now = timezone.now()
    rows = [
        Booking(
            event=event,
            organisation_id=event.organiser_id,
            name=f"Parent {number}",
            email=f"parent{number}@example.org",
            attendee_type=AttendeeType.PARENT_CARER,
            status=BookingStatus.BOOKED,
            requested_at=now + timedelta(microseconds=number),
            token_digest=link_token_new().digest,
            access_requirements="Step-free access" if number % 10 == 0 else "",
        )
        for number in range(how_many)
    ]
    Booking.objects.bulk_create(rows, batch_size=500)


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def run(bench: SectionRun) -> None:
    mail.outbox = []  # the e-mails sent go to this list, not anywhere
    rng = random.Random(SEED)
    with bench.stopwatch("seed partnership and people"):
        world = build_partnership()
    with bench.stopwatch(f"seed {bench.options.learners:,} learners (with audit rows)"):
        add_learners(world, rng, bench.options.learners)
    officer = world.users["officer"]
    client = world.clients["officer"]
    with request_context.bind(actor=officer, source="cli"):
        named = list(
            learner_policy.visible_to(officer, needing=DataCategory.IDENTITY).order_by(
                "last_name", "first_name", "id"
            )[:GROUP]
        )
        _group(bench, world, officer, named)
        page_event = _event(world, officer, capacity=None)
        _fill(page_event, BOOKINGS)
        url = f"/events/{page_event.pk}/bookings/"

        def bookings_page() -> object:
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            return response

        def bare_read() -> object:
            return list(Booking.objects.filter(event=page_event).order_by("requested_at"))

        logged_before = AccessLogEntry.objects.count()
        bookings_page()
        logged = AccessLogEntry.objects.count() - logged_before
        if logged != BOOKINGS // 10:
            bench.failures.append(
                f"the bookings page logged {logged} views of adjustments, not {BOOKINGS // 10}"
            )
        bench.compare(
            f"bookings page: {BOOKINGS:,} bookings, {BOOKINGS // 10:,} adjustments logged",
            bookings_page,
            baseline=bare_read,
            baseline_label=f"ORM read of the {BOOKINGS:,} bookings",
            repeats=REPEATS,
            details={"bookings": BOOKINGS, "access_log_rows_per_view": logged},
        )

        def public_booking() -> object:
            mail.outbox.clear()
            return booking_create(
                event=page_event,
                details=BookingDetails(
                    name="Pat Parent",
                    email="pat@example.org",
                    attendee_type=AttendeeType.PARENT_CARER,
                    access_requirements="A hearing loop",
                ),
            )

        def bare_booking() -> object:
            return unaudited(Booking).create(
                event=page_event,
                organisation_id=page_event.organiser_id,
                name="Pat Parent",
                email="pat@example.org",
                attendee_type=AttendeeType.PARENT_CARER,
                requested_at=timezone.now(),
                token_digest=link_token_new().digest,
            )

        bench.compare(
            f"public booking onto an event with {BOOKINGS:,} bookings",
            public_booking,
            baseline=bare_booking,
            baseline_label="insert of one booking row, unaudited",
            repeats=REPEATS * 4,
        )
    bench.count_rows(learners=Learner, bookings=Booking, access_log=AccessLogEntry)
    bench.unit = "learners"


def _group(bench: SectionRun, world: object, officer: object, named: list[Learner]) -> None:
    if len(named) < GROUP:
        bench.say(f"only {len(named):,} learners seen by name: the group is that size")
    size = len(named)

    def group() -> object:
        event = _event(world, officer, capacity=GROUP_PLACES)
        mail.outbox.clear()
        outcome = group_booking_create(
            actor=officer, event=event, learners=named, contact_email="trips@example.org"
        )
        if len(outcome.booked) != min(size, GROUP_PLACES):
            bench.failures.append(f"a group of {size} booked {len(outcome.booked)} places")
        return outcome

    def bare_insert() -> object:
        event = _event(world, officer, capacity=GROUP_PLACES)
        now = timezone.now()
        return unaudited(Booking).bulk_create(
            [
                Booking(
                    event=event,
                    organisation_id=event.organiser_id,
                    learner=learner,
                    name=f"{learner.first_name} {learner.last_name}",
                    email="trips@example.org",
                    attendee_type=AttendeeType.LEARNER,
                    requested_at=now,
                    token_digest=link_token_new().digest,
                )
                for learner in named
            ],
            batch_size=500,
        )

    bench.compare(
        f"group booking: {size:,} learners onto {GROUP_PLACES} places",
        group,
        baseline=bare_insert,
        baseline_label=f"bulk insert of {size:,} booking rows, unaudited",
        repeats=REPEATS,
        warmup=1,
        details={"learners": size, "places": GROUP_PLACES},
    )
