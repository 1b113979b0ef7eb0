"""Applying to a role, designed for a busy life: a short form with no CV, saved as a draft at
any time and resumed later, then sent; the role's named coordinator offers or declines it by a
date counted in working days.

* `application_save` keeps every answer as typed whenever the student saves (nothing is lost:
  sending is a separate step that may be refused while the draft stays saved).
* `application_submit` sends it: the coordinator must decide within the role's number of working
  days (`decide_by`), and is told.
* `application_offer` makes the student a partner (once per student record), in the role, with
  an empty flexibility plan for them to set; `application_decline` says why. The student is told
  either way.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from widen.accounts.capabilities import is_person, require_actor
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.working_days import working_days_after
from widen.notifications.models import Category
from widen.notifications.services import notify
from widen.partners.models import (
    APPLICATION_WORKFLOW,
    Application,
    ApplicationStatus,
    FlexibilityPlan,
    Partner,
    Role,
)
from widen.partners.permissions import (
    APPLY,
    DECIDE,
    EDIT,
    application_policy,
    own_students,
    role_policy,
)
from widen.partners.services.roles import acting
from widen.students.models import Student

ANSWERS = ("why_this_role", "what_you_bring", "adjustments", "working_patterns")
# Answers a coordinator needs before deciding; the others may stay empty.
NEEDED_TO_SEND = {
    "why_this_role": "Say why you would like this role.",
    "what_you_bring": "Say what you would bring: from study, caring, work or anything else.",
}
ANSWER_MAX = 2000


def notify_student(student: Student, *, template: str, context: dict[str, Any], link: str) -> bool:
    """Tell a student something: in Widen and by e-mail when their record is linked to an
    account, otherwise by e-mail to their record's address; whether there was a way to."""
    if student.user_id is not None and student.user is not None:
        notify(
            template=template,
            category=Category.UPDATES,
            user=student.user,
            context=context,
            link=link,
        )
        return True
    if student.email:
        notify(template=template, category=Category.UPDATES, email=student.email, context=context)
        return True
    return False


def _clean_answers(answers: dict[str, str]) -> dict[str, str]:
    unknown = set(answers) - set(ANSWERS)
    if unknown:
        raise ValueError(f"An application has no answers {sorted(unknown)}.")
    cleaned = {name: (value or "").strip() for name, value in answers.items()}
    for name, value in cleaned.items():
        if len(value) > ANSWER_MAX:
            raise ApplicationError(
                f"Keep this answer to {ANSWER_MAX:,} characters (it has {len(value):,}).",
                field=name,
            )
    return cleaned


@transaction.atomic
def application_start(*, actor: Any, role: Role, **answers: str) -> Application:
    """The student's open application to `role`: their draft or sent one if they have one
    (resumed, never a second), otherwise a new draft with `answers`."""
    require_actor(actor)
    role_policy.require(actor, APPLY, role)
    student = own_students(actor).filter(organisation_id=role.organisation_id).first()
    if student is None:
        raise NotFound
    cleaned = _clean_answers(answers)
    existing = Application.objects.filter(
        role=role,
        student=student,
        status__in=[ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED],
    ).first()
    if existing is not None:
        if existing.is_draft and cleaned:
            return application_save(actor=actor, application=existing, **cleaned)
        return existing
    try:
        with transaction.atomic(), acting(actor):
            return Application.objects.create(role=role, student=student, **cleaned)
    except IntegrityError:  # the same student started one at the same moment
        return Application.objects.get(
            role=role,
            student=student,
            status__in=[ApplicationStatus.DRAFT, ApplicationStatus.SUBMITTED],
        )


@transaction.atomic
def application_save(*, actor: Any, application: Application, **answers: str) -> Application:
    """Keep the draft's answers as given (any may be empty)."""
    require_actor(actor)
    application_policy.require(actor, EDIT, application)
    cleaned = _clean_answers(answers)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if not locked.is_draft:
        raise ApplicationError(
            "This application has been sent, so its answers can no longer be changed."
        )
    changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, cleaned[name])
    if changed:
        with acting(actor):
            locked.save(update_fields=[*changed, "updated_at"])
    return locked


def decide_by_for(role: Role, submitted_on: Any) -> Any:
    """The day a coordinator must decide an application sent on `submitted_on`."""
    return working_days_after(submitted_on, role.decision_working_days)


