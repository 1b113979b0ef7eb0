"""The day of an event and after: checking people in (`services`), the check-in pages and the
public calendar, programme, agenda and certificate pages (`views`, `urls`), and check-in in the
API (`api`). The check-in services' public names are gathered here."""

from widen.events.checkin.services import (
    NO_ACTIVITY,
    UNNAMED,
    CheckInCounts,
    CheckInOutcome,
    booking_check_in,
    booking_check_in_undo,
    booking_for_checkin_code,
    booking_for_organiser,
    checkin_code,
    checkin_counts,
    checkin_list,
    checkin_search,
    event_for_checkin,
    may_check_in,
    shown_name,
    shown_names,
)

__all__ = [
    "NO_ACTIVITY",
    "UNNAMED",
    "CheckInCounts",
    "CheckInOutcome",
    "booking_check_in",
    "booking_check_in_undo",
    "booking_for_checkin_code",
    "booking_for_organiser",
    "checkin_code",
    "checkin_counts",
    "checkin_list",
    "checkin_search",
    "event_for_checkin",
    "may_check_in",
    "shown_name",
    "shown_names",
]
