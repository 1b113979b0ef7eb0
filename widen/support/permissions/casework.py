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

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from widen.accounts.capabilities import (
    Capability,
    holds,
    is_person,
    is_system,
    organisations_granting,
    people_holding,
    role_grants,
)
from widen.core.policy import VIEW, Policy
from widen.organisations.models import Organisation, OrganisationType
from widen.students.mine.selectors import my_students
from widen.support.models import Appointment, Case, CaseNote

WORK = "work"  # notes, handovers, referrals, closing and re-opening; booking appointments


def casework_providers(actor: Any) -> QuerySet[Organisation]:
    """The HE providers whose students' casework `actor` does (every one, for the system)."""
    providers = Organisation.objects.filter(organisation_type=OrganisationType.HE_PROVIDER)
    if is_system(actor):
        return providers
    if not is_person(actor):
        return providers.none()
    return organisations_granting(actor, Capability.SUPPORT_CASEWORK).filter(
        organisation_type=OrganisationType.HE_PROVIDER
    )


def does_casework(actor: Any, organisation: Organisation | Any = None) -> bool:
    """Whether `actor` is a student support adviser at `organisation` (anywhere, when none)."""
    if is_system(actor):
        return True
    if organisation is None:
        return casework_providers(actor).exists()
    return (
        holds(actor, Capability.SUPPORT_CASEWORK, organisation)
        and casework_providers(actor).filter(pk=getattr(organisation, "pk", organisation)).exists()
    )


def does_casework_somewhere(roles_held: Iterable[tuple[str, str]]) -> bool:
    """As `does_casework` with no organisation, from roles (role, organisation type) read once."""
    return any(
        role_grants(role, Capability.SUPPORT_CASEWORK)
        and organisation_type == OrganisationType.HE_PROVIDER
        for role, organisation_type in roles_held
    )


def advisers_of(organisation: Organisation | Any) -> QuerySet[Any]:
    """The active student support advisers of a provider: who a case may be assigned to,
    reviewed by or handed over to."""
    return people_holding(Capability.SUPPORT_CASEWORK, [organisation]).order_by(
        "first_name", "last_name", "username"
    )


def advisers_at(organisations: Iterable[Any]) -> QuerySet[Any]:
    """The active student support advisers of any of `organisations` (say, all of mine)."""
    return people_holding(Capability.SUPPORT_CASEWORK, organisations).order_by(
        "first_name", "last_name", "username"
    )


def is_adviser_of(person: Any, organisation: Organisation | Any) -> bool:
    user_model = get_user_model()
    return (
        isinstance(person, user_model) and advisers_of(organisation).filter(pk=person.pk).exists()
    )


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
