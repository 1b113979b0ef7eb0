"""Every write to activities, sessions and registers, with its rule."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from widen.accounts.capabilities import is_person, is_system, require_actor
from widen.accounts.models import User
from widen.activities.hooks import attendance_changed
from widen.activities.models import Activity, Attendance, AttendanceStatus, Session
from widen.activities.permissions import marking_organisation, may_deliver, may_take_register
from widen.core.exceptions import ApplicationError
from widen.core.validators import link_problem
from widen.learners.models import Learner, processable_condition
from widen.learners.permissions import learner_policy
from widen.organisations.models import DataCategory, Organisation, OrganisationType, Partnership
from widen.programmes.models import ActivitySubType

MARK_BATCH = 500
YEAR_GROUPS = range(7, 14)


def _members(partnership: Partnership) -> set[UUID]:
    return set(partnership.members.values_list("pk", flat=True))


@transaction.atomic
def activity_create(
    *,
    actor: Any,
    partnership: Partnership,
    delivered_by: Organisation,
    name: str,
    sub_type: ActivitySubType,
    description: str = "",
) -> Activity:
    require_actor(actor)
    if delivered_by.pk not in _members(partnership):
        raise ApplicationError(
            f"{delivered_by} is not a member of {partnership}.", field="delivered_by"
        )
    if not may_deliver(actor, delivered_by):
        raise ApplicationError(
            f"Only {delivered_by}'s outreach officers and admins may add its activities."
        )
    if sub_type.partnership_id not in (None, partnership.pk):
        raise ApplicationError("Choose a type of activity from the list.", field="sub_type")
    name = " ".join(name.split())[:160]
    if not name:
        raise ApplicationError("Give the activity a name.", field="name")
    return Activity.objects.create(
        partnership=partnership,
        delivered_by=delivered_by,
        name=name,
        sub_type=sub_type,
        description=description.strip(),
        created_by=actor if is_person(actor) else None,
    )


def hours_between(starts_at: time, ends_at: time) -> Decimal:
    """The time between two times of one day, in hours to the quarter."""
    minutes = (
        datetime.combine(date.min, ends_at) - datetime.combine(date.min, starts_at)
    ).total_seconds() / 60
    quarters = (Decimal(minutes) / Decimal(15)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return quarters * Decimal("0.25")


@dataclass
class SessionDetails:
    date: date
    starts_at: time
    ends_at: time
    contact_hours: Decimal | None = None  # None: the time between start and end
    venue: str = ""
    online_link: str = ""
    year_groups: Sequence[int] = ()
    school: Organisation | None = None
    capacity: int | None = None
    joint_partners: Sequence[Organisation] = field(default_factory=list)
    staff: Sequence[User] = field(default_factory=list)
    student_ambassadors: str = ""


@transaction.atomic
def session_create(*, actor: Any, activity: Activity, details: SessionDetails) -> Session:
    require_actor(actor)
    if not may_deliver(actor, activity.delivered_by):
        raise ApplicationError(
            f"Only {activity.delivered_by}'s outreach officers and admins may add sessions."
        )
    if details.ends_at <= details.starts_at:
        raise ApplicationError("The session must end after it starts.", field="ends_at")
    longest = hours_between(details.starts_at, details.ends_at)
    hours = longest if details.contact_hours is None else Decimal(details.contact_hours)
    if hours <= 0 or hours > longest:
        raise ApplicationError(
            f"Contact hours must be more than 0 and at most the session's length ({longest} h).",
            field="contact_hours",
        )
    wrong_years = sorted(set(details.year_groups) - set(YEAR_GROUPS))
    if wrong_years:
        raise ApplicationError(
            f"Year groups run from Year 7 to Year 13 ({wrong_years[0]} is not one).",
            field="year_groups",
        )
    if not details.venue.strip() and not details.online_link:
        raise ApplicationError("Give a venue, or the link for an online session.", field="venue")
    link = link_problem(details.online_link)
    if link:
        raise ApplicationError(link, field="online_link")
    if details.school is not None and details.school.organisation_type != OrganisationType.SCHOOL:
        raise ApplicationError(f"{details.school} is not a school or college.", field="school")
    if details.capacity is not None and details.capacity < 1:
        raise ApplicationError("Capacity must be at least 1, or left empty.", field="capacity")
    members = _members(activity.partnership)
    outside = [str(partner) for partner in details.joint_partners if partner.pk not in members]
    if outside:
        raise ApplicationError(
            f"{outside[0]} is not a member of {activity.partnership}.", field="joint_partners"
        )
    session = Session.objects.create(
        activity=activity,
        date=details.date,
        starts_at=details.starts_at,
        ends_at=details.ends_at,
        contact_hours=hours,
        venue=details.venue.strip(),
        online_link=details.online_link,
        year_groups=sorted(set(details.year_groups)),
        school=details.school,
        capacity=details.capacity,
        student_ambassadors=details.student_ambassadors.strip(),
    )
    session.joint_partners.set(
        [partner for partner in details.joint_partners if partner.pk != activity.delivered_by_id]
    )
    session.staff.set(details.staff)
    return session


@dataclass
class RegisterChange:
    added: list[Learner] = field(default_factory=list)
    already_on: list[Learner] = field(default_factory=list)


def _visible(actor: Any, learners: Iterable[Learner]) -> None:
    if is_system(actor):
        return
    scopes = learner_policy.scopes(actor)  # once: a register import checks thousands
    for learner in learners:
        access = learner_policy.access_from_scopes(scopes, learner)
        if access is None or DataCategory.IDENTITY not in access.categories:
            raise ApplicationError(
                "You may only put on a register, or mark, learners you can see by name."
            )


RESTRICTED_NOT_REGISTERED = (
    "{names}: processing of {whose} record is restricted, so they cannot be put on a register "
    "until the restriction is lifted."
)


def _processable(learners: Sequence[Learner]) -> None:
    """Refuse learners whose processing is restricted (or who were anonymised), by name."""
    ids = {learner.pk for learner in learners}
    held = set(
        Learner.objects.filter(processable_condition(), pk__in=ids).values_list("pk", flat=True)
    )
    refused = [learner for learner in dict.fromkeys(learners) if learner.pk not in held]
    if refused:
        one = len(refused) == 1
        raise ApplicationError(
            RESTRICTED_NOT_REGISTERED.format(
                names=", ".join(learner.display_name for learner in refused),
                whose="this learner's" if one else "these learners'",
            )
        )


@transaction.atomic
def register_add(*, actor: Any, session: Session, learners: Sequence[Learner]) -> RegisterChange:
    """Put learners on a session's register (each once), within its capacity."""
    require_actor(actor)
    if not may_take_register(actor, session):
        raise ApplicationError("Only the session's deliverers and its school take its register.")
    _visible(actor, learners)
    _processable(learners)
    session = Session.objects.select_for_update().get(pk=session.pk)
    held = set(session.register.values_list("learner_id", flat=True))
    change = RegisterChange()
    wanted: list[Learner] = []
    for learner in dict.fromkeys(learners):
        (change.already_on if learner.pk in held else wanted).append(learner)
    if session.capacity is not None and len(held) + len(wanted) > session.capacity:
        room = max(session.capacity - len(held), 0)
        raise ApplicationError(
            f"The session has room for {room} more learner{'s' if room != 1 else ''} "
            f"(capacity {session.capacity}); {len(wanted)} would be added."
        )
    marker = marking_organisation(actor, session)
    # One insert (and one of audit events) for the whole class, not one per learner.
    Attendance.objects.bulk_create(
        [
            Attendance(
                session=session,
                learner=learner,
                organisation_id=learner.organisation_id,
                marked_by=marker,
            )
            for learner in wanted
        ]
    )
    change.added = wanted
    return change


