"""The demo's student partners at two of its universities, each scheme coordinated by its own
staff (a coordinator of one sees nothing of the other's).

At the first, roles coordinated by the outreach officer, students who applied (offered, one
waiting for a decision, one not offered), each partner's flexibility plan and onboarding checks,
a term's shifts (worked, booked, offered, one dropped and offered again), a pay period's
timesheets, expense claims in every state and an advance, the barriers register, and a staff
conference with students co-presenting. At the second, a smaller scheme coordinated by its
organisation admin: two roles, four partners (one caring for her dad, never on Monday mornings;
one on a Student visa), their checks, shifts worked and to come, a pay period's timesheets and
expense claims. Both are built by the same steps (`_Scheme`), with each university's own words.

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


class _Scheme:
    """One university's partner scheme as the demo builds it: the steps its coordinator and
    students take, the same at every university, with each university's own words."""

    def __init__(self, *, provider: Organisation, coordinator: User) -> None:
        self.provider = provider
        self.lead = coordinator
        self.today = timezone.localdate()
        self.monday = self.today - timedelta(days=self.today.weekday())

    def role(self, kind: str, title: str, work: str, rate: str, training: bool = True) -> Role:
        return role_create(
            actor=self.lead,
            organisation=self.provider,
            kind=kind,
            title=title,
            work_involved=work,
            hourly_rate_pounds=Decimal(rate),
            coordinator=self.lead,
            decision_working_days=10,
            needs_training=training,
        )

    def students(self, *names: str) -> list[User]:
        """The accounts of the students called `names` ("First Last"), as they first sign in."""
        return [_signed_in(_student(self.provider, *name.split(" ", 1))) for name in names]

    def offer(self, offers: Iterable[tuple[User, Role, str]]) -> dict[Any, Partner]:
        """Each student's application to a role (with their working patterns), offered: their
        partner records by account."""
        partners: dict[Any, Partner] = {}
        for user, role_applied, patterns in offers:
            application = _apply(user, role_applied, "To help others get where I am.", patterns)
            partners[user.pk] = application_offer(
                actor=self.lead, application=application, note="Welcome: your training is booked."
            )
        return partners

    @staticmethod
    def plan_without_monday_mornings(
        user: User, partner: Partner, *, what_helps: str, reasons: str
    ) -> None:
        """A carer's plan: Monday afternoons and Tuesday to Thursday, never Monday mornings."""
        plan_update(
            actor=user,
            partner=partner,
            windows=[
                Window(0, time(13), time(17)),
                *(Window(day, time(10), time(16)) for day in (1, 2, 3)),
            ],
            max_weekly_hours=Decimal(10),
            modes=[WorkMode.ON_SITE, WorkMode.ONLINE],
            what_helps=what_helps,
            reasons=reasons,
            share_reasons=False,
        )

    @staticmethod
    def plan_on_a_student_visa(user: User, partner: Partner, *, what_helps: str) -> None:
        """A Student visa holder's plan: weekdays, at most 15 hours (the visa's 20 in term time
        is kept by Widen whatever the plan says)."""
        plan_update(
            actor=user,
            partner=partner,
            windows=[Window(day, time(9), time(17)) for day in range(5)],
            max_weekly_hours=Decimal(15),
            modes=[WorkMode.ON_SITE, WorkMode.ONLINE, WorkMode.HYBRID],
            what_helps=what_helps,
            reasons="",
            share_reasons=False,
        )

    def checks(self, partners: Iterable[Partner], dbs: Iterable[tuple[Partner, date]]) -> None:
        """Onboarding checks done before the first shifts: right to work and training for each
        of `partners`, and an enhanced DBS check (running out on the day given) for some."""
        begun = self.today - timedelta(days=60)
        for partner in partners:
            check_record(
                actor=self.lead, partner=partner, kind=CheckKind.RIGHT_TO_WORK, completed_on=begun
            )
            check_record(
                actor=self.lead,
                partner=partner,
                kind=CheckKind.TRAINING,
                completed_on=begun,
                expires_on=begun + timedelta(days=365),
            )
        for partner, expires_on in dbs:
            check_record(
                actor=self.lead,
                partner=partner,
                kind=CheckKind.DBS,
                completed_on=begun - timedelta(days=2 * 365),
                expires_on=expires_on,
                note="Enhanced DBS, update service",
            )

    def shift(
        self, role_of: Role, title: str, days: int, hours: tuple[int, int], **fields: Any
    ) -> Shift:
        """A shift `days` after this week's Monday (before it, when negative)."""
        day = self.monday + timedelta(days=days)
        return shift_create(
            actor=self.lead,
            role=role_of,
            title=title,
            starts_at=at(day, hours[0]),
            ends_at=at(day, hours[1]),
            **fields,
        )

    def worked(self, shift: Shift, *partners: Partner) -> None:
        _worked(shift, partners, self.lead)

    def pay_period(
        self, *, approved: tuple[User, Partner], confirmed: tuple[User, Partner]
    ) -> None:
        """The pay period of the last four weeks, drafted: one partner's timesheet confirmed and
        approved, another's confirmed and waiting, any others still with their partners."""
        period = pay_period_create(
            actor=self.lead,
            organisation=self.provider,
            starts_on=self.monday - timedelta(days=28),
            ends_on=self.monday - timedelta(days=1),
            pay_date=self.monday + timedelta(days=4),
        )
        timesheets_draft(actor=self.lead, pay_period=period)
        sheets = {t.partner_id: t for t in Timesheet.objects.filter(pay_period=period)}
        (approver, approved_partner), (confirmer, confirmed_partner) = approved, confirmed
        timesheet_approve(
            actor=self.lead,
            timesheet=timesheet_confirm(actor=approver, timesheet=sheets[approved_partner.pk]),
        )
        timesheet_confirm(
            actor=confirmer, timesheet=sheets[confirmed_partner.pk], note="All correct."
        )


