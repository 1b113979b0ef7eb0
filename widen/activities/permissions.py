"""Who may see, plan and deliver activities and sessions, and take which registers. The one place
that decides.

* **See**: an activity and its sessions are seen by everyone with a role in a member of its
  partnership.
* **Deliver** (`Capability.ACTIVITIES_DELIVER`): plan an organisation's activities and their
  sessions, and take the register of every session it delivers, alone or jointly.
* **Take a school's register** (`Capability.ACTIVITIES_TAKE_SCHOOL_REGISTER`): a school's staff
  take the register of every session for their school, whoever delivers it.

Whom a register shows and who may be put on it is the learners' policy (by name only). Work done
by Widen itself names `system_actor(...)` and may do everything; a missing actor may do nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from widen.accounts.capabilities import (
    Capability,
    holds,
    is_person,
    is_system,
    organisations_granting,
    role_grants,
    roles_granting,
)
from widen.accounts.models import Membership
from widen.activities.models import Activity, Session
from widen.core.policy import VIEW, Policy
from widen.organisations.models import Organisation, Partnership
from widen.organisations.permissions import organisation_policy

PLAN = "plan"  # add sessions to an activity
TAKE_REGISTER = "take_register"  # put learners on a session's register and mark it


def partnerships_seen_by(actor: Any) -> QuerySet[Partnership]:
    """The partnerships whose activities `actor` sees (every one, for the system)."""
    if is_system(actor):
        return Partnership.objects.all()
    return organisation_policy.partnerships_visible_to(actor)


def may_deliver(actor: Any, organisation: Organisation) -> bool:
    """Whether `actor` plans activities and takes registers for `organisation`."""
    return holds(actor, Capability.ACTIVITIES_DELIVER, organisation)


def delivering_organisations(actor: Any, partnership: Partnership) -> QuerySet[Organisation]:
    """The members of `partnership` for which `actor` plans activities (all, for the system)."""
    members = partnership.members.values("pk")
    if is_system(actor):
        return Organisation.objects.filter(pk__in=members)
    return organisations_granting(actor, Capability.ACTIVITIES_DELIVER).filter(pk__in=members)


def plans_in(actor: Any, partnership: Partnership) -> bool:
    """Whether `actor` plans activities for any member of `partnership`."""
    return delivering_organisations(actor, partnership).exists()


def organisations_with_deliverers(organisations: Iterable[Any]) -> set[Any]:
    """Of `organisations` (ids), those with at least one person who delivers for them."""
    return set(
        Membership.objects.filter(
            organisation__in=list(organisations),
            role__in=sorted(roles_granting(Capability.ACTIVITIES_DELIVER)),
        ).values_list("organisation_id", flat=True)
    )


def school_has_register_takers(school: Any) -> bool:
    """Whether anyone on `school`'s staff takes the registers of sessions for it."""
    return Membership.objects.filter(
        organisation=school,
        role__in=sorted(roles_granting(Capability.ACTIVITIES_TAKE_SCHOOL_REGISTER)),
    ).exists()


def registers_taken_by(actor: Any, sessions: Iterable[Session]) -> set[Any]:
    """Of `sessions`, those whose register `actor` may take: their deliverers (the activity's
    organisation or a joint partner) and the staff of the school each is for. Two queries,
    however many sessions (a page shows a "Register" link only for these)."""
    sessions = list(sessions)
    if not sessions or not (is_system(actor) or is_person(actor)):
        return set()
    if is_system(actor):
        return {session.pk for session in sessions}
    delivers: set[Any] = set()
    staff_of: set[Any] = set()
    for organisation_id, role in Membership.objects.filter(user=actor).values_list(
        "organisation_id", "role"
    ):
        if role_grants(role, Capability.ACTIVITIES_DELIVER):
            delivers.add(organisation_id)
        if role_grants(role, Capability.ACTIVITIES_TAKE_SCHOOL_REGISTER):
            staff_of.add(organisation_id)
    open_to = {
        session.pk
        for session in sessions
        if session.activity.delivered_by_id in delivers
        or (session.school_id is not None and session.school_id in staff_of)
    }
    rest = [session.pk for session in sessions if session.pk not in open_to]
    if rest and delivers:
        open_to |= set(
            Session.joint_partners.through.objects.filter(
                session_id__in=rest, organisation_id__in=delivers
            ).values_list("session_id", flat=True)
        )
    return open_to


def may_take_register(actor: Any, session: Session) -> bool:
    """Whether `actor` takes `session`'s register (see `registers_taken_by`)."""
    return session.pk in registers_taken_by(actor, [session])


def marking_organisation(actor: Any, session: Session) -> Organisation | None:
    """The organisation on whose behalf `actor` puts learners on `session`'s register and marks
    it: one of theirs among its deliverers and its school (its deliverer, for the system)."""
    if is_system(actor):
        return session.activity.delivered_by
    if not is_person(actor):
        return None
    membership = (
        Membership.objects.filter(
            user=actor,
            organisation__in=[
                session.activity.delivered_by_id,
                *session.joint_partners.values_list("pk", flat=True),
                *([session.school_id] if session.school_id else []),
            ],
        )
        .select_related("organisation")
        .first()
    )
    return membership.organisation if membership else None


class ActivityPolicy(Policy[Activity]):
    actions = frozenset({VIEW, PLAN})

    def visible_to(self, actor: Any) -> QuerySet[Activity]:
        return Activity.objects.filter(partnership__in=partnerships_seen_by(actor)).select_related(
            "sub_type__activity_type", "delivered_by", "partnership"
        )

    def _may(self, actor: Any, action: str, obj: Activity) -> bool:
        return self.may(actor, VIEW, obj) and may_deliver(actor, obj.delivered_by)


class SessionPolicy(Policy[Session]):
    actions = frozenset({VIEW, TAKE_REGISTER})

    def visible_to(self, actor: Any) -> QuerySet[Session]:
        return Session.objects.filter(
            activity__partnership__in=partnerships_seen_by(actor)
        ).select_related("activity__delivered_by", "activity__partnership", "school")

    def _may(self, actor: Any, action: str, obj: Session) -> bool:
        return self.may(actor, VIEW, obj) and may_take_register(actor, obj)


activity_policy = ActivityPolicy()
session_policy = SessionPolicy()
