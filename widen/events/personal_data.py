"""Event bookings and speakers in the register (see `widen.audit.registry`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from widen.accounts.capabilities import system_actor
from widen.audit.registry import (
    Action,
    Category,
    Erasure,
    KeptWhileParent,
    LawfulBasis,
    Retention,
    Subject,
    as_of,
    declare,
    declare_attribution,
    declare_not_personal,
)
from widen.events.models import ADJUSTMENT_FIELDS, Booking, Event, Presenter, Strand, Talk

ADJUSTMENTS_BLANK: dict[str, Any] = {
    name: (False if name in ("care_experienced", "disabled") else "") for name in ADJUSTMENT_FIELDS
}


def adjustments_blanked(today: date) -> int:
    """The events app's own rule: adjustments go once the event is over (and it takes no more)."""
    from widen.events.services import adjustments_purge  # noqa: PLC0415 - services load later

    return adjustments_purge(
        actor=system_actor("retention: adjustments after the event"), now=as_of(today)
    )


declare(
    model=Booking,
    subjects={Subject.LEARNER: "learner", Subject.EMAIL: "email", Subject.USER: "booked_by"},
    categories=frozenset(
        {Category.IDENTITY, Category.CONTACT, Category.PARTICIPATION, Category.SPECIAL_CATEGORY}
    ),
    lawful_basis=LawfulBasis.PUBLIC_TASK,
    retention=KeptWhileParent("as long as the event's record"),
    also=(
        Retention(
            "access requirements, adjustments, dietary needs and attending as a "
            "care-experienced or disabled learner: until the event ends",
            Action.ANONYMISE,
            carried_out_by=adjustments_blanked,
        ),
    ),
    erasure=Erasure.ANONYMISE,
    anonymised={"name": "Erased", "email": "", **ADJUSTMENTS_BLANK},
    not_exported=frozenset({"token_digest"}),
    title="Event bookings",
    organisation_path="organisation",
)
declare(
    model=Presenter,
    subjects={Subject.NAME: "name"},
    categories=frozenset({Category.IDENTITY}),
    lawful_basis=LawfulBasis.LEGITIMATE_INTERESTS,
    retention=KeptWhileParent("as long as the event's agenda"),
    erasure=Erasure.DELETE,
    title="Speaking at events",
    organisation_path="talk__event__organiser",
)
declare_attribution(Event, "created_by", title="Events you created")
declare_not_personal(Strand, "a strand of an event's agenda")
declare_not_personal(Talk, "a talk on an event's agenda")
