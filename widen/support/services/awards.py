"""Bursaries and awards: setting up an award scheme, offering its awards to the members of a
support scheme, the student's answer, and a manager stopping an award. Every write goes through
here, for someone the awards policy allows; what an award is worth and when it is paid never
comes from what a student sends.

The instalments' days (falling due, held, released, paid) are `widen.support.instalments`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from widen.accounts.capabilities import is_person, require_actor, system_actor
from widen.core.exceptions import ApplicationError, NotFound
from widen.notifications.models import Category
from widen.notifications.services import notify
from widen.organisations.models import Organisation
from widen.payments.models import Payee
from widen.payments.money import pounds
from widen.payments.services import payee_create
from widen.students.models import IncomeBand, Student
from widen.support.models import (
    AWARD_WORKFLOW,
    Award,
    AwardScheme,
    AwardStatus,
    Benefit,
    BenefitKind,
    BenefitUse,
    Instalment,
    InstalmentStatus,
    MembershipStatus,
    Scheme,
    SchemeMembership,
)
from widen.support.permissions import (
    MANAGE,
    RESPOND,
    award_policy,
    award_scheme_policy,
    may_manage_awards,
)
from widen.support.selectors.records import may_tell_student_about_scheme

NAME_MAX = 120
PURPOSE_MAX = 4_000
REASON_MAX = 2_000
# The most one student's award may be in a year: £100,000 (pounds typed as pence stand out).
AMOUNT_MAX_PENCE = 10_000_000
INSTALMENTS_MAX = 12
ACADEMIC_YEAR = re.compile(r"^(\d{4})/(\d{2})$")
CONDITIONS = "Each instalment is paid if you are enrolled on its date."
NOT_IN_TABLE = "their household income band is not one this award pays"
NO_BAND = "their household income is not known"
# The fields that decide what a student is offered: fixed once any award is offered.
OFFER_FIELDS = frozenset({"amount_pence", "amounts_by_income_band", "instalment_days", "scheme"})


@dataclass
class OfferResult:
    award_scheme: AwardScheme
    offered: int = 0
    not_offered: list[tuple[Student, str]] = field(default_factory=list)


# --- Award schemes -------------------------------------------------------------------------


def _text(value: Any, *, name: str, limit: int, what: str, required: bool = True) -> str:
    text = " ".join(str(value or "").split()) if name != "purpose" else str(value or "").strip()
    if required and not text:
        raise ApplicationError(f"Enter {what}.", field=name)
    if len(text) > limit:
        raise ApplicationError(f"Keep {what} to {limit:,} characters.", field=name)
    return text


def _academic_year(value: Any) -> str:
    text = str(value or "").strip()
    match = ACADEMIC_YEAR.match(text)
    if match is None or (int(match[1]) + 1) % 100 != int(match[2]):
        raise ApplicationError(
            'Enter the academic year as two years running, for example "2026/27".',
            field="academic_year",
        )
    return text


def _pence(value: Any, *, name: str, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ApplicationError(f"Give {what} in whole pence.", field=name)
    if value <= 0 or value > AMOUNT_MAX_PENCE:
        raise ApplicationError(
            f"Enter {what} of more than £0.00 and at most {pounds(AMOUNT_MAX_PENCE)}.",
            field=name,
        )
    return value


def _amounts(
    amount_pence: Any, by_band: Mapping[str, Any] | None
) -> tuple[int | None, dict[str, int]]:
    if amount_pence is not None and by_band:
        raise ApplicationError(
            "Give either one amount for everyone or an amount for each household income band, "
            "not both.",
            field="amount_pence",
        )
    if amount_pence is not None:
        return _pence(amount_pence, name="amount_pence", what="the amount"), {}
    if not by_band:
        raise ApplicationError(
            "Enter the amount, or an amount for each household income band the award pays.",
            field="amount_pence",
        )
    if not isinstance(by_band, Mapping):
        raise ApplicationError(
            "Give an amount in pence for each household income band.",
            field="amounts_by_income_band",
        )
    amounts: dict[str, int] = {}
    for band, pence in by_band.items():
        if band not in IncomeBand.values:
            choices = ", ".join(IncomeBand.values)
            raise ApplicationError(
                f"{band!r} is not a household income band: choose from {choices}.",
                field="amounts_by_income_band",
            )
        label = IncomeBand(band).label
        amounts[band] = _pence(pence, name="amounts_by_income_band", what=f"the amount for {label}")
    return None, amounts


def _instalment_days(value: Any, academic_year: str) -> list[str]:
    if not isinstance(value, Sequence) or isinstance(value, str) or not value:
        raise ApplicationError(
            "Give the days the instalments are paid, at least one.", field="instalment_days"
        )
    days: list[date] = []
    for item in value:
        day = item
        if isinstance(item, str):
            try:
                day = date.fromisoformat(item)
            except ValueError:
                day = None
        if not isinstance(day, date):
            raise ApplicationError(
                f"{item!r} is not a date: give each day as a date.", field="instalment_days"
            )
        days.append(day)
    if len(days) > INSTALMENTS_MAX:
        raise ApplicationError(
            f"Pay the award in at most {INSTALMENTS_MAX} instalments.", field="instalment_days"
        )
    if len(set(days)) != len(days):
        raise ApplicationError(
            "Give each instalment its own day: two fall on the same day.", field="instalment_days"
        )
    first_year = int(academic_year[:4])
    if any(not date(first_year, 8, 1) <= day <= date(first_year + 1, 7, 31) for day in days):
        raise ApplicationError(
            f"Every instalment falls in the academic year {academic_year} "
            f"(1 August {first_year} to 31 July {first_year + 1}).",
            field="instalment_days",
        )
    return [day.isoformat() for day in sorted(days)]


def _scheme_of(actor: Any, organisation_id: Any, scheme: Scheme | Any) -> Scheme:
    found = Scheme.objects.filter(
        pk=getattr(scheme, "pk", scheme), organisation_id=organisation_id
    ).first()
    if found is None:
        raise ApplicationError(
            "Choose a support scheme of this provider: the award is offered to its members.",
            field="scheme",
        )
    return found


def _checked(*, actor: Any, organisation_id: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    academic_year = _academic_year(values["academic_year"])
    amount_pence, by_band = _amounts(values["amount_pence"], values["amounts_by_income_band"])
    return {
        "scheme": _scheme_of(actor, organisation_id, values["scheme"]),
        "name": _text(values["name"], name="name", limit=NAME_MAX, what="a name"),
        "purpose": _text(
            values["purpose"],
            name="purpose",
            limit=PURPOSE_MAX,
            what="the purpose",
            required=False,
        ),
        "academic_year": academic_year,
        "amount_pence": amount_pence,
        "amounts_by_income_band": by_band,
        "instalment_days": _instalment_days(values["instalment_days"], academic_year),
    }


def _save_refusing_twins(award_scheme: AwardScheme, *, create: bool) -> AwardScheme:
    twins = AwardScheme.objects.filter(
        organisation_id=award_scheme.organisation_id,
        name=award_scheme.name,
        academic_year=award_scheme.academic_year,
    ).exclude(pk=award_scheme.pk)
    refusal = ApplicationError(
        f"{award_scheme.name} already has an award scheme for {award_scheme.academic_year}: "
        "give this one another name.",
        field="name",
    )
    if twins.exists():
        raise refusal
    try:
        with transaction.atomic():
            award_scheme.save(force_insert=create)
    except IntegrityError as error:
        raise refusal from error
    return award_scheme


def award_scheme_create(
    *,
    actor: Any,
    organisation: Organisation,
    scheme: Scheme,
    name: str,
    academic_year: str,
    instalment_days: list[date],
    amount_pence: int | None = None,
    amounts_by_income_band: dict[str, int] | None = None,
    purpose: str = "",
) -> AwardScheme:
    """A new award scheme at `organisation` for the members of its support scheme `scheme`:
    one amount for everyone or an amount for each household income band, paid in instalments
    on `instalment_days` (in the academic year)."""
    require_actor(actor)
    if not may_manage_awards(actor, organisation):
        raise NotFound
    values = _checked(
        actor=actor,
        organisation_id=organisation.pk,
        values={
            "scheme": scheme,
            "name": name,
            "purpose": purpose,
            "academic_year": academic_year,
            "amount_pence": amount_pence,
            "amounts_by_income_band": amounts_by_income_band,
            "instalment_days": instalment_days,
        },
    )
    award_scheme = AwardScheme(
        organisation=organisation,
        created_by=actor if is_person(actor) else None,
        **values,
    )
    return _save_refusing_twins(award_scheme, create=True)


def award_scheme_update(*, actor: Any, award_scheme: AwardScheme, **changes: Any) -> AwardScheme:
    """Change an award scheme's details (the same fields as `award_scheme_create`, and
    `is_active`). Once any award is offered, what students are offered (the support scheme, the
    amounts and the days) stays as it is."""
    require_actor(actor)
    saved = award_scheme_policy.get(actor, award_scheme.pk, action=MANAGE)
    known = {
        "scheme",
        "name",
        "purpose",
        "academic_year",
        "amount_pence",
        "amounts_by_income_band",
        "instalment_days",
        "is_active",
    }
    unknown = set(changes) - known
    if unknown:
        raise TypeError(f"award_scheme_update knows no {', '.join(sorted(unknown))}.")
    current = {
        "scheme": saved.scheme_id,
        "name": saved.name,
        "purpose": saved.purpose,
        "academic_year": saved.academic_year,
        "amount_pence": saved.amount_pence,
        "amounts_by_income_band": saved.amounts_by_income_band,
        "instalment_days": saved.instalment_days,
    }
    if "amount_pence" in changes and "amounts_by_income_band" not in changes:
        current["amounts_by_income_band"] = None
    if "amounts_by_income_band" in changes and "amount_pence" not in changes:
        current["amount_pence"] = None
    merged = {**current, **{k: v for k, v in changes.items() if k != "is_active"}}
    values = _checked(actor=actor, organisation_id=saved.organisation_id, values=merged)
    with transaction.atomic():
        locked = AwardScheme.objects.select_for_update().get(pk=saved.pk)
        changed = {
            name
            for name in OFFER_FIELDS
            if (values[name].pk if name == "scheme" else values[name])
            != (locked.scheme_id if name == "scheme" else getattr(locked, name))
        }
        if changed and locked.awards.exists():
            raise ApplicationError(
                "Awards from this scheme have been offered, so who it is for, the amounts and "
                "the days they are paid stay as they were offered.",
                field=sorted(changed)[0],
            )
        for name, value in values.items():
            setattr(locked, name, value)
        if "is_active" in changes:
            locked.is_active = bool(changes["is_active"])
        _save_refusing_twins(locked, create=False)
    return locked


# --- Offering awards -------------------------------------------------------------------------


def instalment_amounts(total_pence: int, count: int) -> list[int]:
    """`total_pence` split into `count` equal instalments in whole pence, any pence left over
    paid with the first."""
    share, left = divmod(total_pence, count)
    return [share + left, *([share] * (count - 1))]


def award_amount(award_scheme: AwardScheme, student: Student) -> tuple[int | None, str]:
    """What `student` is offered (pence, or None) and, when nothing, why."""
    if award_scheme.amount_pence:
        return award_scheme.amount_pence, ""
    band = student.household_income_band
    if not band:
        return None, NO_BAND
    amount = award_scheme.amounts_by_income_band.get(band)
    if not amount:
        return None, NOT_IN_TABLE
    return int(amount), ""


def _tell(award: Award, template: str, **context: Any) -> None:
    """Tell the student about their award, at their account or else at their contact address;
    never about an award for care-experienced or estranged students when they asked not to be
    contacted about it (the award is on their own pages all the same)."""
    student = award.student
    user = student.user if student.user_id else None
    if user is None and not student.email:
        return
    award_scheme = award.award_scheme
    if not may_tell_student_about_scheme(student, award_scheme.scheme):
        return
    notify(
        template=template,
        category=Category.UPDATES,
        context={
            "student_name": student.display_name,
            "award": award_scheme.name,
            "academic_year": award_scheme.academic_year,
            "provider": award_scheme.organisation.name,
            "amount": pounds(award.amount_pence),
            "conditions": CONDITIONS,
            **context,
        },
        user=user,
        email="" if user is not None else student.email,
        link=reverse("support:my_awards") if user is not None else "",
    )


def awards_offer(*, actor: Any, award_scheme: AwardScheme) -> OfferResult:
    """Offer an award to every member of the award scheme's support scheme who has none from it
    yet: the scheme's amount (or their household income band's), in instalments on the scheme's
    days. Members the amounts leave out are listed with why; each student offered is told."""
    require_actor(actor)
    award_scheme = award_scheme_policy.get(actor, award_scheme.pk, action=MANAGE)
    if not award_scheme.is_active:
        raise ApplicationError(
            f"{award_scheme} is not offered now: make it active before offering awards.",
            field="award_scheme",
        )
    days = [date.fromisoformat(day) for day in award_scheme.instalment_days]
    now = timezone.now()
    offerer = actor if is_person(actor) else None
    result = OfferResult(award_scheme=award_scheme)
    with transaction.atomic():
        AwardScheme.objects.select_for_update().filter(pk=award_scheme.pk).first()
        members = (
            Student.objects.filter(
                support_memberships__scheme_id=award_scheme.scheme_id,
                support_memberships__status=MembershipStatus.MEMBER,
                anonymised_at__isnull=True,
            )
            .exclude(support_awards__award_scheme=award_scheme)
            .select_related("user")
            .order_by("last_name", "first_name", "pk")
        )
        awards: list[Award] = []
        instalments: list[Instalment] = []
        for student in members:
            amount, why = award_amount(award_scheme, student)
            if amount is None:
                result.not_offered.append((student, why))
                continue
            award = Award(
                award_scheme=award_scheme,
                student=student,
                amount_pence=amount,
                income_band="" if award_scheme.amount_pence else student.household_income_band,
                status=AwardStatus.OFFERED,
                offered_at=now,
                offered_by=offerer,
                status_changed_at=now,
                status_changed_by=offerer,
            )
            awards.append(award)
            instalments.extend(
                Instalment(
                    award=award,
                    number=number,
                    due_on=day,
                    amount_pence=pence,
                    status=InstalmentStatus.SCHEDULED,
                )
                for number, (day, pence) in enumerate(
                    zip(days, instalment_amounts(amount, len(days)), strict=True), start=1
                )
            )
        Award.objects.bulk_create(awards, batch_size=1000)
        Instalment.objects.bulk_create(instalments, batch_size=1000)
        for award in awards:
            award.award_scheme = award_scheme
            _tell(award, "support/award_offered", instalments=len(days))
    result.offered = len(awards)
    return result


# --- The student's answer; a manager stopping an award ----------------------------------------


def _payee_for(award: Award, actor: Any) -> Payee:
    """The student's payee at the award's provider: theirs already, or made for their
    account."""
    if award.payee_id is not None:
        return Payee.objects.get(pk=award.payee_id)
    organisation = award.award_scheme.organisation
    user = award.student.user
    if user is None:
        raise ApplicationError(
            "Sign in to Widen with your own account to accept an award, so it can be paid to you.",
            field="award",
        )
    payee = Payee.objects.filter(organisation=organisation, user=user).first()
    if payee is None:
        widen = system_actor(f"an award accepted by {actor}")
        payee = payee_create(actor=widen, organisation=organisation, user=user)
    return payee


def _own_award(actor: Any, award: Award) -> Award:
    require_actor(actor)
    found = (
        award_policy.visible_to(actor)
        .select_related("award_scheme__organisation", "student__user")
        .filter(pk=award.pk)
        .first()
    )
    return award_policy.require(actor, RESPOND, found)


def _cancel_open_instalments(award: Award, actor: Any, reason: str) -> int:
    from widen.support.instalments import instalments_cancel  # noqa: PLC0415

    return instalments_cancel(
        Instalment.objects.filter(
            award=award, status__in=[InstalmentStatus.SCHEDULED, InstalmentStatus.HELD]
        ),
        actor=actor,
        reason=reason,
    )


def award_accept(*, actor: Any, award: Award) -> Award:
    """The student accepts the award offered to them: it is paid to them (their payee at the
    provider) in its instalments, each if they are enrolled on its day."""
    award = _own_award(actor, award)
    with transaction.atomic():
        payee = _payee_for(award, actor)
        accepted = AWARD_WORKFLOW.apply(award, "accept", actor=actor, changes={"payee": payee})
        benefits = Benefit.objects.filter(
            kind=BenefitKind.AWARD, award_scheme_id=award.award_scheme_id
        ).exclude(uses__student_id=award.student_id)
        BenefitUse.objects.bulk_create(
            [BenefitUse(benefit=benefit, student_id=award.student_id) for benefit in benefits],
            ignore_conflicts=True,
        )
    return accepted


def award_decline(*, actor: Any, award: Award) -> Award:
    """The student declines the award offered to them: nothing is paid."""
    award = _own_award(actor, award)
    with transaction.atomic():
        declined = AWARD_WORKFLOW.apply(award, "decline", actor=actor)
        _cancel_open_instalments(declined, actor, "The award was declined")
    return declined


def award_stop(*, actor: Any, award: Award, reason: str) -> Award:
    """A manager stops an award, saying why: its instalments not yet due are cancelled (what is
    due already is still paid); the student is told why."""
    require_actor(actor)
    found = (
        award_policy.visible_to(actor)
        .select_related("award_scheme__organisation", "student__user")
        .filter(pk=award.pk)
        .first()
    )
    award = award_policy.require(actor, MANAGE, found)
    reason = _text(reason, name="reason", limit=REASON_MAX, what="why the award is stopped")
    with transaction.atomic():
        stopped = AWARD_WORKFLOW.apply(
            award, "stop", actor=actor, reason=reason, changes={"stopped_reason": reason}
        )
        cancelled = _cancel_open_instalments(stopped, actor, f"The award was stopped: {reason}")
        stopped.award_scheme = award.award_scheme
        stopped.student = award.student
        _tell(stopped, "support/award_stopped", reason=reason, cancelled=cancelled)
    return stopped


def open_awards(award_scheme: AwardScheme) -> Q:
    """Awards of `award_scheme` still to pay something (for counts and forecasts)."""
    return Q(award_scheme=award_scheme, status__in=[AwardStatus.OFFERED, AwardStatus.ACCEPTED])


def members_without_award(award_scheme: AwardScheme) -> int:
    """How many members of the support scheme have no award from `award_scheme` yet."""
    return (
        SchemeMembership.objects.filter(
            scheme_id=award_scheme.scheme_id, status=MembershipStatus.MEMBER
        )
        .exclude(student__support_awards__award_scheme=award_scheme)
        .count()
    )