def session_starts(session: Session) -> datetime:
    """When the session starts, in the partnership's time (UK time)."""
    return datetime.combine(session.date, session.starts_at, tzinfo=timezone.get_current_timezone())


def marking_refusal(session: Session, *, now: datetime | None = None) -> str | None:
    """Why attendance cannot be marked yet, or None once the session has started. A session
    starting later today may be marked early with `before_start` (see `attendance_mark`)."""
    now = now or timezone.now()
    starts = session_starts(session)
    if now >= starts:
        return None
    if session.date > timezone.localdate(now):
        return (
            f"This session is on {session.date:%A %-d %B %Y} and has not taken place yet: "
            f"attendance can be marked from {session.starts_at:%H:%M} that day. Until then, "
            "add learners to its register."
        )
    return (
        f"This session starts at {session.starts_at:%H:%M} today and has not started yet: "
        "attendance can be marked once it has. If it started early, say that it has "
        "started (this is recorded) and save again."
    )


@transaction.atomic
def attendance_mark(
    *,
    actor: Any,
    session: Session,
    marks: Mapping[UUID, str],
    before_start: bool = False,
    now: datetime | None = None,
) -> int:
    """Mark learners on the register attended or absent; return how many changed.

    A person marks attended or absent only once the session has started. `before_start` says
    that a session starting later today has in fact begun (it started early): its marks are
    then kept, each recorded as marked before the planned start. A session on a later day
    cannot be marked at all. (The system, `system_actor(...)`, records history as it is given.)"""
    require_actor(actor)
    if not may_take_register(actor, session):
        raise ApplicationError("Only the session's deliverers and its school take its register.")
    allowed = {AttendanceStatus.ATTENDED, AttendanceStatus.ABSENT, AttendanceStatus.REGISTERED}
    wrong = [status for status in marks.values() if status not in allowed]
    if wrong:
        raise ApplicationError(f"'{wrong[0]}' is not a way to mark attendance.")
    on_register = {row.learner_id: row for row in session.register.select_related("learner")}
    missing = [key for key in marks if key not in on_register]
    if missing:
        raise ApplicationError("Only learners on the register can be marked; add them first.")
    _visible(actor, [on_register[key].learner for key in marks])
    marker = marking_organisation(actor, session)
    changed: list[Any] = []
    by_status: dict[str, list[Any]] = {}
    for key, status in marks.items():
        row = on_register[key]
        if row.status != status:
            by_status.setdefault(status, []).append(row.pk)
            changed.append(key)
    now = now or timezone.now()
    early = False
    if not is_system(actor) and set(by_status) - {AttendanceStatus.REGISTERED}:
        refusal = marking_refusal(session, now=now)
        if refusal is not None and (not before_start or session.date > timezone.localdate(now)):
            raise ApplicationError(refusal)
        early = refusal is not None
    # One update (and one insert of audit events) per mark, not per learner.
    for status, keys in by_status.items():
        for start in range(0, len(keys), MARK_BATCH):
            Attendance.objects.filter(pk__in=keys[start : start + MARK_BATCH]).update(
                status=status,
                marked_by=marker,
                updated_at=now,
                marked_before_start=early and status != AttendanceStatus.REGISTERED,
            )
    # In this transaction: the reporting summaries of these learners change with their marks.
    attendance_changed(changed)
    return len(changed)


def contact_hours(learner_ids: Iterable[Any]) -> dict[Any, Decimal]:
    """Hours each learner attended: each session once, whoever marked it."""
    rows = (
        Attendance.objects.filter(
            learner_id__in=list(learner_ids), status=AttendanceStatus.ATTENDED
        )
        .values("learner_id")
        .annotate(hours=Sum("session__contact_hours"))
    )
    return {row["learner_id"]: row["hours"] or Decimal(0) for row in rows}
