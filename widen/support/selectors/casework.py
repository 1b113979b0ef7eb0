"""Reading 1-2-1 casework for its pages and the API: each read scoped by the casework policy,
and every read of a case put in the access log (the student, special category data).

Cases are found by topic, status, who is helping and follow-up dates, never by what their notes
say: notes are encrypted and read only on their own case (a filter on them is refused).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from widen.audit.models import StateChange
from widen.core.exceptions import ApplicationError, NotFound
from widen.organisations.models import DataCategory
from widen.support.models import (
    Appointment,
    AppointmentStatus,
    Case,
    CaseStatus,
    CaseTopic,
)
from widen.support.permissions.casework import (
    appointment_policy,
    case_policy,
    casework_providers,
    my_appointments,
    my_cases,
)
from widen.support.permissions.providers import advisers_of
from widen.support.selectors.reads import support_reads_record

SUBJECT_TYPE = "students.student"
CATEGORIES_SHOWN = frozenset({DataCategory.IDENTITY, DataCategory.SPECIAL_CATEGORY})
# What a list of cases may be narrowed by; anything else (above all a note's words) is refused.
FILTERS = ("topic", "status")
NOT_BY_NOTES = (
    "Cases cannot be searched or filtered by what their notes say: notes are encrypted and read "
    "only on their own case. Filter by topic or status."
)
SEARCHING_WORDS = ("note", "body", "search", "q", "text", "details", "request")


@dataclass(frozen=True)
class CaseFilters:
    topic: str = ""
    status: str = ""

    def apply(self, cases: QuerySet[Case]) -> QuerySet[Case]:
        if self.topic:
            cases = cases.filter(topic=self.topic)
        if self.status:
            cases = cases.filter(status=self.status)
        return cases


def case_filters(params: Any) -> CaseFilters:
    """The filters asked for in a query string; a search of notes (or any field not allowed) is
    refused with why, and a topic or status that does not exist is refused too."""
    for name in params:
        if name in FILTERS or name in {"page", "limit", "offset", "view"}:
            continue
        lowered = name.lower()
        if any(word == lowered or word in lowered.split("__") for word in SEARCHING_WORDS) or (
            "note" in lowered
        ):
            raise ApplicationError(NOT_BY_NOTES, field=name)
        raise ApplicationError(
            f"Cases cannot be filtered by {name!r}: filter by topic or status.", field=name
        )
    topic = str(params.get("topic") or "")
    status = str(params.get("status") or "")
    if topic and topic not in CaseTopic.values:
        raise ApplicationError("Choose a topic from the list.", field="topic")
    if status and status not in CaseStatus.values:
        raise ApplicationError("Choose open or closed.", field="status")
    return CaseFilters(topic=topic, status=status)


def _with_people(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related("student", "organisation", "assignee", "reviewer")


def case_list(*, actor: Any, filters: CaseFilters | None = None) -> QuerySet[Case]:
    """The cases of the providers where `actor` is an adviser, the newest first."""
    cases = _with_people(case_policy.visible_to(actor))
    if filters is not None:
        cases = filters.apply(cases)
    return cases.order_by("-created_at", "pk")


def case_get(*, actor: Any, case_id: UUID | str) -> Case:
    """One case `actor` works on as an adviser (NotFound for any other)."""
    found = _with_people(case_policy.visible_to(actor)).filter(pk=case_id).first()
    if found is None:
        raise NotFound
    return found


def my_open_cases(*, actor: Any) -> QuerySet[Case]:
    """Open cases assigned to `actor`, the soonest follow-up first."""
    return (
        case_list(actor=actor)
        .filter(assignee_id=getattr(actor, "pk", None), status=CaseStatus.OPEN)
        .order_by("follow_up_on", "created_at", "pk")
    )


def my_follow_ups(*, actor: Any, today: date | None = None) -> QuerySet[Case]:
    """`actor`'s open cases to follow up today or before."""
    today = today or timezone.localdate()
    return my_open_cases(actor=actor).filter(follow_up_on__lte=today)


