"""What a scheme offers its members: adding, changing and withdrawing its benefits (for its
managers), and a student taking one up (booking a members-only event through the events app's
booking, or taking an opportunity). Every write goes through here, for someone the benefit
policy allows; members who said they may be told hear of each new benefit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from widen.accounts.capabilities import require_actor
from widen.core.exceptions import ApplicationError, NotFound
from widen.events.models import AttendeeType, Event
from widen.events.services import BookingDetails, BookingMade, booking_create
from widen.notifications.models import Category
from widen.notifications.services import notify
from widen.students.mine.selectors import my_students
from widen.support.models import (
    AwardScheme,
    Benefit,
    BenefitKind,
    BenefitUse,
    MembershipStatus,
    Scheme,
    SchemeMembership,
)
from widen.support.permissions import MANAGE, USE, benefit_policy
from widen.support.services.schemes import require_manager


@dataclass(frozen=True)
class BenefitDetails:
    """What a manager says about a benefit; `event_id` for an event, `award_scheme_id` for an
    award; an opportunity says who offers it, where to sign up and until when members are
    first."""

    kind: str
    title: str
    description: str = ""
    offered_by: str = ""
    link: str = ""
    event_id: UUID | None = None
    award_scheme_id: UUID | None = None
    members_first_until: date | None = None


def events_to_offer(scheme: Scheme) -> Any:
    """The provider's own events still to start: those a scheme may offer its members."""
    return Event.objects.filter(
        organiser_id=scheme.organisation_id, starts_at__gt=timezone.now()
    ).order_by("starts_at", "title")


def award_schemes_to_offer(scheme: Scheme) -> Any:
    """The award schemes for this scheme's members."""
    return AwardScheme.objects.filter(scheme=scheme).order_by("name", "pk")


def _web_address(link: str) -> str:
    """A link members follow: empty, or a full http(s) web address."""
    link = link.strip()
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            raise ApplicationError(
                "Enter a full web address, starting https://", field="link"
            ) from None
    return link


def _cleaned(
    scheme: Scheme, details: BenefitDetails, *, current_event_id: Any = None
) -> dict[str, Any]:
    """The benefit's values, or `ApplicationError` naming the field. An event must be still to
    come, unless it is the one the benefit already offers (an event that has started can still
    be withdrawn or reworded)."""
    if details.kind not in BenefitKind.values:
        raise ApplicationError("Choose what kind of benefit it is.", field="kind")
    values: dict[str, Any] = {
        "kind": details.kind,
        "title": details.title.strip(),
        "description": details.description.strip(),
        "offered_by": "",
        "link": "",
        "event": None,
        "award_scheme": None,
        "members_first_until": None,
    }
    if details.kind == BenefitKind.EVENT:
        event = events_to_offer(scheme).filter(pk=details.event_id).first()
        if event is None and current_event_id is not None and details.event_id == current_event_id:
            event = Event.objects.filter(pk=current_event_id).first()
        if event is None:
            raise ApplicationError(
                f"Choose one of {scheme.organisation.name}'s events still to come.",
                field="event_id",
            )
        values["event"] = event
        values["title"] = values["title"] or event.title
    elif details.kind == BenefitKind.AWARD:
        award_scheme = award_schemes_to_offer(scheme).filter(pk=details.award_scheme_id).first()
        if award_scheme is None:
            raise ApplicationError(
                f"Choose one of the award schemes for {scheme.name}'s members.",
                field="award_scheme_id",
            )
        values["award_scheme"] = award_scheme
        values["title"] = values["title"] or award_scheme.name
    else:
        values["offered_by"] = details.offered_by.strip()
        values["link"] = _web_address(details.link)
        values["members_first_until"] = details.members_first_until
    if not values["title"]:
        raise ApplicationError("Give the benefit a title members will recognise.", field="title")
    return values


