"""The demo's student partners' money, voice and conference: expense claims in every state and an
advance, the barriers register (one raised anonymously, one from a workshop) with mitigations,
and a staff conference with students co-presenting. Called by `widen.demo.partners`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from widen.accounts.models import User
from widen.events.models import Event, EventKind, PresenterRole
from widen.events.services import (
    EventDetails,
    event_create,
    presenter_add,
    strand_create,
    talk_create,
)
from widen.organisations.models import Organisation, Partnership
from widen.partners.models import (
    CLAIM_WORKFLOW,
    BarrierStatus,
    ExpenseCategory,
    ExpenseClaim,
    Partner,
    Role,
    Shift,
)
from widen.partners.services.barriers import (
    barrier_raise,
    barrier_record,
    barrier_update,
    mitigation_add,
)
from widen.partners.services.claims import (
    advance_request,
    claim_create,
    claim_line_add,
    claim_query,
    claim_submit,
)
from widen.partners.services.co_presenting import co_presenter_add

STAFF_CONFERENCE = "Students as partners: a staff conference on paid student work"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """`hour`:`minute` on `day`, in Widen's time zone."""
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _approved_without_ledger(
    claim: ExpenseClaim, coordinator: User, *, paid_on: date | None = None
) -> None:
    """Approve (and pay) a demo claim through its workflow but without a ledger entry: the
    payments ledger is append-only (its database refuses deletes), so an entry made here would
    keep the demo's university and student from ever being deleted, and `--reset` from
    working. The claim shows as approved (or paid) everywhere; no payment run holds it."""
    CLAIM_WORKFLOW.apply(
        claim,
        "approve",
        actor=coordinator,
        changes={"approved_at": timezone.now(), "approved_by": coordinator},
    )
    if paid_on is not None:
        CLAIM_WORKFLOW.apply(claim, "mark_paid", actor=coordinator, changes={"paid_on": paid_on})


def demo_claims_create(
    *,
    lead: User,
    people: tuple[tuple[User, Partner], ...],
    past: list[Shift],
    next_tour: Shift,
    today: date,
) -> None:
    """Claims in every state (draft, submitted, queried, approved, paid) and an advance."""
    (amina, amina_partner), (priya, priya_partner), (zara, zara_partner) = people

    def claim(user: User, partner: Partner, shift: Shift, fare: str, *, submit: bool = True) -> Any:
        made = claim_create(
            actor=user, partner=partner, purpose=f"Bus fares: {shift.title}", shift=shift
        )
        claim_line_add(
            actor=user,
            claim=made,
            category=ExpenseCategory.PUBLIC_TRANSPORT,
            spent_on=timezone.localtime(shift.starts_at).date(),
            description="Bus there and back",
            amount=fare,
        )
        return claim_submit(actor=user, claim=made) if submit else made

    paid = claim(amina, amina_partner, past[0], "3.50")
    _approved_without_ledger(paid, lead, paid_on=min(today, paid.spent_on + timedelta(days=4)))
    _approved_without_ledger(claim(priya, priya_partner, past[0], "3.50"), lead)
    queried = claim(amina, amina_partner, past[2], "3.50", submit=False)
    claim_line_add(
        actor=amina,
        claim=queried,
        category=ExpenseCategory.SUBSISTENCE,
        spent_on=timezone.localtime(past[2].starts_at).date(),
        description="Lunch",
        amount="6.20",
    )
    claim_query(
        actor=lead,
        claim=claim_submit(actor=amina, claim=queried),
        note="Lunch was provided at the tour: was this another day?",
    )
    claim(priya, priya_partner, past[2], "3.50")
    claim(zara, zara_partner, past[1], "4.90", submit=False)
    advance_request(
        actor=priya,
        partner=priya_partner,
        purpose="Travel to next week's campus tour",
        amount="7.00",
        needed_on=timezone.localtime(next_tour.starts_at).date(),
        shift=next_tour,
    )


def demo_barriers_create(
    *, lead: User, provider: Organisation, amina: User, amina_partner: Partner
) -> None:
    """Two barriers with mitigations: one raised anonymously, one from a workshop."""
    raised = barrier_raise(
        actor=amina,
        partner=amina_partner,
        title="Shifts are posted too late to arrange care",
        description="By the time a shift is posted I have usually arranged the week's care.",
        anonymous=True,
    )
    barrier_update(
        actor=lead,
        barrier=raised,
        status=BarrierStatus.ACTING,
        owner=lead,
        response="Shifts will be posted at least two weeks ahead from next term.",
    )
    mitigation_add(
        actor=lead,
        barrier=raised,
        description="Post every shift at least two weeks before it starts.",
        owner=lead,
        status=BarrierStatus.ACTING,
        due_on=timezone.localdate() + timedelta(days=30),
    )
    workshop = barrier_record(
        actor=lead,
        organisation=provider,
        title="Paying for travel up front",
        description="At the partners' workshop several said they cannot pay fares and wait.",
    )
    barrier_update(
        actor=lead,
        barrier=workshop,
        status=BarrierStatus.DONE,
        owner=lead,
        response="Advances are paid before any shift or event, and events cover lunch.",
    )
    mitigation_add(
        actor=lead,
        barrier=workshop,
        description="Offer an advance for travel before every shift.",
        owner=lead,
        status=BarrierStatus.DONE,
        done_on=timezone.localdate() - timedelta(days=7),
    )


def demo_staff_conference_create(
    *,
    lead: User,
    provider: Organisation,
    partnership: Partnership,
    co_presenter: Role,
    presenters: tuple[Partner, Partner],
    monday: date,
) -> Event:
    """A staff conference in three weeks' time (a Wednesday), two strands, a student
    co-presenting a talk in each (paid for preparing and presenting, costs covered)."""
    day = monday + timedelta(days=23)
    conference = event_create(
        actor=lead,
        partnership=partnership,
        organiser=provider,
        details=EventDetails(
            title=STAFF_CONFERENCE,
            kind=EventKind.CONFERENCE,
            starts_at=at(day, 9, 30),
            ends_at=at(day, 16),
            description="Staff and student partners on paying students fairly for their work.",
            venue="Mile End campus, Arts Two",
            audiences=["staff", "practitioners"],
            capacity=90,
        ),
    ).event
    fair = strand_create(actor=lead, event=conference, title="Fair pay and flexible work")
    voice = strand_create(actor=lead, event=conference, title="Students shaping outreach")
    for strand, title, hour, staff, partner in (
        (fair, "Work that fits around caring", 11, "Dr Priya Shah", presenters[0]),
        (voice, "Designing a programme with students", 14, "Helen Marsh", presenters[1]),
    ):
        talk = talk_create(
            actor=lead,
            event=conference,
            strand=strand,
            title=title,
            starts_at=at(day, hour),
            ends_at=at(day, hour, 45),
            room="Arts Two, Room 2.17" if strand == fair else "Arts Two lecture theatre",
        )
        presenter_add(
            actor=lead, talk=talk, name=staff, role=PresenterRole.STAFF, job_title="Staff"
        )
        co_presenter_add(
            actor=lead,
            talk=talk,
            partner=partner,
            role=co_presenter,
            preparation_starts_at=at(day - timedelta(days=1), 11),
            preparation_minutes=90,
        )
    return conference
