"""The demo's student support at its lead university: two support schemes, their members, two
award schemes with awards and instalments in every state, and the support records of its
care-experienced and estranged students.

The student support adviser (`support.adviser`, Nadia Okafor) sets up a scheme for
care-experienced and estranged students (special category data: a statutory purpose and its
condition) and the outreach officer (`outreach.officer`) one for students first in their family
or on the lowest incomes; each works out who is eligible and invites them. Students answer
(most join, one says no thanks), and one the records miss asks to join with evidence and is
accepted. Nadia sets up "£1,000 a year for care-experienced and estranged students" and an
income bursary by band for the first-in-family scheme, and offers them: most students accept,
one declines, and one award is stopped (its instalments cancelled). On the care award's first
day the night's run (`widen support instalments-due`) puts Leah's first instalment in the
payments ledger and holds Callum's (he had interrupted); finance (`partnership.admin`) pays
Leah's in a payment run; Sofia accepts later, so the next night's run makes hers due, waiting
for the next payment run. Nadia keeps the support records of the care-experienced and
estranged members (`widen.demo.support_records`) and works on a few cases
(`widen.demo.support_cases`); the schemes offer a members-only workshop and the careers
service's internships (`widen.demo.support_benefits`). The ledger is append-only, so deleting
the demo (`--reset`) takes its entries out through `widen.payments.demo_ledger`, the one way
entries ever go.

Every step is done by the person who does it, through the same services as the pages: students
signed in (the demo makes the account their first sign-in by link would). The students the demo
adds have QMUL-area postcodes its learners already have.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.utils import timezone

from widen.accounts.models import User
from widen.accounts.sign_in_links import link_account_create
from widen.core import request_context
from widen.core.academic_years import AcademicYear
from widen.demo.students import DEMO, SOURCE, student_email
from widen.demo.support_benefits import demo_benefits_create
from widen.demo.support_cases import demo_cases_create
from widen.demo.support_records import demo_support_records_create
from widen.learners.models import Learner
from widen.organisations.models import Organisation, Partnership, SpecialCategoryCondition
from widen.payments.demo_ledger import demo_ledger_delete
from widen.payments.models import Payee
from widen.payments.services import (
    payee_bank_details_set,
    payment_run_create,
    payment_run_export,
    payment_run_mark_paid,
)
from widen.students.models import IncomeBand, Student, StudentStatus
from widen.students.services import student_create
from widen.support.instalments import instalments_fall_due
from widen.support.models import (
    Appointment,
    Award,
    AwardScheme,
    Case,
    MembershipStatus,
    Scheme,
    SchemeMembership,
    SupportRecord,
)
from widen.support.services.awards import (
    award_accept,
    award_decline,
    award_scheme_create,
    award_stop,
    awards_offer,
)
from widen.support.services.memberships import (
    membership_apply,
    membership_decide,
    membership_decline,
    membership_join,
    memberships_invite,
)
from widen.support.services.schemes import scheme_create, scheme_eligibility_compute

ADVISER = "support.adviser"
FINANCE = "partnership.admin"  # who does finance's work at the lead university
OFFICER = "outreach.officer"
CARE_SCHEME = "Care-experienced and estranged students"
FIRST_SCHEME = "First in family"
CARE_AWARD = "£1,000 a year for care-experienced and estranged students"
BURSARY = "Income bursary"
# The students the demo adds at the lead university: (first, last, year of study, declared).
ADDED: tuple[tuple[str, str, int, dict[str, Any]], ...] = (
    ("Leah", "Morgan", 1, {"care_experienced": True, "household_income_band": "up_to_25000"}),
    ("Kwame", "Boateng", 2, {"estranged": True}),
    ("Daniel", "Reid", 1, {"care_experienced": True}),
    ("Ellie", "Turner", 2, {"first_in_family": True, "household_income_band": "up_to_42875"}),
    ("Sofia", "Petrova", 1, {"first_in_family": False}),
)
SOFIA_EVIDENCE = (
    "I have not been in touch with my parents since I was 17 and I support myself. The Stand "
    "Alone pledge letter from my college and my student finance assessment as an independent "
    "student both say so; I can bring them to the advice centre."
)


def _year_days(provider: Organisation) -> tuple[str, list[date]]:
    """This academic year and the care award's instalment days in it: 16 November, 15 February
    and 17 May. The first must have come, on a day when Callum had interrupted and Leah was
    enrolled (so the demo has instalments in every state); a demo built at another time of year
    has its first instalment today and the later days still to come (none, in the summer)."""
    year = AcademicYear.current()
    start = year.start_year
    fixed = [date(start, 11, 16), date(start + 1, 2, 15), date(start + 1, 5, 17)]
    today = timezone.localdate()
    statuses_since = [
        _student(provider, name).status_since for name in ("Callum Hughes", "Leah Morgan")
    ]
    earliest = max([year.starts_on, *(since for since in statuses_since if since)])
    first = fixed[0] if earliest <= fixed[0] <= today else today
    return str(year), [first, *(day for day in fixed[1:] if day > first)]


def _students_add(provider: Organisation) -> None:
    """The students the demo adds at `provider`, at home postcodes of its learners the demo's
    other students do not have."""
    year = AcademicYear.current()
    taken = set(
        Student.objects.filter(organisation=provider).values_list("home_postcode", flat=True)
    )
    postcodes = [
        postcode
        for postcode in Learner.objects.filter(organisation=provider)
        .exclude(home_postcode="")
        .order_by("home_postcode")
        .values_list("home_postcode", flat=True)
        .distinct()
        if postcode not in taken
    ]
    for number, (first, last, study_year, declared) in enumerate(ADDED, start=1):
        started = min(date(year.start_year - study_year + 1, 9, 21), timezone.localdate())
        student_create(
            actor=DEMO,
            organisation=provider,
            details={
                "student_number": f"S{number:06d}",
                "first_name": first,
                "last_name": last,
                "email": student_email(first, last, provider),
                "home_postcode": postcodes[number * 7 % len(postcodes)] if postcodes else "",
                "course": "BSc Psychology" if number % 2 else "LLB Law",
                "level": "undergraduate",
                "mode": "full_time",
                "year_of_study": study_year,
                "starts_on": started,
                "expected_end_on": date(started.year + 3, 6, 30),
                **declared,
            },
            status=StudentStatus.ENROLLED,
            status_since=started,
            source=SOURCE,
        )


def _student(provider: Organisation, name: str) -> Student:
    first, last = name.split(" ", 1)
    return Student.objects.select_related("user").get(
        organisation=provider, first_name=first, last_name=last
    )


def _account(student: Student) -> User:
    """The student's account: theirs already, or the one their first sign-in by link makes."""
    if student.user_id is not None:
        return User.objects.get(pk=student.user_id)
    user = link_account_create(
        email=student.email, first_name=student.first_name, last_name=student.last_name
    )
    with request_context.bind(actor=user):
        student.user = user
        student.save(update_fields=["user", "updated_at"])
    return user