def _tell_members(benefit: Benefit) -> int:
    """Tell each member of the scheme who may be told (with an account, or else an address)."""
    members = SchemeMembership.objects.filter(
        scheme=benefit.scheme, status=MembershipStatus.MEMBER, may_contact=True
    ).select_related("student__user")
    context = {
        "scheme": benefit.scheme.name,
        "title": benefit.title,
        "kind": benefit.get_kind_display(),
        "offered_by": benefit.offered_by,
        "description": benefit.description,
    }
    told = 0
    for membership in members:
        student = membership.student
        user = student.user if student.user_id else None
        if user is None and not student.email:
            continue
        notify(
            template="support/benefit_new",
            category=Category.UPDATES,
            context=context,
            user=user,
            email="" if user is not None else student.email,
            link=reverse("support:my_benefits") if user is not None else "",
        )
        told += 1
    return told


def benefit_add(*, actor: Any, scheme: Scheme, details: BenefitDetails) -> Benefit:
    """A new benefit of the scheme; an event offered becomes for members only. Members who may
    be told are told, once the transaction commits."""
    require_actor(actor)
    scheme = require_manager(actor, scheme)
    values = _cleaned(scheme, details)
    with transaction.atomic():
        benefit = Benefit.objects.create(
            scheme=scheme, created_by=actor if getattr(actor, "pk", None) else None, **values
        )
        if benefit.event is not None and not benefit.event.members_only:
            benefit.event.members_only = True
            benefit.event.save(update_fields=["members_only", "updated_at"])
        _tell_members(benefit)
    return benefit


def benefit_update(
    *, actor: Any, benefit: Benefit, details: BenefitDetails, is_active: bool
) -> Benefit:
    """Change a benefit (its kind stays), or withdraw it (`is_active` false: members no longer
    see it) or offer it again."""
    require_actor(actor)
    benefit = benefit_policy.get(actor, benefit.pk, action=MANAGE)
    values = _cleaned(
        benefit.scheme,
        BenefitDetails(**{**details.__dict__, "kind": benefit.kind}),
        current_event_id=benefit.event_id,
    )
    with transaction.atomic():
        for name, value in values.items():
            setattr(benefit, name, value)
        benefit.is_active = is_active
        benefit.save()
        if benefit.event is not None and not benefit.event.members_only:
            benefit.event.members_only = True
            benefit.event.save(update_fields=["members_only", "updated_at"])
    return benefit


def _my_student(actor: Any, benefit: Benefit) -> Any:
    student = (
        my_students(actor=actor).filter(organisation_id=benefit.scheme.organisation_id).first()
    )
    if student is None:
        raise NotFound
    return student


def benefit_take_up(*, actor: Any, benefit: Benefit) -> BenefitUse:
    """A student takes up an opportunity on offer to them ("Count me in"): recorded once."""
    require_actor(actor)
    benefit = benefit_policy.get(actor, benefit.pk, action=USE)
    if benefit.kind != BenefitKind.OPPORTUNITY:
        raise NotFound
    use, _ = BenefitUse.objects.get_or_create(benefit=benefit, student=_my_student(actor, benefit))
    return use


def benefit_event_book(
    *, actor: Any, benefit: Benefit, access_requirements: str = ""
) -> BookingMade:
    """A member books a place at the scheme's members-only event (the events app's booking,
    its confirmation e-mailed), and their take-up is recorded once."""
    require_actor(actor)
    benefit = benefit_policy.get(actor, benefit.pk, action=USE)
    if benefit.kind != BenefitKind.EVENT or benefit.event is None:
        raise NotFound
    student = _my_student(actor, benefit)
    if not student.email:
        raise ApplicationError("We have no e-mail address for you to send your booking to.")
    with transaction.atomic():
        made = booking_create(
            actor=actor,
            event=benefit.event,
            details=BookingDetails(
                name=student.display_name,
                email=student.email,
                attendee_type=AttendeeType.STUDENT,
                access_requirements=access_requirements,
            ),
        )
        BenefitUse.objects.get_or_create(benefit=benefit, student=student)
    return made
