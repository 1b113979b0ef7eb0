"""Every write to events and bookings, by concern:

* `bookings`: a person's own booking (capacity, the waiting list, the one-time link), and a
  booking cancelled by the organisers;
* `organising`: events created and changed by their organisers, and invitation links;
* `programme`: an event's strands, talks and presenters;
* `group_bookings`: staff booking a group of learners;
* `reminders`: Widen's daily work (tomorrow's reminders, the retention rule);
* `mail`: the e-mails all of them send.

Who may do what is `widen.events.permissions.event_policy`'s to decide; every service that acts
for a person takes the `actor` and asks it. The public names are gathered here.
"""

from widen.events.services.bookings import (
    BookingDetails,
    BookingMade,
    booking_cancel,
    booking_cancel_by_organiser,
    booking_change,
    booking_create,
    booking_for_link,
    booking_link_renew,
)
from widen.events.services.common import BOOKING_LINK_PATH, NAME_MAX, TEXT_MAX
from widen.events.services.group_bookings import (
    GROUP_MOST,
    GroupBookingOutcome,
    group_booking_create,
)
from widen.events.services.organising import (
    CAPACITY_MOST,
    INVITATION_LINK_PATH,
    TITLE_MAX,
    YEAR_GROUPS,
    EventDetails,
    EventMade,
    event_create,
    event_for_invitation,
    event_invitation_renew,
    event_update,
)
from widen.events.services.programme import presenter_add, strand_create, talk_create
from widen.events.services.reminders import REMINDER_AHEAD, adjustments_purge, reminders_send

__all__ = [
    "BOOKING_LINK_PATH",
    "CAPACITY_MOST",
    "GROUP_MOST",
    "INVITATION_LINK_PATH",
    "NAME_MAX",
    "REMINDER_AHEAD",
    "TEXT_MAX",
    "TITLE_MAX",
    "YEAR_GROUPS",
    "BookingDetails",
    "BookingMade",
    "EventDetails",
    "EventMade",
    "GroupBookingOutcome",
    "adjustments_purge",
    "booking_cancel",
    "booking_cancel_by_organiser",
    "booking_change",
    "booking_create",
    "booking_for_link",
    "booking_link_renew",
    "event_create",
    "event_for_invitation",
    "event_invitation_renew",
    "event_update",
    "group_booking_create",
    "presenter_add",
    "reminders_send",
    "strand_create",
    "talk_create",
]
