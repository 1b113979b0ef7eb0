"""The demo's student partners at its first university: roles coordinated by the outreach
officer, students who applied (offered, one waiting for a decision, one not offered), each
partner's flexibility plan and onboarding checks, a term's shifts (worked, booked, offered, one
dropped and offered again), a pay period's timesheets, expense claims in every state and an
advance, the barriers register, and a staff conference with students co-presenting.

Everything a student does is done by the student (signed in: the demo makes the account their
first sign-in would), everything a coordinator does by the coordinator, through the same
services as the pages. Rows are written directly only where no service does what the demo
needs: a booking on a shift already past (the services book future shifts only), and a claim
approved and paid without a ledger entry (see `_approved_without_ledger`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.test.utils import override_settings
from django.utils import timezone

from widen.accounts.models import User
from widen.accounts.sign_in_links import link_account_create
from widen.core import request_context
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
    Application,
    AssignmentSource,
    Barrier,
    BarrierStatus,
    CheckKind,
    ExpenseCategory,
    ExpenseClaim,
    Partner,
    PayPeriod,
    Role,
    RoleKind,
    Shift,
    ShiftAssignment,
    Timesheet,
    WorkMode,
)
from widen.partners.services.applications import (
    application_decline,
    application_offer,
    application_start,
    application_submit,
)
from widen.partners.services.barriers import (
    barrier_raise,
    barrier_record,
    barrier_update,
    mitigation_add,
)
from widen.partners.services.checks import check_record
from widen.partners.services.claims import (
    advance_request,
    claim_create,
    claim_line_add,
    claim_query,
    claim_submit,
)
from widen.partners.services.co_presenting import co_presenter_add
from widen.partners.services.plans import Window, plan_change_add, plan_update
from widen.partners.services.roles import role_create
from widen.partners.services.shift_swaps import shift_drop
from widen.partners.services.shifts import shift_claim, shift_create, shift_record_worked
from widen.partners.services.timesheets import (
    pay_period_create,
    timesheet_approve,
    timesheet_confirm,
    timesheets_draft,
)
from widen.students.models import Student

STAFF_CONFERENCE = "Students as partners: a staff conference on paid student work"
# The demo student partners' own words, and who signs in as them.
PARTNER_NAMES = ("Amina Rahman", "Priya Nair", "Zara Ali")


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def _student(provider: Organisation, first: str, last: str) -> Student:
    return Student.objects.get(organisation=provider, first_name=first, last_name=last)


def _signed_in(student: Student) -> User:
    """The account the student's first sign-in by link makes, linked to their record."""
    user = link_account_create(
        email=student.email, first_name=student.first_name, last_name=student.last_name
    )
    with request_context.bind(actor=user):
        student.user = user
        student.save(update_fields=["user", "updated_at"])
    return user


def _apply(user: User, role: Role, why: str, patterns: str, adjustments: str = "") -> Application:
    application = application_start(
        actor=user,
        role=role,
        why_this_role=why,
        what_you_bring="What I learnt getting here myself, and time with younger students.",
        adjustments=adjustments,
        working_patterns=patterns,
    )
    return application_submit(actor=user, application=application)


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


def _worked(shift: Shift, partners: Iterable[Partner], coordinator: User) -> None:
    """Partners booked on a shift already past (no service books one), recorded as worked."""
    for partner in partners:
        with request_context.bind(actor=coordinator):
            assignment = ShiftAssignment.objects.create(
                shift=shift,
                partner=partner,
                source=AssignmentSource.ALLOCATED,
                recorded_by=coordinator,
            )
        shift_record_worked(actor=coordinator, assignment=assignment)


def demo_partners_create(
    *, provider: Organisation, coordinator: User, partnership: Partnership
) -> None:
    """The student partners of `provider` (the demo's first university), coordinated by
    `coordinator` (who holds `partners.coordinate` there)."""
    # The demo's people are invented: the messages the services send them go nowhere.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        _create(provider=provider, coordinator=coordinator, partnership=partnership)


