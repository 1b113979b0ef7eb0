"""Every read of activities, sessions and registers, scoped to the person asking. A missing row
and one of another partnership's answer the same (NotFound)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from widen.accounts.models import Membership, Role
from widen.activities.models import Activity, Attendance, RegisterImport, Session
from widen.activities.services import DELIVERING_ROLES, may_take_register
from widen.core.academic_years import AcademicYear
from widen.core.exceptions import NotFound
from widen.learners.models import Learner
from widen.learners.permissions import learner_policy
from widen.organisations.models import DataCategory, Organisation, Partnership
from widen.organisations.permissions import organisation_policy


def activity_list(*, actor: Any) -> QuerySet[Activity]:
    """The activities of every partnership `actor` is in."""
    partnerships = organisation_policy.partnerships_visible_to(actor)
    return Activity.objects.filter(partnership__in=partnerships).select_related(
        "sub_type__activity_type", "delivered_by", "partnership"
    )


def activity_get(*, actor: Any, activity_id: UUID) -> Activity:
    try:
        return activity_list(actor=actor).get(pk=activity_id)
    except (Activity.DoesNotExist, ValueError) as error:
        raise NotFound from error


def session_for_register(*, actor: Any, session_id: UUID) -> Session:
    """A session whose register `actor` may take (its deliverers, the school's staff)."""
    partnerships = organisation_policy.partnerships_visible_to(actor)
    session = (
        Session.objects.filter(pk=session_id, activity__partnership__in=partnerships)
        .select_related("activity__delivered_by", "activity__partnership", "school")
        .first()
    )
    if session is None or not may_take_register(actor, session):
        raise NotFound
    return session


def register_rows(*, actor: Any, session: Session) -> QuerySet[Attendance]:
    """The session's register, only the learners `actor` may see by name."""
    named = learner_policy.visible_to(actor, needing=DataCategory.IDENTITY)
    return session.register.filter(learner__in=named.values("pk"))


def register_import_get(*, actor: Any, import_id: UUID) -> RegisterImport:
    """A register upload `actor` made, while they still take that session's register. Another
    person's upload, or a missing one, answer the same (NotFound)."""
    upload = (
        RegisterImport.objects.filter(pk=import_id, uploaded_by_id=getattr(actor, "pk", None))
        .select_related("session__activity__delivered_by", "session__school")
        .first()
    )
    if upload is None or not may_take_register(actor, upload.session):
        raise NotFound
    return upload


# --- Who can fill a school's register ----------------------------------------------------------


def schools_with_pupils_seen(*, actor: Any, schools: Iterable[Any]) -> set[Any]:
    """Of these schools (ids), those with at least one pupil `actor` may see by name."""
    named = learner_policy.visible_to(actor, needing=DataCategory.IDENTITY)
    return set(
        named.filter(school_id__in=list(schools))
        .order_by()
        .values_list("school_id", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class SchoolRegisterReach:
    """Whether the person planning or taking a session for one school can put its pupils on the
    register, and if not, who can."""

    school: Organisation
    sees_pupils: bool
    takers: tuple[str, ...]  # who can: "Oakfield School's staff", a delivering partner's name
    holders: tuple[str, ...]  # members holding the school's pupils' records

    @property
    def note(self) -> str:
        """What to tell the person when they cannot see the school's pupils ("" when they can)."""
        if self.sees_pupils:
            return ""
        school = self.school.name
        said = (
            f"You cannot see {school}'s pupils by name, so you cannot put them on this "
            "session's register."
        )
        if self.takers:
            return f"{said} The register can be taken by {' or '.join(self.takers)}."
        if self.holders:
            return (
                f"{said} Nobody who takes it can see them either: their records are held by "
                f"{', '.join(self.holders)}. It can be taken by {school}'s staff once they "
                "have accounts, or by a partner holding their records that delivers the "
                "session with you."
            )
        return (
            f"{said} No member of the partnership has recorded {school}'s pupils yet: "
            f"{school}'s staff, or a partner, first uploads a pupil list."
        )


def school_register_reach(
    *, actor: Any, school: Organisation, partnership: Partnership, deliverers: Iterable[Any]
) -> SchoolRegisterReach:
    """Who can put `school`'s pupils on the register of a session delivered by `deliverers`
    (organisation ids): `actor` if they see any of them by name; otherwise the school's staff
    (if it has any), and those delivering partners who hold pupils' records of the school."""
    sees = bool(schools_with_pupils_seen(actor=actor, schools=[school.pk]))
    deliverers = set(deliverers)
    holder_ids = set(
        Learner.objects.filter(school=school)
        .order_by()
        .values_list("organisation_id", flat=True)
        .distinct()
    )
    holders = list(partnership.members.filter(pk__in=holder_ids).order_by("name"))
    takers: list[str] = []
    if Membership.objects.filter(organisation=school, role=Role.SCHOOL_STAFF).exists():
        takers.append(f"{school.name}'s staff")
    delivering_holders = [
        holder for holder in holders if holder.pk in deliverers and holder.pk != school.pk
    ]
    staffed = set(
        Membership.objects.filter(
            organisation__in=delivering_holders, role__in=DELIVERING_ROLES
        ).values_list("organisation_id", flat=True)
    )
    takers += [holder.name for holder in delivering_holders if holder.pk in staffed]
    return SchoolRegisterReach(
        school=school,
        sees_pupils=sees,
        takers=tuple(takers),
        holders=tuple(holder.name for holder in holders),
    )


def session_register_reach(*, actor: Any, session: Session) -> SchoolRegisterReach | None:
    """`school_register_reach` for a session for one school (None for a session for none)."""
    if session.school is None:
        return None
    deliverers = [
        session.activity.delivered_by_id,
        *session.joint_partners.values_list("pk", flat=True),
    ]
    return school_register_reach(
        actor=actor,
        school=session.school,
        partnership=session.activity.partnership,
        deliverers=deliverers,
    )


# --- Pupils to add to a register ---------------------------------------------------------------


def register_candidates(
    *,
    actor: Any,
    session: Session,
    year_groups: Iterable[int] = (),
    search: str = "",
    academic_year: AcademicYear | None = None,
) -> QuerySet[Learner]:
    """Pupils of the session's school whom `actor` sees by name and who are not on its register,
    in these year groups (all, if none) and whose names hold every word of `search`."""
    if session.school_id is None:
        return Learner.objects.none()
    year = academic_year or AcademicYear.current()
    found = (
        learner_policy.visible_to(actor, needing=DataCategory.IDENTITY)
        .filter(school_id=session.school_id)
        .exclude(pk__in=session.register.values("learner_id"))
    )
    groups = sorted(set(year_groups))
    if groups:
        born = Q()
        for group in groups:
            first, last = year.birth_dates_for(group)
            born |= Q(date_of_birth__range=(first, last))
        found = found.filter(born)
    for word in search.replace(",", " ").split():
        found = found.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(preferred_name__icontains=word)
        )
    return found.order_by("last_name", "first_name", "pk")
