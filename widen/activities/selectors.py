"""Every read of activities, sessions and registers, scoped to the person asking. A missing row
and one of another partnership's answer the same (NotFound)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet

from widen.activities.models import Activity, Attendance, AttendanceStatus, RegisterImport, Session
from widen.activities.permissions import (
    TAKE_REGISTER,
    activity_policy,
    may_take_register,
    organisations_with_deliverers,
    school_has_register_takers,
    session_policy,
)
from widen.activities.templatetags.hours import hours as hours_text
from widen.core.academic_years import AcademicYear
from widen.core.exceptions import NotFound
from widen.learners.models import Learner, processable_condition
from widen.learners.permissions import learner_policy
from widen.organisations.models import DataCategory, Organisation, Partnership
from widen.programmes.models import Enrolment, Programme
from widen.students.linking.services import learner_he_starts


def activity_list(*, actor: Any) -> QuerySet[Activity]:
    """The activities of every partnership `actor` is in."""
    return activity_policy.visible_to(actor)


def activity_get(*, actor: Any, activity_id: Any) -> Activity:
    return activity_policy.get(actor, activity_id)


def session_for_register(*, actor: Any, session_id: Any) -> Session:
    """A session whose register `actor` may take (its deliverers, the school's staff)."""
    return session_policy.get(actor, session_id, action=TAKE_REGISTER)


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
    if school_has_register_takers(school):
        takers.append(f"{school.name}'s staff")
    delivering_holders = [
        holder for holder in holders if holder.pk in deliverers and holder.pk != school.pk
    ]
    staffed = organisations_with_deliverers(holder.pk for holder in delivering_holders)
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
    """Pupils of the session's school whom `actor` sees by name and who are not on its register
    (nor restricted: see `register_add`), in these year groups (all, if none) and whose names
    hold every word of `search`."""
    if session.school_id is None:
        return Learner.objects.none()
    year = academic_year or AcademicYear.current()
    found = (
        learner_policy.visible_to(actor, needing=DataCategory.IDENTITY)
        .filter(processable_condition(), school_id=session.school_id)
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


# --- The register page -------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterSheet:
    """A session's register as `actor` takes it: the rows of the learners they see by name (by
    surname), and how many places are taken by anyone."""

    rows: list[Attendance]
    learner_ids: frozenset[Any]  # everyone on the register (to tell a repeated add)

    @property
    def places_taken(self) -> int:
        return len(self.learner_ids)


def register_sheet(*, actor: Any, session: Session) -> RegisterSheet:
    """Only the learners `actor` may see by name are shown, and marked, by them."""
    everyone = list(session.register.select_related("learner").order_by("learner__last_name"))
    scopes = learner_policy.scopes(actor)  # once, for the whole class
    shown = []
    for row in everyone:
        access = learner_policy.access_from_scopes(scopes, row.learner)
        if access is not None and DataCategory.IDENTITY in access.categories:
            shown.append(row)
    return RegisterSheet(shown, frozenset(row.learner_id for row in everyone))


def named_learners(*, actor: Any, learner_ids: Iterable[Any]) -> QuerySet[Learner]:
    """Of these learners, those `actor` may see by name."""
    return learner_policy.visible_to(actor, needing=DataCategory.IDENTITY).filter(
        pk__in=list(learner_ids)
    )


def not_on_register(
    *, actor: Any, session: Session, learners: QuerySet[Learner]
) -> tuple[QuerySet[Learner], QuerySet[Learner]]:
    """Of `learners`, those `actor` may see by name (all of them, found) and those of these not
    on `session`'s register yet (waiting)."""
    named = learner_policy.visible_to(actor, needing=DataCategory.IDENTITY)
    found = learners.filter(pk__in=named.values("pk"))
    return found, found.exclude(pk__in=session.register.values("learner_id"))


# --- Progress on a programme -------------------------------------------------------------------


def enrolled_learners_named(*, actor: Any, programme: Programme) -> QuerySet[Learner]:
    """The learners on `programme` now whom `actor` may see by name."""
    return learner_policy.visible_to(actor, needing=DataCategory.IDENTITY).filter(
        pk__in=Enrolment.objects.filter(programme=programme, left_on=None).values("learner_id")
    )


# --- A learner's journey -----------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    day: date
    what: str
    detail: str
    by: str


def learner_journey(*, learner: Learner) -> list[TimelineEntry]:
    """Everything every partner did with a learner, newest first: sessions, programmes, and where
    they went on to study.
    (`learner` as a selector gave it to the person, who sees them by name.)"""
    entries: list[TimelineEntry] = []
    for row in learner.attendance.select_related(
        "session__activity__sub_type__activity_type", "session__activity__delivered_by"
    ):
        session = row.session
        status = AttendanceStatus(row.status).label.lower()
        credited = (
            f", {hours_text(session.contact_hours)} hours"
            if row.status == AttendanceStatus.ATTENDED
            else ""
        )
        entries.append(
            TimelineEntry(
                session.date,
                session.activity.name,
                f"{session.activity.sub_type.activity_type.name}: {status}{credited}",
                session.activity.delivered_by.name,
            )
        )
    for enrolment in learner.enrolments.select_related("programme__partnership"):
        partnership = enrolment.programme.partnership.name
        entries.append(
            TimelineEntry(
                enrolment.joined_on, enrolment.programme.name, "joined the programme", partnership
            )
        )
        if enrolment.left_on:
            entries.append(
                TimelineEntry(
                    enrolment.left_on,
                    enrolment.programme.name,
                    f"left the programme: {enrolment.leaving_reason}",
                    partnership,
                )
            )
    # Where they went on to study (a student record a person confirmed is theirs): the provider
    # and the month, nothing else of the student record.
    for start in learner_he_starts(learner=learner):
        entries.append(TimelineEntry(start.day, "Higher education", start.text, start.provider))
    entries.sort(key=lambda entry: entry.day, reverse=True)
    return entries
