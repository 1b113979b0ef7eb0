"""Who may see, organise and run which events, and book whom onto them. The one place that decides.

Everything rests on one capability, `events.organise` (see `widen.accounts.capabilities`):

* **see** (`VIEW`): the events of every partnership the person works in, through any role;
* **organise** (`ORGANISE`): the events of a partnership in one of whose members the person holds
  `events.organise`: they open the event's page and book their own learners onto it;
* **manage** (`MANAGE`): the events run by an organisation in which the person holds
  `events.organise`: they change the event, its programme and invitation link, see and cancel its
  bookings (`MANAGE_BOOKINGS`), see who is coming (`SEE_ATTENDEES`) with their access
  requirements and adjustments (`SEE_ADJUSTMENTS`, each view logged), and check people in
  (`CHECK_IN`).

An event the person may not see or do the action to answers exactly like one that does not
exist (`NotFound`). Work done by Widen itself (a command, the demo) names a system actor, which
may do everything; nobody may do anything because an argument is missing.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from widen.accounts.capabilities import (
    Capability,
    holds,
    holds_in_partnership,
    is_person,
    is_system,
    organisations_granting,
)
from widen.core.exceptions import NotFound
from widen.core.policy import VIEW, Policy
from widen.events.models import Booking, Event
from widen.learners.models import Learner
from widen.learners.permissions import learner_policy
from widen.organisations.models import DataCategory, Organisation, Partnership
from widen.organisations.permissions import organisation_policy

ORGANISE = "organise"
MANAGE = "manage"
MANAGE_BOOKINGS = "manage_bookings"
SEE_ATTENDEES = "see_attendees"
SEE_ADJUSTMENTS = "see_adjustments"
CHECK_IN = "check_in"

# Actions for those who run the event (its organising organisation's organisers).
_RUNNING = frozenset({MANAGE, MANAGE_BOOKINGS, SEE_ATTENDEES, SEE_ADJUSTMENTS, CHECK_IN})


class EventPolicy(Policy[Event]):
    actions = frozenset({VIEW, ORGANISE}) | _RUNNING

    # --- Events -------------------------------------------------------------------------------

    def visible_to(self, actor: Any) -> QuerySet[Event]:
        """The events of every partnership `actor` works in (every event, for the system)."""
        events = Event.objects.select_related("organiser", "partnership", "activity")
        if is_system(actor):
            return events.all()
        return events.filter(partnership__in=organisation_policy.partnerships_visible_to(actor))

    def organised_by(self, actor: Any) -> QuerySet[Event]:
        """The events `actor` helps organise: those of partnerships where they hold
        `events.organise` in a member organisation."""
        if is_system(actor):
            return self.visible_to(actor)
        organising = organisations_granting(actor, Capability.EVENTS_ORGANISE)
        return (
            self.visible_to(actor)
            .filter(partnership__in=Partnership.objects.filter(members__in=organising))
            .distinct()
        )

    def managed_by(self, actor: Any) -> QuerySet[Event]:
        """The events `actor` runs: those of organisations where they hold `events.organise`."""
        if is_system(actor):
            return self.visible_to(actor)
        organising = organisations_granting(actor, Capability.EVENTS_ORGANISE)
        return self.visible_to(actor).filter(organiser__in=organising)

    def _may(self, actor: Any, action: str, obj: Event) -> bool:
        if action == ORGANISE:
            return holds_in_partnership(actor, Capability.EVENTS_ORGANISE, obj.partnership)
        if action in _RUNNING:
            return holds(actor, Capability.EVENTS_ORGANISE, obj.organiser_id)
        return False

    # --- Creating events ----------------------------------------------------------------------

    def organisers_for(self, actor: Any, partnership: Partnership) -> QuerySet[Organisation]:
        """The partnership's members for which `actor` may run events (add an event as)."""
        members = partnership.members.all()
        if not is_system(actor):
            members = members.filter(
                pk__in=organisations_granting(actor, Capability.EVENTS_ORGANISE).values("pk")
            )
        return members.order_by("name")

    def may_create(self, actor: Any, partnership: Partnership, organiser: Organisation) -> bool:
        return self.organisers_for(actor, partnership).filter(pk=organiser.pk).exists()

    def require_create(
        self, actor: Any, partnership: Partnership, organiser: Organisation
    ) -> Organisation:
        """`organiser`, if `actor` may add an event it runs to `partnership`; else `NotFound`."""
        if not self.may_create(actor, partnership, organiser):
            raise NotFound
        return organiser

    def partnerships_organised_by(self, actor: Any) -> QuerySet[Partnership]:
        """The partnerships `actor` may add events to."""
        if is_system(actor):
            return Partnership.objects.all()
        organising = organisations_granting(actor, Capability.EVENTS_ORGANISE)
        return organisation_policy.partnerships_visible_to(actor).filter(
            pk__in=Partnership.objects.filter(members__in=organising).values("pk")
        )

    def partnership_for_create(self, actor: Any, partnership_id: Any) -> Partnership:
        """A partnership `actor` may add events to, or `NotFound`."""
        try:
            partnership = self.partnerships_organised_by(actor).filter(pk=partnership_id).first()
        except (ValueError, TypeError, ValidationError) as error:
            raise NotFound from error
        if partnership is None:
            raise NotFound
        return partnership

    # --- Bookings -----------------------------------------------------------------------------

    def bookings_visible_to(self, actor: Any, event: Event) -> QuerySet[Booking]:
        """The event's bookings, for those who run it (none for anyone else)."""
        if not self.may(actor, SEE_ATTENDEES, event):
            return Booking.objects.none()
        return Booking.objects.filter(event=event)

    def booking_get(self, actor: Any, event: Event, booking_id: Any, *, action: str) -> Booking:
        """One of `event`'s bookings that `actor` may do `action` to; otherwise `NotFound`."""
        self.require(actor, action, event)
        try:
            booking = (
                Booking.objects.filter(event=event, pk=booking_id).select_related("event").first()
            )
        except (ValueError, TypeError, ValidationError) as error:
            raise NotFound from error
        if booking is None:
            raise NotFound
        return booking

    # --- Learners -----------------------------------------------------------------------------

    def bookable_learners(self, actor: Any) -> QuerySet[Learner]:
        """The learners `actor` may book onto events: those held by an organisation in which they
        run events (a partner's learner seen under an agreement is booked by their own
        organisation)."""
        if is_system(actor):
            return Learner.objects.all()
        if not is_person(actor):
            return Learner.objects.none()
        return learner_policy.changeable_by(actor, capability=Capability.EVENTS_ORGANISE)

    def named_learners(self, actor: Any) -> QuerySet[Learner]:
        """The learners `actor` may see by name."""
        if is_system(actor):
            return Learner.objects.all()
        if not is_person(actor):
            return Learner.objects.none()
        return learner_policy.visible_to(actor, needing=DataCategory.IDENTITY)

    # --- Work done by Widen itself -------------------------------------------------------------

    def require_system(self, actor: Any) -> None:
        """Sending reminders and removing adjustments after events is Widen's own daily work."""
        if not is_system(actor):
            raise NotFound


event_policy = EventPolicy()
