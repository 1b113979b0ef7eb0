"""Event bookings and speakers in the register (see `widen.audit.registry`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from widen.accounts.capabilities import system_actor
from widen.audit import registry
from widen.events.models import ADJUSTMENT_FIELDS, Booking, Event, Presenter, Strand, Talk

ADJUSTMENTS_BLANK: dict[str, Any] = {
    name: (False if name in ("care_experienced", "disabled") else "") for name in ADJUSTMENT_FIELDS
}


def adjustments_blanked(today: date) -> int:
    """The events app's own rule: adjustments go once the event is over (and it takes no more)."""
    from widen.events.services import adjustments_purge  # noqa: PLC0415 - services load later

    return adjustments_purge(
        actor=system_actor("retention: adjustments after the event"), now=registry.as_of(today)
    )


registry.declare(
    model=Booking,
    subjects={
        registry.Subject.LEARNER: "learner",
        registry.Subject.EMAIL: "email",
        registry.Subject.USER: "booked_by",
    },
    categories=frozenset(
        {
            registry.Category.IDENTITY,
            registry.Category.CONTACT,
            registry.Category.PARTICIPATION,
            registry.Category.SPECIAL_CATEGORY,
        }
    ),
    lawful_basis=registry.LawfulBasis.PUBLIC_TASK,
    retention=registry.KeptWhileParent("as long as the event's record"),
    also=(
        registry.Retention(
            "access requirements, adjustments, dietary needs and attending as a "
            "care-experienced or disabled learner: until the event ends",
            registry.Action.ANONYMISE,
            carried_out_by=adjustments_blanked,
        ),
    ),
    erasure=registry.Erasure.ANONYMISE,
    anonymised={"name": "Erased", "email": "", **ADJUSTMENTS_BLANK},
    not_exported=frozenset({"token_digest"}),
    title="Event bookings",
    organisation_path="organisation",
)
registry.declare(
    model=Presenter,
    subjects={registry.Subject.NAME: "name"},
    categories=frozenset({registry.Category.IDENTITY}),
    lawful_basis=registry.LawfulBasis.LEGITIMATE_INTERESTS,
    retention=registry.KeptWhileParent("as long as the event's agenda"),
    erasure=registry.Erasure.DELETE,
    title="Speaking at events",
    organisation_path="talk__event__organiser",
)
registry.declare_attribution(Event, "created_by", title="Events you created")
registry.declare_not_personal(Strand, "a strand of an event's agenda")
registry.declare_not_personal(Talk, "a talk on an event's agenda")