def application_submit(*, actor: Any, application: Application) -> Application:
    """Send a draft to the role's coordinator, who must decide by a date `decide_by` counted in
    the role's working days from today; the coordinator is told. A draft missing a needed
    answer is refused (and stays saved as it is)."""
    require_actor(actor)
    application_policy.require(actor, EDIT, application)
    role = application.role
    for name, message in NEEDED_TO_SEND.items():
        if not getattr(application, name).strip():
            raise ApplicationError(message, field=name)
    now = timezone.now()
    decide_by = decide_by_for(role, timezone.localdate(now))
    with transaction.atomic(), acting(actor):
        sent = APPLICATION_WORKFLOW.apply(
            application,
            "submit",
            actor=actor,
            changes={"submitted_at": now, "decide_by": decide_by},
        )
        notify(
            template="partners/application_submitted",
            category=Category.UPDATES,
            user=role.coordinator,
            context={
                "role": role.title,
                "provider": role.organisation.name,
                "decide_by": decide_by,
            },
            link=reverse("partners:application", kwargs={"application_id": sent.pk}),
        )
    return sent


def application_withdraw(*, actor: Any, application: Application) -> Application:
    """The student takes back a draft or a sent application; the coordinator of a sent one is
    told (with no reason asked for)."""
    require_actor(actor)
    application_policy.require(actor, EDIT, application)
    was_sent = application.is_submitted
    role = application.role
    with transaction.atomic(), acting(actor):
        withdrawn = APPLICATION_WORKFLOW.apply(application, "withdraw", actor=actor)
        if was_sent:
            notify(
                template="partners/application_withdrawn",
                category=Category.UPDATES,
                user=role.coordinator,
                context={"role": role.title, "provider": role.organisation.name},
                link=reverse("partners:applications"),
            )
    return withdrawn


def _decision_changes(actor: Any, note: str) -> dict[str, Any]:
    return {
        "decided_at": timezone.now(),
        "decided_by": actor if is_person(actor) else None,
        "decision_note": note,
    }


def _check_note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > ANSWER_MAX:
        raise ApplicationError(f"Keep the note to {ANSWER_MAX:,} characters.", field="note")
    return note


def partner_for(*, student: Student, role: Role) -> Partner:
    """The student's partner record (made, or made active again), holding `role`, with a plan
    (empty until they set it). The caller has checked the coordinator may offer."""
    partner, _ = Partner.objects.get_or_create(
        student=student, defaults={"organisation": student.organisation}
    )
    if not partner.is_active:
        partner.is_active = True
        partner.save(update_fields=["is_active", "updated_at"])
    partner.roles.add(role)
    FlexibilityPlan.objects.get_or_create(
        partner=partner, defaults={"organisation": partner.organisation}
    )
    return partner


def application_offer(*, actor: Any, application: Application, note: str = "") -> Partner:
    """Offer the role: the student becomes a partner in it, with a plan to set, and is told."""
    require_actor(actor)
    application_policy.require(actor, DECIDE, application)
    note = _check_note(note)
    role = application.role
    with transaction.atomic(), acting(actor):
        APPLICATION_WORKFLOW.apply(
            application, "offer", actor=actor, changes=_decision_changes(actor, note)
        )
        partner = partner_for(student=application.student, role=role)
        notify_student(
            application.student,
            template="partners/application_offered",
            context={"role": role.title, "provider": role.organisation.name, "note": note},
            link=reverse("partners:my_application", kwargs={"application_id": application.pk}),
        )
    return partner


def application_decline(*, actor: Any, application: Application, note: str) -> Application:
    """Do not offer the role, saying why in a note the student reads; they are told."""
    require_actor(actor)
    application_policy.require(actor, DECIDE, application)
    note = _check_note(note)
    if not note:
        raise ApplicationError(
            "Say why the role is not offered: the student reads this note.", field="note"
        )
    role = application.role
    with transaction.atomic(), acting(actor):
        declined = APPLICATION_WORKFLOW.apply(
            application, "decline", actor=actor, changes=_decision_changes(actor, note)
        )
        notify_student(
            application.student,
            template="partners/application_declined",
            context={"role": role.title, "provider": role.organisation.name, "note": note},
            link=reverse("partners:my_application", kwargs={"application_id": application.pk}),
        )
    return declined