def _membership(scheme: Scheme, student: Student) -> SchemeMembership:
    return SchemeMembership.objects.get(scheme=scheme, student=student)


def _award(award_scheme: AwardScheme, student: Student) -> Award:
    return Award.objects.get(award_scheme=award_scheme, student=student)


def _schemes(provider: Organisation, adviser: User, officer: User) -> tuple[Scheme, Scheme]:
    """The two schemes, worked out and everyone eligible invited, each by its manager."""
    care = scheme_create(
        actor=adviser,
        organisation=provider,
        name=CARE_SCHEME,
        definition={
            "any": [
                {"all": [{"criterion": "care_experienced"}]},
                {"all": [{"criterion": "estranged"}]},
            ]
        },
        purpose=(
            "To offer care-experienced and estranged students the support the university "
            "commits to in its Access and Participation Plan and under the Care Leaver "
            "Covenant: a named contact, help with accommodation all year round and a bursary."
        ),
        special_category_condition=SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST_STATUTORY,
    )
    first = scheme_create(
        actor=officer,
        organisation=provider,
        name=FIRST_SCHEME,
        definition={
            "any": [
                {"all": [{"criterion": "first_in_family"}]},
                {
                    "all": [
                        {
                            "criterion": "household_income_band",
                            "values": [IncomeBand.UP_TO_25000.value],
                        }
                    ]
                },
            ]
        },
        purpose="Mentoring, workshops and a bursary for students first in their family to go "
        "to university, or from households on the lowest incomes.",
    )
    for scheme, manager in ((care, adviser), (first, officer)):
        scheme_eligibility_compute(scheme, actor=manager)
        memberships_invite(scheme, actor=manager)
    return care, first


