"""The capability registry: which roles may do what, by name.

A role (`Membership.role`) grants named capabilities (`events.organise`, `learners.edit`, ...).
Every app's `permissions.py` builds its policy on these functions; nothing else looks at roles or
memberships. A new area adds its capabilities here and grants them to roles in `GRANTS`.

Work done by Widen itself (a command, a background job, the demo) names a `SystemActor`
explicitly; it holds every capability. Nobody gets anything because an argument is missing: an
actor that is neither a signed-in, active person nor a system actor holds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db.models import QuerySet

from widen.accounts.models import ROLE_CAPABILITIES, Membership, Role, User
from widen.organisations.models import Organisation, Partnership


class Capability(StrEnum):
    """Something a person may do, named `<app>.<verb>`."""

    LEARNERS_EDIT = "learners.edit"
    LEARNERS_REVIEW_DUPLICATES = "learners.review_duplicates"
    AUDIT_SEE = "audit.see"
    PARTNERSHIP_MANAGE = "organisations.manage_partnership"
    TARGETING_MANAGE = "targeting.manage_rule_sets"
    PROGRAMMES_ENROL = "programmes.enrol"
    PROGRAMMES_DESIGN = "programmes.design"
    ACTIVITIES_DELIVER = "activities.deliver"
    ACTIVITIES_TAKE_SCHOOL_REGISTER = "activities.take_school_register"
    EVENTS_ORGANISE = "events.organise"
    SURVEYS_RUN = "evaluation.run_surveys"
    SURVEYS_SEND = "evaluation.send_survey_links"
    SURVEYS_MANAGE_PARTNERSHIP = "evaluation.manage_partnership_surveys"
    THEORY_OF_CHANGE_EDIT = "evaluation.edit_theory_of_change"
    PAYMENTS_MANAGE = "payments.manage"
    RIGHTS_HANDLE = "rights.handle_requests"
    STUDENTS_MANAGE = "students.manage"
    PARTNERS_COORDINATE = "partners.coordinate"
    SUPPORT_SCHEMES_MANAGE = "support.manage_schemes"
    SUPPORT_AWARDS_MANAGE = "support.manage_awards"
    SUPPORT_CASEWORK = "support.casework"
    MENTORING_COORDINATE = "mentoring.coordinate"


_DELIVERY = {
    Capability.ACTIVITIES_DELIVER,
    Capability.EVENTS_ORGANISE,
    Capability.PROGRAMMES_ENROL,
    Capability.SURVEYS_RUN,
    Capability.SURVEYS_SEND,
}

GRANTS: dict[str, frozenset[Capability]] = {
    Role.PARTNERSHIP_ADMIN: frozenset(
        _DELIVERY
        | {
            Capability.LEARNERS_EDIT,
            Capability.LEARNERS_REVIEW_DUPLICATES,
            Capability.AUDIT_SEE,
            Capability.PARTNERSHIP_MANAGE,
            Capability.TARGETING_MANAGE,
            Capability.PROGRAMMES_DESIGN,
            Capability.SURVEYS_MANAGE_PARTNERSHIP,
            Capability.THEORY_OF_CHANGE_EDIT,
            Capability.PAYMENTS_MANAGE,
            Capability.STUDENTS_MANAGE,
            Capability.PARTNERS_COORDINATE,
            Capability.SUPPORT_SCHEMES_MANAGE,
            Capability.MENTORING_COORDINATE,
        }
    ),
    Role.ORGANISATION_ADMIN: frozenset(
        _DELIVERY
        | {
            Capability.LEARNERS_EDIT,
            Capability.LEARNERS_REVIEW_DUPLICATES,
            Capability.AUDIT_SEE,
            Capability.PAYMENTS_MANAGE,
            Capability.RIGHTS_HANDLE,
            Capability.STUDENTS_MANAGE,
            Capability.PARTNERS_COORDINATE,
            Capability.SUPPORT_SCHEMES_MANAGE,
            Capability.SUPPORT_AWARDS_MANAGE,
            Capability.MENTORING_COORDINATE,
        }
    ),
    Role.OUTREACH_OFFICER: frozenset(
        _DELIVERY
        | {
            Capability.LEARNERS_EDIT,
            Capability.THEORY_OF_CHANGE_EDIT,
            Capability.STUDENTS_MANAGE,
            Capability.PARTNERS_COORDINATE,
            Capability.SUPPORT_SCHEMES_MANAGE,
            Capability.MENTORING_COORDINATE,
        }
    ),
    Role.SCHOOL_STAFF: frozenset(
        {Capability.LEARNERS_EDIT, Capability.ACTIVITIES_TAKE_SCHOOL_REGISTER}
    ),
    Role.EVALUATOR: frozenset({Capability.SURVEYS_RUN}),
    Role.DATA_PROTECTION_OFFICER: frozenset({Capability.AUDIT_SEE, Capability.RIGHTS_HANDLE}),
    Role.READ_ONLY: frozenset(),
    # Casework (notes on a student's funding, housing, health) is for advisers alone: not even an
    # organisation admin reads it.
    Role.STUDENT_SUPPORT_ADVISER: frozenset(
        {
            Capability.SUPPORT_SCHEMES_MANAGE,
            Capability.SUPPORT_AWARDS_MANAGE,
            Capability.SUPPORT_CASEWORK,
            Capability.MENTORING_COORDINATE,
        }
    ),
}


def _check_grants_agree_with_roles() -> None:
    """The learner-data flags on `RoleCapabilities` and the registry say the same thing."""
    for role, powers in ROLE_CAPABILITIES.items():
        granted = GRANTS[role]
        assert powers.edits_learners == (Capability.LEARNERS_EDIT in granted), role
        assert powers.sees_audit == (Capability.AUDIT_SEE in granted), role
        assert powers.manages_partnership == (Capability.PARTNERSHIP_MANAGE in granted), role
        # Survey links go to named people: never from a role that sees learners pseudonymised.
        assert not (powers.pseudonymised and Capability.SURVEYS_SEND in granted), role


_check_grants_agree_with_roles()


@dataclass(frozen=True)
class SystemActor:
    """Widen itself doing work nobody clicked for: a command, a job, the demo. Holds every
    capability; `reason` says what the work is (it is written to the audit trail's context)."""

    reason: str
    is_authenticated: bool = True
    is_active: bool = True
    is_system: bool = True
    pk: None = None
    id: None = None

    def __str__(self) -> str:
        return f"Widen ({self.reason})"


def system_actor(reason: str) -> SystemActor:
    if not reason.strip():
        raise ValueError("A system actor says what it is doing.")
    return SystemActor(reason=reason)


def is_system(actor: Any) -> bool:
    return isinstance(actor, SystemActor)


def require_actor(actor: Any) -> Any:
    """`actor`, or `TypeError` when it is missing: a service never lets work through because
    nobody said who is doing it (a person, or `system_actor(reason)`)."""
    if actor is None:
        raise TypeError("Say who is acting: a signed-in person, or system_actor(reason).")
    return actor


def is_person(actor: Any) -> bool:
    """A signed-in, active person (not the system, not anonymous, not missing)."""
    return (
        actor is not None
        and not is_system(actor)
        and bool(getattr(actor, "is_authenticated", False))
        and bool(getattr(actor, "is_active", False))
    )


def roles_granting(capability: Capability) -> frozenset[str]:
    return frozenset(role for role, granted in GRANTS.items() if capability in granted)


def role_grants(role: str, capability: Capability) -> bool:
    return capability in GRANTS.get(role, frozenset())


def capabilities_of_role(role: str) -> frozenset[Capability]:
    return GRANTS.get(role, frozenset())


def memberships_granting(actor: Any, capability: Capability) -> QuerySet[Membership]:
    """`actor`'s memberships whose role grants `capability` (none for a system actor: it has
    no organisation; ask `holds` for yes or no)."""
    if not is_person(actor):
        return Membership.objects.none()
    return Membership.objects.filter(user=actor, role__in=sorted(roles_granting(capability)))


def organisations_granting(actor: Any, capability: Capability) -> QuerySet[Organisation]:
    """The organisations in which `actor` holds `capability`, as one query (usable as a
    subquery)."""
    return Organisation.objects.filter(
        pk__in=memberships_granting(actor, capability).values("organisation_id")
    )


def organisation_ids_granting(actor: Any, capability: Capability) -> set[Any]:
    return set(memberships_granting(actor, capability).values_list("organisation_id", flat=True))


def holds(actor: Any, capability: Capability, organisation: Organisation | Any = None) -> bool:
    """Whether `actor` holds `capability` in `organisation` (an organisation or its id), or in
    any organisation when none is given. A system actor holds everything."""
    if is_system(actor):
        return True
    memberships = memberships_granting(actor, capability)
    if organisation is not None:
        memberships = memberships.filter(organisation_id=getattr(organisation, "pk", organisation))
    return memberships.exists()


def holds_in_partnership(actor: Any, capability: Capability, partnership: Partnership) -> bool:
    """Whether `actor` holds `capability` in any member organisation of `partnership`."""
    if is_system(actor):
        return True
    return (
        memberships_granting(actor, capability)
        .filter(organisation__in=partnership.members.all())
        .exists()
    )


def holds_in_any(actor: Any, capability: Capability, organisations: Iterable[Any]) -> bool:
    """Whether `actor` holds `capability` in any of `organisations` (organisations or ids)."""
    if is_system(actor):
        return True
    ids = [getattr(organisation, "pk", organisation) for organisation in organisations]
    return memberships_granting(actor, capability).filter(organisation_id__in=ids).exists()


def member_organisation_ids(actor: Any) -> set[Any]:
    """Every organisation `actor` holds any role in."""
    if not is_person(actor):
        return set()
    return set(Membership.objects.filter(user=actor).values_list("organisation_id", flat=True))


def people_holding(capability: Capability, organisations: Iterable[Any]) -> QuerySet[User]:
    """The active people holding `capability` in any of `organisations` (organisations or ids):
    whom to tell of something only they may act on."""
    ids = [getattr(organisation, "pk", organisation) for organisation in organisations]
    return User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(
            organisation_id__in=ids, role__in=sorted(roles_granting(capability))
        ).values("user_id"),
    )


def account_organisation_ids(account_id: Any) -> set[Any]:
    """Every organisation the account (by id, active or not) holds any role in."""
    return set(
        Membership.objects.filter(user_id=account_id).values_list("organisation_id", flat=True)
    )


def partnerships_of(actor: Any) -> QuerySet[Partnership]:
    """The partnerships `actor` works in through any role."""
    if not is_person(actor):
        return Partnership.objects.none()
    return Partnership.objects.filter(
        pk__in=Partnership.objects.filter(members__memberships__user=actor).values("pk")
    )