def _create(*, provider: Organisation, coordinator: User, partnership: Partnership) -> None:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    lead = coordinator

    def role(kind: str, title: str, work: str, rate: str, training: bool = True) -> Role:
        return role_create(
            actor=lead,
            organisation=provider,
            kind=kind,
            title=title,
            work_involved=work,
            hourly_rate_pounds=Decimal(rate),
            coordinator=lead,
            decision_working_days=10,
            needs_training=training,
        )

    ambassador = role(
        RoleKind.AMBASSADOR,
        "Student ambassador",
        "Showing visiting school groups round campus and talking about student life.",
        "13.50",
    )
    student_partner = role(
        RoleKind.STUDENT_PARTNER,
        "Student partner: outreach design",
        "Helping staff design outreach with students' experience in it, online or on campus.",
        "14.00",
    )
    co_presenter = role(
        RoleKind.CO_PRESENTER,
        "Student co-presenter",
        "Preparing and presenting a talk with a member of staff at a conference.",
        "15.00",
        training=False,
    )

    amina_record = _student(provider, "Amina", "Rahman")
    priya_record = _student(provider, "Priya", "Nair")
    zara_record = _student(provider, "Zara", "Ali")
    amina, priya, zara = (_signed_in(s) for s in (amina_record, priya_record, zara_record))
    callum = _signed_in(_student(provider, "Callum", "Hughes"))
    josh = _signed_in(_student(provider, "Josh", "Bennett"))

    # Applications: offered, one waiting for a decision, one not offered.
    afternoons = "Afternoons, and never Monday mornings: I care for my mum."
    offers = [
        (amina, ambassador, afternoons),
        (amina, co_presenter, afternoons),
        (priya, ambassador, "Weekdays around lectures, up to 15 hours a week."),
        (zara, student_partner, "Tuesday to Friday, online where possible."),
        (zara, co_presenter, "Tuesday to Friday."),
    ]
    partners: dict[Any, Partner] = {}
    for user, role_applied, patterns in offers:
        application = _apply(user, role_applied, "To help others get where I am.", patterns)
        partners[user.pk] = application_offer(
            actor=lead, application=application, note="Welcome: your training is booked."
        )
    _apply(callum, ambassador, "I want to give something back.", "Evenings only for now.")
    declined = _apply(josh, student_partner, "Something for my CV.", "Any time.")
    application_decline(
        actor=lead,
        application=declined,
        note="This role is for students in their first or second year: the ambassador role is "
        "open to you.",
    )
    amina_partner, priya_partner, zara_partner = (partners[u.pk] for u in (amina, priya, zara))

    # Their plans: Amina never on Monday mornings, Priya a Student visa holder, Zara with a
    # one-off change.
    plan_update(
        actor=amina,
        partner=amina_partner,
        windows=[
            Window(0, time(13), time(17)),
            *(Window(day, time(10), time(16)) for day in (1, 2, 3)),
        ],
        max_weekly_hours=Decimal(10),
        modes=[WorkMode.ON_SITE, WorkMode.ONLINE],
        what_helps="No early starts on Mondays; shifts posted two weeks ahead.",
        reasons="I take my mum to her hospital appointments on Monday mornings.",
        share_reasons=False,
    )
    plan_update(
        actor=priya,
        partner=priya_partner,
        windows=[Window(day, time(9), time(17)) for day in range(5)],
        max_weekly_hours=Decimal(15),
        modes=[WorkMode.ON_SITE, WorkMode.ONLINE, WorkMode.HYBRID],
        what_helps="Shifts on the Mile End campus, near my lectures.",
        reasons="",
        share_reasons=False,
    )
    plan_update(
        actor=zara,
        partner=zara_partner,
        windows=[Window(day, time(10), time(18)) for day in (1, 2, 3, 4)],
        max_weekly_hours=Decimal(12),
        modes=[WorkMode.ON_SITE, WorkMode.ONLINE, WorkMode.HYBRID],
        what_helps="Online where I can: my placement is across London.",
        reasons="My apprenticeship placement is in Croydon on Mondays.",
        share_reasons=True,
    )
    plan_change_add(actor=zara, partner=zara_partner, on=monday + timedelta(days=16))

    # Onboarding checks, done before their first shifts; Priya's DBS check runs out soon.
    begun = today - timedelta(days=60)
    for partner in (amina_partner, priya_partner, zara_partner):
        check_record(actor=lead, partner=partner, kind=CheckKind.RIGHT_TO_WORK, completed_on=begun)
        check_record(
            actor=lead,
            partner=partner,
            kind=CheckKind.TRAINING,
            completed_on=begun,
            expires_on=begun + timedelta(days=365),
        )
    for partner, expires_on in (
        (amina_partner, begun + timedelta(days=3 * 365)),
        (priya_partner, today + timedelta(days=10)),
    ):
        check_record(
            actor=lead,
            partner=partner,
            kind=CheckKind.DBS,
            completed_on=begun - timedelta(days=2 * 365),
            expires_on=expires_on,
            note="Enhanced DBS, update service",
        )

    def shift(role_of: Role, title: str, day: date, hours: tuple[int, int], **fields: Any) -> Shift:
        return shift_create(
            actor=lead,
            role=role_of,
            title=title,
            starts_at=_at(day, hours[0]),
            ends_at=_at(day, hours[1]),
            **fields,
        )

    tour: dict[str, Any] = {
        "place": "Mile End campus, Queens' Building",
        "places": 2,
        "with_under_18s": True,
    }
    # The last three weeks: worked.
    past = [
        shift(ambassador, "Campus tour for Year 12", monday - timedelta(days=20), (10, 13), **tour),
        shift(
            student_partner,
            "Student voice panel: planning the spring programme",
            monday - timedelta(days=11),
            (13, 15),
            mode=WorkMode.ONLINE,
        ),
        shift(ambassador, "Campus tour for Year 12", monday - timedelta(days=6), (10, 13), **tour),
    ]
    _worked(past[0], (amina_partner, priya_partner), lead)
    _worked(past[1], (zara_partner,), lead)
    _worked(past[2], (amina_partner, priya_partner), lead)

    # The weeks to come: offered to the partners whose plans fit, some claimed, one dropped.
    next_tour = shift(
        ambassador, "Campus tour for Year 12", monday + timedelta(days=8), (10, 13), **tour
    )
    parents = shift(
        ambassador,
        "Open afternoon: talking to parents and carers",
        monday + timedelta(days=9),
        (13, 16),
        place="Mile End campus, Great Hall",
        places=2,
    )
    panel = shift(
        student_partner,
        "Student voice panel: what the spring programme needs",
        monday + timedelta(days=17),
        (10, 12),
        mode=WorkMode.ONLINE,
    )
    shift(ambassador, "Campus tour for Year 10", monday + timedelta(days=15), (10, 13), **tour)
    shift_claim(actor=amina, shift=next_tour)
    shift_claim(actor=priya, shift=next_tour)
    shift_claim(actor=zara, shift=panel)
    shift_drop(actor=amina, assignment=shift_claim(actor=amina, shift=parents))

    # The pay period of the weeks worked: drafted, then confirmed and approved, or waiting.
    period = pay_period_create(
        actor=lead,
        organisation=provider,
        starts_on=monday - timedelta(days=28),
        ends_on=monday - timedelta(days=1),
        pay_date=monday + timedelta(days=4),
    )
    timesheets_draft(actor=lead, pay_period=period)
    sheets = {t.partner_id: t for t in Timesheet.objects.filter(pay_period=period)}
    timesheet_approve(
        actor=lead, timesheet=timesheet_confirm(actor=amina, timesheet=sheets[amina_partner.pk])
    )
    timesheet_confirm(actor=priya, timesheet=sheets[priya_partner.pk], note="All correct.")

    _claims(
        lead=lead,
        people=((amina, amina_partner), (priya, priya_partner), (zara, zara_partner)),
        past=past,
        next_tour=next_tour,
        today=today,
    )
    _barriers(lead=lead, provider=provider, amina=amina, amina_partner=amina_partner)
    _staff_conference(
        lead=lead,
        provider=provider,
        partnership=partnership,
        co_presenter=co_presenter,
        presenters=(amina_partner, zara_partner),
        monday=monday,
    )