def _answers(provider: Organisation, care: Scheme, first: Scheme, adviser: User) -> None:
    """Most students join; Daniel says no thanks; Sofia, whom the records miss, asks to join
    with evidence and Nadia accepts her."""
    for scheme, names in (
        (care, ("Callum Hughes", "Leah Morgan", "Kwame Boateng")),
        (first, ("Amina Rahman", "Zara Ali", "Ellie Turner")),
    ):
        for name in names:
            student = _student(provider, name)
            membership_join(actor=_account(student), membership=_membership(scheme, student))
    daniel = _student(provider, "Daniel Reid")
    membership_decline(actor=_account(daniel), membership=_membership(care, daniel))
    sofia = _account(_student(provider, "Sofia Petrova"))
    applied = membership_apply(actor=sofia, scheme=care, evidence=SOFIA_EVIDENCE)
    membership_decide(actor=adviser, membership=applied, accept=True)


def _awards(provider: Organisation, care: Scheme, first: Scheme, adviser: User) -> None:
    """The care award and the income bursary, offered; their answers; Callum's first
    instalment held on its day (he had interrupted); Kwame's award stopped."""
    year, days = _year_days(provider)
    care_award = award_scheme_create(
        actor=adviser,
        organisation=provider,
        scheme=care,
        name=CARE_AWARD,
        academic_year=year,
        instalment_days=days,
        amount_pence=1_000_00,
        purpose="£1,000 a year towards living costs, paid in instalments (November, February "
        "and May) while the student is enrolled.",
    )
    bursary = award_scheme_create(
        actor=adviser,
        organisation=provider,
        scheme=first,
        name=BURSARY,
        academic_year=year,
        instalment_days=days[1:] or days,
        amounts_by_income_band={IncomeBand.UP_TO_25000: 1_500_00, IncomeBand.UP_TO_42875: 750_00},
        purpose="A bursary by household income for members of the First in family scheme.",
    )
    for award_scheme in (care_award, bursary):
        awards_offer(actor=adviser, award_scheme=award_scheme)

    def accept(award_scheme: AwardScheme, name: str) -> Award:
        student = _student(provider, name)
        return award_accept(actor=_account(student), award=_award(award_scheme, student))

    for name in ("Callum Hughes", "Leah Morgan", "Kwame Boateng"):
        accept(care_award, name)
    accept(bursary, "Zara Ali")
    ellie = _student(provider, "Ellie Turner")
    award_decline(actor=_account(ellie), award=_award(bursary, ellie))
    award_stop(
        actor=adviser,
        award=_award(care_award, _student(provider, "Kwame Boateng")),
        reason="Kwame's local authority now pays his living costs in full for this year, "
        "which this award would duplicate; we will look at it again for next year.",
    )
    _first_instalments(provider, care_award, days[0])