def demo_partners_create(
    *, provider: Organisation, coordinator: User, partnership: Partnership
) -> None:
    """The student partners of `provider` (the demo's first university), coordinated by
    `coordinator` (who holds `partners.coordinate` there)."""
    # The demo's people are invented: a message sent at once goes nowhere (those queued for
    # Widen's worker are sent as any are: in development, printed where Widen runs).
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        _create(_Scheme(provider=provider, coordinator=coordinator), partnership=partnership)


def demo_second_partners_create(*, provider: Organisation, coordinator: User) -> None:
    """The student partners of `provider` (the demo's second university), a smaller scheme
    coordinated by `coordinator` alone: what a coordinator of one university sees is theirs."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        _create_second(_Scheme(provider=provider, coordinator=coordinator))


def _create(scheme: _Scheme, *, partnership: Partnership) -> None:
    lead, provider, today, monday = scheme.lead, scheme.provider, scheme.today, scheme.monday
    ambassador = scheme.role(
        RoleKind.AMBASSADOR,
        "Student ambassador",
        "Showing visiting school groups round campus and talking about student life.",
        "13.50",
    )
    student_partner = scheme.role(
        RoleKind.STUDENT_PARTNER,
        "Student partner: outreach design",
        "Helping staff design outreach with students' experience in it, online or on campus.",
        "14.00",
    )
    co_presenter = scheme.role(
        RoleKind.CO_PRESENTER,
        "Student co-presenter",
        "Preparing and presenting a talk with a member of staff at a conference.",
        "15.00",
        training=False,
    )
    amina, priya, zara, callum, josh = scheme.students(
        "Amina Rahman", "Priya Nair", "Zara Ali", "Callum Hughes", "Josh Bennett"
    )

    # Applications: offered, one waiting for a decision, one not offered.
    afternoons = "Afternoons, and never Monday mornings: I care for my mum."
    partners = scheme.offer(
        [
            (amina, ambassador, afternoons),
            (amina, co_presenter, afternoons),
            (priya, ambassador, "Weekdays around lectures, up to 15 hours a week."),
            (zara, student_partner, "Tuesday to Friday, online where possible."),
            (zara, co_presenter, "Tuesday to Friday."),
        ]
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
    scheme.plan_without_monday_mornings(
        amina,
        amina_partner,
        what_helps="No early starts on Mondays; shifts posted two weeks ahead.",
        reasons="I take my mum to her hospital appointments on Monday mornings.",
    )
    scheme.plan_on_a_student_visa(
        priya, priya_partner, what_helps="Shifts on the Mile End campus, near my lectures."
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
    scheme.checks(
        (amina_partner, priya_partner, zara_partner),
        dbs=(
            (amina_partner, today + timedelta(days=3 * 365 - 60)),
            (priya_partner, today + timedelta(days=10)),
        ),
    )

    tour: dict[str, Any] = {
        "place": "Mile End campus, Queens' Building",
        "places": 2,
        "with_under_18s": True,
    }
    # The last three weeks: worked.
    past = [
        scheme.shift(ambassador, "Campus tour for Year 12", -20, (10, 13), **tour),
        scheme.shift(
            student_partner,
            "Student voice panel: planning the spring programme",
            -11,
            (13, 15),
            mode=WorkMode.ONLINE,
        ),
        scheme.shift(ambassador, "Campus tour for Year 12", -6, (10, 13), **tour),
    ]
    scheme.worked(past[0], amina_partner, priya_partner)
    scheme.worked(past[1], zara_partner)
    scheme.worked(past[2], amina_partner, priya_partner)

    # The weeks to come: offered to the partners whose plans fit, some claimed, one dropped.
    next_tour = scheme.shift(ambassador, "Campus tour for Year 12", 8, (10, 13), **tour)
    parents = scheme.shift(
        ambassador,
        "Open afternoon: talking to parents and carers",
        9,
        (13, 16),
        place="Mile End campus, Great Hall",
        places=2,
    )
    panel = scheme.shift(
        student_partner,
        "Student voice panel: what the spring programme needs",
        17,
        (10, 12),
        mode=WorkMode.ONLINE,
    )
    scheme.shift(ambassador, "Campus tour for Year 10", 15, (10, 13), **tour)
    shift_claim(actor=amina, shift=next_tour)
    shift_claim(actor=priya, shift=next_tour)
    shift_claim(actor=zara, shift=panel)
    shift_drop(actor=amina, assignment=shift_claim(actor=amina, shift=parents))

    # The pay period of the weeks worked: drafted, then confirmed and approved, or waiting.
    scheme.pay_period(approved=(amina, amina_partner), confirmed=(priya, priya_partner))
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


def _create_second(scheme: _Scheme) -> None:
    """Two roles and four partners at the Docklands campus: one caring for her dad (no Monday
    mornings), one on a Student visa, their checks, shifts worked and to come, a pay period's
    timesheets and claims."""
    ambassador = scheme.role(
        RoleKind.AMBASSADOR,
        "Docklands student ambassador",
        "Welcoming school groups to the Docklands campus and answering their questions.",
        "13.25",
    )
    homework_club = scheme.role(
        RoleKind.STUDENT_PARTNER,
        "Student partner: homework club",
        "Running an after-school homework club with a Newham school, on site or online.",
        "13.75",
    )
    amina, priya, zara, tom = scheme.students(
        "Amina Rahman", "Priya Nair", "Zara Ali", "Tom Okafor"
    )
    partners = scheme.offer(
        [
            (amina, ambassador, "Never Monday mornings: I look after my dad."),
            (priya, ambassador, "Weekdays between lectures."),
            (zara, homework_club, "After school, Tuesday to Thursday."),
            (tom, homework_club, "After school, any weekday."),
        ]
    )
    amina_partner, priya_partner, zara_partner, tom_partner = (
        partners[user.pk] for user in (amina, priya, zara, tom)
    )
    scheme.plan_without_monday_mornings(
        amina,
        amina_partner,
        what_helps="Nothing before Monday lunchtime; a week's notice of any change.",
        reasons="I get my dad up and to his day centre on Monday mornings.",
    )
    scheme.plan_on_a_student_visa(
        priya, priya_partner, what_helps="Shifts at Docklands: my lectures are there."
    )
    for user, partner in ((zara, zara_partner), (tom, tom_partner)):
        plan_update(
            actor=user,
            partner=partner,
            windows=[Window(day, time(12), time(18)) for day in (1, 2, 3)],
            max_weekly_hours=Decimal(8),
            modes=[WorkMode.ON_SITE, WorkMode.ONLINE],
            what_helps="Afternoons, so I can get to the school after lectures.",
            reasons="",
            share_reasons=False,
        )
    scheme.checks(
        (amina_partner, priya_partner, zara_partner, tom_partner),
        dbs=((zara_partner, scheme.today + timedelta(days=2 * 365)),),
    )

    tour: dict[str, Any] = {"place": "Docklands campus, library foyer", "places": 2}
    club: dict[str, Any] = {"place": "Royal Docks Academy, library", "with_under_18s": True}
    past = [
        scheme.shift(ambassador, "Docklands campus visit for Year 11", -13, (13, 15), **tour),
        scheme.shift(homework_club, "Homework club", -12, (15, 17), **club),
        scheme.shift(ambassador, "Docklands campus visit for Year 11", -5, (13, 15), **tour),
    ]
    scheme.worked(past[0], amina_partner, priya_partner)
    scheme.worked(past[1], zara_partner)
    scheme.worked(past[2], amina_partner, priya_partner)
    next_visit = scheme.shift(ambassador, "Docklands campus visit for Year 10", 7, (13, 15), **tour)
    scheme.shift(homework_club, "Homework club", 9, (15, 17), **club)
    shift_claim(actor=priya, shift=next_visit)

    scheme.pay_period(approved=(priya, priya_partner), confirmed=(amina, amina_partner))
    demo_claims_create(
        lead=scheme.lead,
        people=((amina, amina_partner), (priya, priya_partner), (zara, zara_partner)),
        past=past,
        next_tour=next_visit,
        today=scheme.today,
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