def overdue_cases(*, actor: Any, today: date | None = None) -> QuerySet[Case]:
    """Open cases of `actor`'s providers whose follow-up day has passed, the oldest first."""
    today = today or timezone.localdate()
    return (
        case_list(actor=actor)
        .filter(status=CaseStatus.OPEN, follow_up_on__lt=today)
        .order_by("follow_up_on", "pk")
    )


@dataclass(frozen=True)
class AdviserLoad:
    name: str
    open_cases: int
    overdue: int


@dataclass(frozen=True)
class TopicCount:
    label: str
    open_cases: int


@dataclass
class Caseload:
    advisers: list[AdviserLoad] = field(default_factory=list)
    topics: list[TopicCount] = field(default_factory=list)
    unassigned: int = 0

    @property
    def open_cases(self) -> int:
        return sum(topic.open_cases for topic in self.topics)


def caseload(*, actor: Any, today: date | None = None) -> Caseload:
    """Open cases per adviser of `actor`'s providers (with how many are overdue), those nobody
    is helping with, and the team's open cases by topic."""
    today = today or timezone.localdate()
    open_cases = case_policy.visible_to(actor).filter(status=CaseStatus.OPEN).order_by()
    per_adviser = {
        row["assignee_id"]: row
        for row in open_cases.values("assignee_id").annotate(
            n=Count("pk"), late=Count("pk", filter=Q(follow_up_on__lt=today))
        )
    }
    load = Caseload()
    seen: set[Any] = set()
    for provider in casework_providers(actor).order_by("name"):
        for adviser in advisers_of(provider):
            if adviser.pk in seen:
                continue
            seen.add(adviser.pk)
            row = per_adviser.get(adviser.pk, {})
            load.advisers.append(
                AdviserLoad(
                    adviser.get_full_name() or adviser.username,
                    row.get("n", 0),
                    row.get("late", 0),
                )
            )
    load.unassigned = per_adviser.get(None, {}).get("n", 0)
    by_topic = dict(open_cases.values_list("topic").annotate(n=Count("pk")))
    load.topics = [TopicCount(label, by_topic.get(value, 0)) for value, label in CaseTopic.choices]
    return load


def case_views_record(*, actor: Any, cases: list[Case], purpose: str) -> int:
    """Put each case read (its page, a list, the API) in the access log: the student it is
    about (and their linked learner), special category data, by whom."""
    return support_reads_record(
        actor=actor, rows=cases, purpose=purpose, data_categories=CATEGORIES_SHOWN
    )


@dataclass(frozen=True)
class TimelineEntry:
    """One thing that happened on a case, for its timeline."""

    at: datetime
    kind: str  # "note", "shared note", "handover", "referral", "referral closed", "status", ...
    title: str
    text: str = ""
    who: str = ""
    shared: bool = False

    @property
    def is_appointment(self) -> bool:
        """An appointment's title says when it is; the day it was asked for is not shown."""
        return self.kind == "appointment"


def _name(person: Any) -> str:
    if person is None:
        return ""
    return str(person.get_full_name() or person.username)