def _bank_details(student: Student) -> None:
    """The student gives their bank details on their own page (invented ones, as the demo's
    people are)."""
    account = _account(student)
    payee = Payee.objects.get(user=account, organisation=student.organisation)
    number = int(student.student_number[1:])
    payee_bank_details_set(
        actor=account,
        payee=payee,
        account_name=f"{student.first_name} {student.last_name}",
        sort_code="20-00-00",
        account_number=f"{55_000_000 + number:08d}",
    )


def _first_instalments(provider: Organisation, care_award: AwardScheme, first_day: date) -> None:
    """The care award's first instalments, in every state an instalment has: the night's run
    on their day puts Leah's in the ledger (Callum's is held: he had interrupted), and finance's
    payment run pays it; Sofia accepts later, so the next night's run makes hers due, waiting
    for the next payment run; Kwame's were cancelled when his award was stopped; the rest are
    still to come."""
    leah = _student(provider, "Leah Morgan")
    _bank_details(leah)
    instalments_fall_due(day=first_day)
    finance = User.objects.get(username=FINANCE)
    run = payment_run_create(actor=finance, organisation=provider).run
    payment_run_export(actor=finance, run=run)
    payment_run_mark_paid(actor=finance, run=run, paid_on=timezone.localdate())
    sofia = _student(provider, "Sofia Petrova")
    award_accept(actor=_account(sofia), award=_award(care_award, sofia))
    _bank_details(sofia)
    instalments_fall_due(day=first_day)


def demo_support_create(*, provider: Organisation, partnership: Partnership) -> None:
    """Student support at `provider`, one of `partnership`'s members (after its students and
    partners are made)."""
    adviser = User.objects.get(username=ADVISER)
    officer = User.objects.get(username=OFFICER)
    _students_add(provider)
    care, first = _schemes(provider, adviser, officer)
    _answers(provider, care, first, adviser)
    _awards(provider, care, first, adviser)
    demo_support_records_create(provider=provider, adviser=adviser)
    demo_cases_create(provider=provider, adviser=adviser)
    demo_benefits_create(
        provider=provider,
        partnership=partnership,
        care=care,
        first=first,
        adviser=adviser,
        officer=officer,
    )


def demo_support_delete(*, organisation_ids: Iterable[Any]) -> None:
    """Everything of the demo's student support, before the students, their accounts and the
    universities it protects (call before the partners' accounts are deleted)."""
    ids = list(organisation_ids)
    awards = Award.objects.filter(award_scheme__organisation_id__in=ids)
    payees = list(awards.exclude(payee=None).values_list("payee_id", flat=True))
    awards.delete()
    AwardScheme.objects.filter(organisation_id__in=ids).delete()
    Appointment.objects.filter(organisation_id__in=ids).delete()
    Case.objects.filter(organisation_id__in=ids).delete()
    SupportRecord.objects.filter(organisation_id__in=ids).delete()
    Scheme.objects.filter(organisation_id__in=ids).delete()
    demo_ledger_delete(organisation_ids=ids, why="the demo partnership deleted")
    Payee.objects.filter(pk__in=payees).delete()


def demo_support_lines(provider_name: str, port: int) -> list[str]:
    """Who signs in to see the demo's student support, as lines of its report."""
    members = (
        SchemeMembership.objects.filter(
            scheme__organisation__name=provider_name,
            scheme__name=CARE_SCHEME,
            status=MembershipStatus.MEMBER,
        )
        .select_related("student")
        .order_by("student__first_name")
    )
    if not members:
        return []
    students = "; ".join(
        f"{m.student.first_name} {m.student.last_name} <{m.student.email}>" for m in members
    )
    return [
        "",
        f"Student support at {provider_name}: {ADVISER} (Nadia Okafor) advises its "
        f"care-experienced and estranged students and manages their scheme and awards; "
        f"{OFFICER} manages the {FIRST_SCHEME} scheme; {FINANCE} pays the awards' instalments "
        f"in payment runs. Its members sign in with a link e-mailed to them, no password, at "
        f"http://127.0.0.1:{port}/my/sign-in/: {students}.",
    ]
