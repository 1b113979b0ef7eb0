"""The demo's student partners at its first university: roles coordinated by the outreach
officer, students who applied (offered, one waiting for a decision, one not offered), each
partner's flexibility plan and onboarding checks, a term's shifts (worked, booked, offered, one
dropped and offered again), a pay period's timesheets, expense claims in every state and an
advance, the barriers register, and a staff conference with students co-presenting.

Everything a student does is done by the student (signed in: the demo makes the account their
first sign-in would), everything a coordinator does by the coordinator, through the same
services as the pages. Rows are written directly only where no service does what the demo
needs: a booking on a shift already past (the services book future shifts only), and a claim
approved and paid without a ledger entry (see `widen.demo.partner_work`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any

from django.test.utils import override_settings
from django.utils import timezone

from widen.accounts.models import User
from widen.accounts.sign_in_links import link_account_create
from widen.core import request_context
from widen.demo.partner_work import (
    at,
    demo_barriers_create,
    demo_claims_create,
    demo_staff_conference_create,
)
from widen.organisations.models import Organisation, Partnership
from widen.partners.models import (
    Application,
    AssignmentSource,
    Barrier,
    CheckKind,
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
from widen.partners.services.checks import check_record
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
    # The demo's people are invented: a message sent at once goes nowhere (those queued for
    # Widen's worker are sent as any are: in development, printed where Widen runs).
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
            starts_at=at(day, hours[0]),
            ends_at=at(day, hours[1]),
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

    demo_claims_create(
        lead=lead,
        people=((amina, amina_partner), (priya, priya_partner), (zara, zara_partner)),
        past=past,
        next_tour=next_tour,
        today=today,
    )
    demo_barriers_create(lead=lead, provider=provider, amina=amina, amina_partner=amina_partner)
    demo_staff_conference_create(
        lead=lead,
        provider=provider,
        partnership=partnership,
        co_presenter=co_presenter,
        presenters=(amina_partner, zara_partner),
        monday=monday,
    )


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
