"""Scheme memberships: inviting the students a scheme's eligibility finds, their answers (join,
decline, leave), and applications with evidence from students the records do not find, decided
by a scheme manager. Every write goes through here, for someone the membership policy allows;
what a membership's status is, and who decided, never comes from what a student sends."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from widen.accounts.capabilities import Capability, people_holding, require_actor
from widen.core.exceptions import ApplicationError, NotFound
from widen.notifications.models import Category
from widen.notifications.services import notify
from widen.students.mine.selectors import my_students
from widen.support.models import (
    MEMBERSHIP_WORKFLOW,
    MembershipSource,
    MembershipStatus,
    Scheme,
    SchemeMembership,
    StudentEligibility,
)
from widen.support.permissions import DECIDE, RESPOND, membership_policy
from widen.support.selectors.records import may_tell_student_about_scheme
from widen.support.services.schemes import require_manager

EVIDENCE_MAX_LENGTH = 5_000
MEMBERSHIP_MEANS = (
    "Being a member means the scheme's support is offered to you: its events and opportunities, "
    "and any money it gives, as the scheme describes. You can decline now, or leave at any time."
)


@dataclass
class Invited:
    scheme: Scheme
    invited: int = 0


def _tell_student(membership: SchemeMembership, template: str, **context: Any) -> None:
    """Tell the student, at their account or else at their contact address (if they have one),
    once the transaction commits; never about a scheme for care-experienced or estranged
    students when they asked not to be contacted about it."""
    student = membership.student
    user = student.user if student.user_id else None
    if user is None and not student.email:
        return
    if not may_tell_student_about_scheme(student, membership.scheme):
        return
    notify(
        template=template,
        category=Category.UPDATES,
        context={
            "scheme": membership.scheme.name,
            "provider": membership.scheme.organisation.name,
            "purpose": membership.scheme.purpose,
            "means": MEMBERSHIP_MEANS,
            **context,
        },
        user=user,
        email="" if user is not None else student.email,
        link=reverse("support:my_schemes"),
    )


def memberships_invite(scheme: Scheme, *, actor: Any) -> Invited:
    """Invite every student the scheme's current rules find eligible who has not been invited,
    joined, declined, left or applied before, each with why they are eligible (as it reads now:
    it is kept with the invitation); tells each of them."""
    require_actor(actor)
    scheme = require_manager(actor, scheme)
    if not scheme.is_active:
        raise ApplicationError(f"{scheme} is not active: make it active before inviting anyone.")
    version = scheme.current_version
    if version is None:
        raise ApplicationError(f"{scheme} has no eligibility rules yet: nobody can be invited.")
    now = timezone.now()
    inviter = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        already = SchemeMembership.objects.filter(scheme=scheme).values("student_id")
        found = (
            StudentEligibility.objects.filter(
                scheme=scheme,
                version=version,
                eligible=True,
                student__anonymised_at__isnull=True,
            )
            .exclude(student_id__in=already)
            .select_related("student__user")
            .order_by("student_id")
        )
        invitations = [
            SchemeMembership(
                scheme=scheme,
                student=result.student,
                status=MembershipStatus.INVITED,
                source=MembershipSource.RECORDS,
                reason=result.explanation,
                invited_at=now,
                invited_by=inviter,
                status_changed_at=now,
                status_changed_by=inviter,
            )
            for result in found
        ]
        SchemeMembership.objects.bulk_create(invitations)
        for membership in invitations:
            _tell_student(membership, "support/membership_invited", reason=membership.reason)
    return Invited(scheme=scheme, invited=len(invitations))


def _respond(
    actor: Any, membership: SchemeMembership, transition: str, **changes: Any
) -> SchemeMembership:
    require_actor(actor)
    membership = membership_policy.get(actor, membership.pk)
    membership_policy.require(actor, RESPOND, membership)
    return MEMBERSHIP_WORKFLOW.apply(membership, transition, actor=actor, changes=changes)


def membership_join(*, actor: Any, membership: SchemeMembership) -> SchemeMembership:
    """The student accepts their invitation: they are a member from now."""
    return _respond(actor, membership, "join", joined_at=timezone.now())


def membership_decline(*, actor: Any, membership: SchemeMembership) -> SchemeMembership:
    """The student declines their invitation (they are not invited to the scheme again)."""
    return _respond(actor, membership, "decline", ended_at=timezone.now())


def membership_leave(*, actor: Any, membership: SchemeMembership) -> SchemeMembership:
    """The student leaves a scheme they are a member of."""
    return _respond(actor, membership, "leave", ended_at=timezone.now())


def membership_contact_set(
    *, actor: Any, membership: SchemeMembership, may_contact: bool
) -> SchemeMembership:
    """A member says whether they are told about the scheme's new benefits (its workshops,
    events and opportunities); they still see them all on "What my schemes offer"."""
    require_actor(actor)
    membership = membership_policy.get(actor, membership.pk)
    membership_policy.require(actor, RESPOND, membership)
    if not membership.is_member:
        raise ApplicationError(
            f"Only members of {membership.scheme.name} are told about its benefits.",
            field="may_contact",
        )
    if membership.may_contact != may_contact:
        membership.may_contact = may_contact
        membership.save(update_fields=["may_contact", "updated_at"])
    return membership


def membership_apply(*, actor: Any, scheme: Scheme, evidence: str) -> SchemeMembership:
    """A signed-in student asks to join a scheme of their provider, with evidence of why they
    are eligible; each of its scheme managers is told, and one decides."""
    require_actor(actor)
    student = (
        my_students(actor=actor)
        .filter(organisation_id=scheme.organisation_id)
        .select_related("user")
        .first()
    )
    if student is None or not Scheme.objects.filter(pk=scheme.pk, is_active=True).exists():
        raise NotFound
    evidence = evidence.strip()
    if not evidence:
        raise ApplicationError(
            "Say why you are eligible: what applies to you and how we can check it.",
            field="evidence",
        )
    if len(evidence) > EVIDENCE_MAX_LENGTH:
        raise ApplicationError(
            f"Keep your evidence to {EVIDENCE_MAX_LENGTH:,} characters.", field="evidence"
        )
    with transaction.atomic():
        if SchemeMembership.objects.filter(scheme=scheme, student=student).exists():
            raise ApplicationError(
                f"You have already been invited to, or applied to, {scheme.name}.",
                field="scheme",
            )
        now = timezone.now()
        membership = SchemeMembership.objects.create(
            scheme=scheme,
            student=student,
            status=MembershipStatus.APPLIED,
            source=MembershipSource.APPLICATION,
            evidence=evidence,
            applied_at=now,
            status_changed_at=now,
            status_changed_by=actor,
        )
        _tell_managers(scheme)
    return membership


def _tell_managers(scheme: Scheme) -> None:
    """Tell each person who manages the provider's schemes that a student asked to join one,
    with a link to its members page (never what the student wrote: that is read in Widen)."""
    members_page = reverse("support:scheme_members", kwargs={"scheme_id": scheme.pk})
    context = {"scheme": scheme.name, "provider": scheme.organisation.name}
    for manager in people_holding(Capability.SUPPORT_SCHEMES_MANAGE, [scheme.organisation_id]):
        notify(
            template="support/membership_applied",
            category=Category.UPDATES,
            context=context,
            user=manager,
            link=members_page,
        )


def membership_decide(
    *, actor: Any, membership: SchemeMembership, accept: bool, reason: str = ""
) -> SchemeMembership:
    """A scheme manager accepts an application (the student is a member) or refuses it, saying
    why; the student is told either way."""
    require_actor(actor)
    membership = membership_policy.get(actor, membership.pk)
    membership_policy.require(actor, DECIDE, membership)
    reason = reason.strip()
    now = timezone.now()
    decider = actor if getattr(actor, "pk", None) else None
    if accept:
        changes: dict[str, Any] = {"joined_at": now, "decided_by": decider}
    else:
        if not reason:
            raise ApplicationError(
                "Say why the application is refused: the student is told.", field="reason"
            )
        changes = {"ended_at": now, "decided_by": decider, "refusal_reason": reason}
    with transaction.atomic():
        decided = MEMBERSHIP_WORKFLOW.apply(
            membership, "accept" if accept else "refuse", actor=actor, changes=changes
        )
        decided = SchemeMembership.objects.select_related(
            "scheme__organisation", "student__user"
        ).get(pk=decided.pk)
        _tell_student(
            decided,
            "support/membership_accepted" if accept else "support/membership_refused",
            refusal_reason=reason,
        )
    return decided
