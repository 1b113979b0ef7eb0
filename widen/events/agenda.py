"""A conference's programme (strands, talks and their presenters) and each booking's personal
agenda: the talks its holder chooses, never two at the same time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from widen.audit.services import audit_event_record
from widen.core.exceptions import ApplicationError
from widen.events.models import Booking, BookingStatus, Event, Strand, Talk

AGENDA_MAX = 200


@dataclass
class StrandProgramme:
    strand: Strand | None  # None: talks in no strand (plenaries, breaks)
    talks: list[Talk] = field(default_factory=list)


def programme(event: Event) -> list[StrandProgramme]:
    """The event's talks by strand (talks in no strand first), each in time order, with their
    presenters loaded."""
    talks = (
        Talk.objects.filter(event=event)
        .select_related("strand")
        .prefetch_related("presenters")
        .order_by("starts_at", "title")
    )
    by_strand: dict[UUID | None, StrandProgramme] = {None: StrandProgramme(strand=None)}
    for strand in Strand.objects.filter(event=event).order_by("title"):
        by_strand[strand.pk] = StrandProgramme(strand=strand)
    for talk in talks:
        by_strand.setdefault(talk.strand_id, StrandProgramme(strand=talk.strand)).talks.append(talk)
    return [group for group in by_strand.values() if group.talks]


def _time(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


def _span(talk: Talk) -> str:
    starts = timezone.localtime(talk.starts_at)
    ends = timezone.localtime(talk.ends_at)
    day = f"{starts:%a} {starts.day} {starts:%b} " if starts.date() != ends.date() else ""
    return f"{day}{_time(talk.starts_at)}–{_time(talk.ends_at)}"


def agenda_clash(talks: Iterable[Talk]) -> tuple[Talk, Talk] | None:
    """The first two talks (in time order) that overlap, if any. Back-to-back is no clash."""
    ordered = sorted(talks, key=lambda talk: (talk.starts_at, talk.ends_at, talk.title))
    latest: Talk | None = None
    for talk in ordered:
        if latest is not None and talk.starts_at < latest.ends_at:
            return latest, talk
        if latest is None or talk.ends_at > latest.ends_at:
            latest = talk
    return None


def agenda_clash_refuse(talks: Iterable[Talk], *, field: str = "talks") -> None:
    """Refuse an agenda with two talks on at the same time, naming both."""
    clash = agenda_clash(talks)
    if clash is not None:
        first, second = clash
        raise ApplicationError(
            f"“{first.title}” ({_span(first)}) and “{second.title}” ({_span(second)}) are on "
            "at the same time: choose one of them.",
            field=field,
        )


def talk_ids_clean(talk_ids: Iterable[UUID | str], *, field: str) -> set[UUID]:
    """The talks chosen, as ids: one that is not an id, or more than AGENDA_MAX, is refused on
    `field`."""
    wanted: set[UUID] = set()
    for talk_id in talk_ids:
        try:
            wanted.add(talk_id if isinstance(talk_id, UUID) else UUID(str(talk_id)))
        except ValueError:
            raise ApplicationError(
                "Choose talks from this event's programme.", field=field
            ) from None
        if len(wanted) > AGENDA_MAX:
            raise ApplicationError("Choose fewer talks.", field=field)
    return wanted


def agenda_choose(*, booking: Booking, talk_ids: Iterable[UUID | str]) -> list[Talk]:
    """Set the booking's personal agenda to these talks. Two that overlap are refused, naming
    both, and nothing is saved."""
    wanted = talk_ids_clean(talk_ids, field="talks")
    with transaction.atomic():
        locked = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("event")
            .get(pk=booking.pk)
        )
        if locked.status == BookingStatus.CANCELLED:
            raise ApplicationError(
                "This booking is cancelled, so its agenda cannot be changed.", field="talks"
            )
        talks = list(Talk.objects.filter(event_id=locked.event_id, pk__in=wanted))
        if len(talks) != len(wanted):
            raise ApplicationError("Choose talks from this event's programme.", field="talks")
        agenda_clash_refuse(talks)
        before = set(locked.agenda.values_list("pk", flat=True))
        if before != wanted:
            locked.agenda.set(talks)
            audit_event_record(
                action="update",
                object_type=Booking._meta.label_lower,
                object_id=locked.pk,
                learner_id=locked.learner_id,
                organisation_id=locked.organisation_id,
                changed_fields=["agenda"],
            )
    return sorted(talks, key=lambda talk: (talk.starts_at, talk.title))
