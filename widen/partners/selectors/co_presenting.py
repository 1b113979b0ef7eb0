"""Reads for co-presenting: the talks a coordinator may name a student co-presenter of (talks at
events of the partnerships their providers are members of), and a talk's presenters with the
shifts the viewer sees that their students were booked on for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from widen.core.exceptions import NotFound
from widen.events.models import Event, Presenter, PresenterRole, Talk
from widen.partners.models import AssignmentStatus, Partner, Role, RoleKind, Shift, ShiftAssignment
from widen.partners.permissions import coordinated_providers, shift_policy
from widen.partners.selectors.roles import partners_coordinated, roles_coordinated


def co_presenting_talks(*, actor: Any) -> QuerySet[Talk]:
    """Talks at events of the partnerships the providers `actor` coordinates are members of."""
    events = Event.objects.filter(partnership__members__in=coordinated_providers(actor))
    return Talk.objects.filter(event__in=events.values("pk"))


def co_presenting_talk_get(*, actor: Any, talk_id: Any) -> Talk:
    """One of `co_presenting_talks`, or `NotFound` (missing and not theirs answer alike)."""
    found = (
        co_presenting_talks(actor=actor)
        .filter(pk=talk_id)
        .select_related("event", "strand")
        .first()
    )
    if found is None:
        raise NotFound
    return found


def may_add_co_presenters(*, actor: Any, event: Event | Any) -> bool:
    """Whether `actor` coordinates partners at a provider that is a member of the partnership
    of `event` (so may name a student co-presenter of its talks)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return False
    partnership_id = getattr(event, "partnership_id", None)
    return coordinated_providers(actor).filter(partnerships=partnership_id).exists()


def co_presenter_choices(*, actor: Any) -> tuple[QuerySet[Partner], QuerySet[Role]]:
    """The active partners and the co-presenter roles of the providers `actor` coordinates."""
    partners = (
        partners_coordinated(actor=actor)
        .filter(is_active=True)
        .order_by("student__last_name", "student__first_name")
    )
    roles = roles_coordinated(actor=actor).filter(kind=RoleKind.CO_PRESENTER)
    return partners, roles


@dataclass(frozen=True)
class PresenterShown:
    """A presenter of a talk and, for a student, the shifts for the talk the viewer sees that a
    partner of that name is booked on (preparation, then delivery)."""

    presenter: Presenter
    shifts: list[Shift] = field(default_factory=list)


def talk_presenters(*, actor: Any, talk: Talk) -> list[PresenterShown]:
    shifts = shift_policy.visible_to(actor).filter(talk=talk, cancelled_at__isnull=True)
    bookings = (
        ShiftAssignment.objects.filter(
            shift__in=shifts.values("pk"), status=AssignmentStatus.BOOKED
        )
        .select_related("shift", "partner__student")
        .order_by("shift__starts_at")
    )
    by_name: dict[str, list[Shift]] = {}
    for booking in bookings:
        by_name.setdefault(booking.partner.student.display_name, []).append(booking.shift)
    return [
        PresenterShown(
            presenter,
            by_name.get(presenter.name, []) if presenter.role == PresenterRole.STUDENT else [],
        )
        for presenter in talk.presenters.all()
    ]