def case_timeline(case: Case) -> list[TimelineEntry]:
    """Everything on a case, oldest first: notes (private and shared), handovers, referrals and
    their outcomes, appointments, and each close and re-open (with the outcome given). For the
    case's advisers only: private notes are in it."""
    entries: list[TimelineEntry] = [
        TimelineEntry(case.created_at, "opened", "Case opened", case.summary, _name(case.opened_by))
    ]
    for note in case.notes.select_related("written_by"):
        entries.append(
            TimelineEntry(
                note.written_at,
                "shared note" if note.shared_with_student else "note",
                "Shared with the student" if note.shared_with_student else "Private note",
                note.body,
                _name(note.written_by),
                note.shared_with_student,
            )
        )
    for handover in case.handovers.select_related("from_adviser", "to_adviser", "handed_over_by"):
        from_name = _name(handover.from_adviser) or "nobody"
        entries.append(
            TimelineEntry(
                handover.handed_over_at,
                "handover",
                f"Handed over from {from_name} to {_name(handover.to_adviser)}",
                handover.note,
                _name(handover.handed_over_by),
            )
        )
    for referral in case.referrals.select_related("referred_by"):
        where = referral.get_service_display()
        if referral.service_name:
            where = f"{where}: {referral.service_name}"
        consent = (
            f"The student agreed on {referral.consent_given_on:%-d %B %Y}, {referral.consent_how}."
        )
        entries.append(
            TimelineEntry(
                referral.referred_at,
                "referral",
                f"Referred to {where}",
                f"{consent}\n{referral.details}".strip(),
                _name(referral.referred_by),
            )
        )
        if referral.closed_at:
            entries.append(
                TimelineEntry(
                    referral.closed_at,
                    "referral closed",
                    f"Referral to {where} closed",
                    referral.outcome,
                )
            )
    for appointment in case.appointments.select_related("adviser"):
        entries.append(_appointment_entry(appointment))
    changes = list(
        StateChange.objects.filter(
            object_type=Case._meta.label_lower, object_id=str(case.pk)
        ).order_by("occurred_at")
    )
    people = {
        person.pk: _name(person)
        for person in get_user_model().objects.filter(
            pk__in={change.actor_id for change in changes if change.actor_id}
        )
    }
    for change in changes:
        closed = change.to_state == CaseStatus.CLOSED
        entries.append(
            TimelineEntry(
                change.occurred_at,
                "closed" if closed else "reopened",
                "Case closed" if closed else "Case re-opened",
                change.reason,
                people.get(change.actor_id) or change.actor_username or "Widen",
            )
        )
    return sorted(entries, key=lambda entry: entry.at)


def _appointment_entry(appointment: Appointment) -> TimelineEntry:
    when = (
        timezone.localtime(appointment.starts_at).strftime("%-d %B %Y at %H:%M")
        if appointment.starts_at
        else "no time set yet"
    )
    return TimelineEntry(
        appointment.created_at,
        "appointment",
        f"Appointment ({appointment.get_status_display().lower()}): {when}",
        f"{appointment.get_mode_display()}{', ' + appointment.where if appointment.where else ''}",
        _name(appointment.adviser),
    )


def my_case_list(*, actor: Any) -> QuerySet[Case]:
    """A student's own cases, the open ones first, then the newest."""
    return (
        my_cases(actor)
        .select_related("assignee", "organisation")
        .order_by("status", "-created_at", "pk")
    )


def my_case_timeline(case: Case) -> list[TimelineEntry]:
    """What a student sees of their case's history: when it was opened, what was agreed (shared
    notes) and their appointments (its status and outcome are on the case). Never a private
    note, a handover or a referral's details."""
    entries = [TimelineEntry(case.created_at, "opened", "Case opened", case.summary)]
    entries += [
        TimelineEntry(note.written_at, "shared note", "What we agreed", note.body, shared=True)
        for note in case.notes.filter(shared_with_student=True)
    ]
    entries += [_appointment_entry(a) for a in case.appointments.select_related("adviser")]
    return sorted(entries, key=lambda entry: entry.at)


def appointment_requests(*, actor: Any) -> QuerySet[Appointment]:
    """Appointments students asked for at `actor`'s providers, waiting to be booked, oldest
    first."""
    return (
        appointment_policy.visible_to(actor)
        .filter(status=AppointmentStatus.REQUESTED)
        .select_related("student", "organisation")
        .order_by("created_at", "pk")
    )


def appointments_booked(*, actor: Any) -> QuerySet[Appointment]:
    """Booked appointments at `actor`'s providers, the soonest first."""
    return (
        appointment_policy.visible_to(actor)
        .filter(status=AppointmentStatus.BOOKED)
        .select_related("student", "adviser", "case")
        .order_by("starts_at", "pk")
    )


def appointment_get(*, actor: Any, appointment_id: UUID | str) -> Appointment:
    found = (
        appointment_policy.visible_to(actor)
        .filter(pk=appointment_id)
        .select_related("student", "adviser", "case", "organisation")
        .first()
    )
    if found is None:
        raise NotFound
    return found


def my_appointment_list(*, actor: Any) -> QuerySet[Appointment]:
    """A student's own appointments, the newest first."""
    return (
        my_appointments(actor)
        .select_related("adviser", "organisation")
        .order_by("-created_at", "pk")
    )
