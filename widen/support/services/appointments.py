"""1-2-1 appointments: a student asks for one (topic, what they would like help with, preferred
times, how), an adviser of their provider books it (when, where or how to join, with whom) and
the student is told; an adviser opens a case from the request; an appointment is then held or
cancelled. Moves go through `APPOINTMENT_WORKFLOW`, every write is audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from widen.accounts.capabilities import require_actor
from widen.core.exceptions import ApplicationError, NotFound
from widen.students.mine.selectors import my_students
from widen.support.models import (
    APPOINTMENT_WORKFLOW,
    Appointment,
    AppointmentMode,
    AppointmentStatus,
    Case,
    CaseTopic,
)
from widen.support.permissions.casework import WORK, appointment_policy
from widen.support.permissions.providers import is_adviser_of
from widen.support.services.casework import case_open, tell_student

REQUEST_MAX_LENGTH = 4_000


def _work_on(actor: Any, appointment: Appointment) -> Appointment:
    require_actor(actor)
    return appointment_policy.get(actor, appointment.pk, action=WORK)


def appointment_request(
    *,
    actor: Any,
    topic: str,
    request: str,
    preferred_times: str = "",
    mode: str = AppointmentMode.IN_PERSON,
    organisation_id: Any = None,
) -> Appointment:
    """A signed-in student asks their provider's advisers for a 1-2-1 appointment."""
    require_actor(actor)
    students = my_students(actor=actor).select_related("organisation")
    if organisation_id is not None:
        students = students.filter(organisation_id=organisation_id)
    student = students.first()
    if student is None:
        raise NotFound
    if topic not in CaseTopic.values:
        raise ApplicationError("Choose what you would like help with.", field="topic")
    if mode not in AppointmentMode.values:
        raise ApplicationError("Choose how you would like to meet.", field="mode")
    request = (request or "").strip()
    if not request:
        raise ApplicationError("Say a little about what you would like help with.", field="request")
    if len(request) > REQUEST_MAX_LENGTH:
        raise ApplicationError(f"Keep it to {REQUEST_MAX_LENGTH:,} characters.", field="request")
    return Appointment.objects.create(
        organisation=student.organisation,
        student=student,
        topic=topic,
        request=request,
        preferred_times=(preferred_times or "").strip()[:200],
        mode=mode,
    )


def appointment_book(
    *, actor: Any, appointment: Appointment, starts_at: datetime | None, where: str, adviser: Any
) -> Appointment:
    """Book an appointment asked for: when, where (a room, or how to join) and with which
    adviser of the provider; the student is told."""
    appointment = _work_on(actor, appointment)
    if starts_at is None:
        raise ApplicationError("Choose the day and time.", field="starts_at")
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)  # read as UK time
    if starts_at < timezone.now():
        raise ApplicationError("Choose a time that has not passed.", field="starts_at")
    where = (where or "").strip()
    if not where:
        raise ApplicationError("Say where, or how to join.", field="where")
    if adviser is None or not is_adviser_of(adviser, appointment.organisation_id):
        raise ApplicationError(
            "Choose a student support adviser at this provider.", field="adviser"
        )
    with transaction.atomic():
        booked = APPOINTMENT_WORKFLOW.apply(
            appointment,
            "book",
            actor=actor,
            changes={"starts_at": starts_at, "where": where[:200], "adviser": adviser},
        )
        tell_student(
            appointment.student,
            "support/appointment_booked",
            link=reverse("support:cases_mine"),
            topic=booked.get_topic_display(),
            when=timezone.localtime(starts_at).strftime("%A %-d %B %Y at %H:%M"),
            where=booked.where,
            mode=booked.get_mode_display(),
            adviser=str(adviser.get_full_name() or adviser.username),
        )
    return booked


def appointment_hold(*, actor: Any, appointment: Appointment) -> Appointment:
    """The appointment took place."""
    appointment = _work_on(actor, appointment)
    return APPOINTMENT_WORKFLOW.apply(appointment, "hold", actor=actor)


def appointment_cancel(*, actor: Any, appointment: Appointment, reason: str = "") -> Appointment:
    """Cancel an appointment asked for or booked."""
    appointment = _work_on(actor, appointment)
    return APPOINTMENT_WORKFLOW.apply(
        appointment, "cancel", actor=actor, reason=(reason or "").strip()[:500]
    )


def case_open_from_appointment(
    *,
    actor: Any,
    appointment: Appointment,
    summary: str,
    assignee: Any = None,
    follow_up_on: Any = None,
) -> Case:
    """Open a case from a student's appointment request, about its topic, linked to it; the
    student is told."""
    appointment = _work_on(actor, appointment)
    if appointment.case_id is not None:
        raise ApplicationError("A case was opened from this request already.", field="summary")
    if appointment.status == AppointmentStatus.CANCELLED:
        raise ApplicationError("This appointment was cancelled.", field="summary")
    with transaction.atomic():
        case = case_open(
            actor=actor,
            organisation=appointment.organisation,
            student=appointment.student,
            topic=appointment.topic,
            summary=summary,
            assignee=assignee,
            follow_up_on=follow_up_on,
            tell=True,
        )
        appointment.case = case
        appointment.save(update_fields=["case", "updated_at"])
    return case