def _claims(
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


def _barriers(*, lead: User, provider: Organisation, amina: User, amina_partner: Partner) -> None:
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


def _staff_conference(
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
            starts_at=_at(day, 9, 30),
            ends_at=_at(day, 16),
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
            starts_at=_at(day, hour),
            ends_at=_at(day, hour, 45),
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
            preparation_starts_at=_at(day - timedelta(days=1), 11),
            preparation_minutes=90,
        )
    return conference


def demo_partners_delete(*, organisation_ids: Iterable[Any]) -> None:
    """Everything of the demo's partners, children before the rows they protect; then the
    accounts their students signed in with (call before the students are deleted)."""
    ids = list(organisation_ids)
    claims = ExpenseClaim.objects.filter(organisation_id__in=ids)
    claims.filter(advance__isnull=False).delete()
    claims.delete()
    Timesheet.objects.filter(pay_period__organisation_id__in=ids).delete()
    PayPeriod.objects.filter(organisation_id__in=ids).delete()
    ShiftAssignment.objects.filter(shift__organisation_id__in=ids).delete()
    Shift.objects.filter(organisation_id__in=ids).delete()
    Barrier.objects.filter(organisation_id__in=ids).delete()
    Partner.objects.filter(organisation_id__in=ids).delete()
    Application.objects.filter(role__organisation_id__in=ids).delete()
    Role.objects.filter(organisation_id__in=ids).delete()
    accounts = list(
        Student.objects.filter(organisation_id__in=ids, user__isnull=False).values_list(
            "user_id", flat=True
        )
    )
    User.objects.filter(pk__in=accounts).delete()


def demo_partner_sign_ins(provider_name: str) -> list[tuple[str, str]]:
    """The demo's student partners at `provider_name`: each one's name and the address a
    sign-in link goes to."""
    return [
        (f"{partner.student.first_name} {partner.student.last_name}", partner.student.email)
        for partner in Partner.objects.filter(organisation__name=provider_name)
        .select_related("student")
        .order_by("student__first_name")
    ]
