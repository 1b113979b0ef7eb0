"""Who may see and do what in 1-2-1 casework: cases, their notes, handovers and referrals, and
appointments.

* **A student support adviser** (`Capability.SUPPORT_CASEWORK`) sees and works on the cases and
  appointments of the students of the provider where they hold the role, and no other. An
  organisation admin, an outreach officer, or an adviser at a partner provider sees none of it
  (every refusal answers like a thing that does not exist).
* **A student** (signed in: `widen.students.mine.selectors.my_students`) sees their own cases
  (topic, summary, status, outcome, who is helping), the notes shared with them and their
  appointments; never an adviser's private note. They ask for appointments for themselves.

Work done by Widen itself names `system_actor(...)` and may do everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from widen.accounts.capabilities import (
    Capability,
    is_person,
)
from widen.core.policy import VIEW, Policy
from widen.organisations.models import Organisation
from widen.students.mine.selectors import my_students
from widen.support.models import Appointment, Case, CaseNote
from widen.support.permissions.providers import (
    holds_at_provider,
    holds_at_some_provider,
    providers_granting,
)

WORK = "work"  # notes, handovers, referrals, closing and re-opening; booking appointments


def casework_providers(actor: Any) -> QuerySet[Organisation]:
    """The HE providers whose students' casework `actor` does (every one, for the system)."""
    return providers_granting(actor, Capability.SUPPORT_CASEWORK)


def does_casework(actor: Any, organisation: Organisation | Any = None) -> bool:
    """Whether `actor` is a student support adviser at `organisation` (anywhere, when none)."""
    return holds_at_provider(actor, Capability.SUPPORT_CASEWORK, organisation)


def does_casework_somewhere(roles_held: Iterable[tuple[str, str]]) -> bool:
    """As `does_casework` with no organisation, from roles (role, organisation type) read once."""
    return holds_at_some_provider(roles_held, Capability.SUPPORT_CASEWORK)


class CasePolicy(Policy[Case]):
    """A case is seen and worked on by its provider's advisers only."""

    actions = frozenset({VIEW, WORK})

    def visible_to(self, actor: Any) -> QuerySet[Case]:
        return Case.objects.filter(organisation__in=casework_providers(actor))

    def _may(self, actor: Any, action: str, obj: Case) -> bool:
        return action == WORK and does_casework(actor, obj.organisation_id)


class CaseNotePolicy(Policy[CaseNote]):
    """A note is seen with its case, by its provider's advisers (never changed once written)."""

    def visible_to(self, actor: Any) -> QuerySet[CaseNote]:
        return CaseNote.objects.filter(case__in=case_policy.visible_to(actor))

    def _may(self, actor: Any, action: str, obj: CaseNote) -> bool:
        return False


class AppointmentPolicy(Policy[Appointment]):
    """Appointments are seen and booked by the provider's advisers; the student sees their own
    (`my_appointments`)."""

    actions = frozenset({VIEW, WORK})

    def visible_to(self, actor: Any) -> QuerySet[Appointment]:
        return Appointment.objects.filter(organisation__in=casework_providers(actor))

    def _may(self, actor: Any, action: str, obj: Appointment) -> bool:
        return action == WORK and does_casework(actor, obj.organisation_id)


def my_cases(actor: Any) -> QuerySet[Case]:
    """A signed-in student's own cases (none for anyone else)."""
    if not is_person(actor):
        return Case.objects.none()
    return Case.objects.filter(student__in=my_students(actor=actor))


def my_shared_notes(actor: Any) -> QuerySet[CaseNote]:
    """The notes of a student's own cases that were shared with them; never the private ones."""
    return CaseNote.objects.filter(case__in=my_cases(actor), shared_with_student=True)


def my_appointments(actor: Any) -> QuerySet[Appointment]:
    """A signed-in student's own appointments."""
    if not is_person(actor):
        return Appointment.objects.none()
    return Appointment.objects.filter(student__in=my_students(actor=actor))


case_policy = CasePolicy()
case_note_policy = CaseNotePolicy()
appointment_policy = AppointmentPolicy()
