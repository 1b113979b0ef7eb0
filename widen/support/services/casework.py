"""1-2-1 casework: opening a case, notes (private, or shared with the student), handing a case
over, referrals with the student's consent, closing with an outcome and re-opening. Every write
goes through here, for one of the provider's student support advisers, and is audited; closing
and re-opening go through `CASE_WORKFLOW`. The student is told when a case is opened from their
appointment request, when a note is shared with them and when their case is closed (never what a
private note says)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from widen.accounts.capabilities import require_actor
from widen.core.exceptions import ApplicationError, NotFound
from widen.notifications.models import Category
from widen.notifications.services import notify
from widen.organisations.models import Organisation
from widen.students.models import Student
from widen.support.models import (
    CASE_WORKFLOW,
    Case,
    CaseNote,
    CaseTopic,
    Handover,
    Referral,
    ReferralService,
    SupportRecord,
)
from widen.support.permissions.casework import WORK, case_policy, does_casework
from widen.support.permissions.providers import is_adviser_of

SUMMARY_MAX_LENGTH = 200
NOTE_MAX_LENGTH = 10_000
OUTCOME_MAX_LENGTH = 4_000
NO_CONSENT = (
    "Record when and how the student agreed to this referral: a referral is made only with "
    "their consent."
)


def tell_student(student: Student, template: str, *, link: str, **context: Any) -> None:
    """Tell the student, at their account or else at their contact address (if they have one),
    once the transaction commits."""
    user = student.user if student.user_id else None
    if user is None and not student.email:
        return
    notify(
        template=template,
        category=Category.UPDATES,
        context={"provider": student.organisation.name, **context},
        user=user,
        email="" if user is not None else student.email,
        link=link if user is not None else "",
    )


def _my_cases_link() -> str:
    return reverse("support:cases_mine")


def _require_adviser(actor: Any, organisation: Organisation | Any) -> None:
    if not does_casework(actor, organisation):
        raise NotFound


def _work_on(actor: Any, case: Case) -> Case:
    """The case afresh, if `actor` is one of its provider's advisers (NotFound otherwise)."""
    require_actor(actor)
    return case_policy.get(actor, case.pk, action=WORK)


def _adviser_or_refuse(person: Any, organisation: Any, field: str, what: str) -> Any:
    if person is None:
        return None
    if not is_adviser_of(person, organisation):
        raise ApplicationError(
            f"The {what} must be a student support adviser at this provider.", field=field
        )
    return person


def _text(value: str, *, field: str, required: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ApplicationError(required, field=field)
    if len(value) > limit:
        raise ApplicationError(f"Keep it to {limit:,} characters.", field=field)
    return value


def case_open(
    *,
    actor: Any,
    organisation: Organisation,
    student: Student,
    topic: str,
    summary: str,
    assignee: Any = None,
    reviewer: Any = None,
    follow_up_on: date | None = None,
    tell: bool = False,
) -> Case:
    """Open a case for a student of the provider, about `topic`, assigned to (and reviewed by)
    advisers of the provider; `tell` tells the student (a case opened from their request)."""
    require_actor(actor)
    _require_adviser(actor, organisation)
    if student.organisation_id != organisation.pk or student.anonymised_at is not None:
        raise ApplicationError(
            f"Choose a student of {organisation.name}: they are not one.", field="student"
        )
    if topic not in CaseTopic.values:
        raise ApplicationError("Choose what the case is about.", field="topic")
    summary = _text(
        summary,
        field="summary",
        required="Say what the case is about, in words the student will see.",
        limit=SUMMARY_MAX_LENGTH,
    )
    assignee = _adviser_or_refuse(assignee, organisation, "assignee", "adviser helping")
    reviewer = _adviser_or_refuse(reviewer, organisation, "reviewer", "reviewer")
    opener = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        case = Case.objects.create(
            organisation=organisation,
            student=student,
            topic=topic,
            summary=summary,
            assignee=assignee,
            reviewer=reviewer,
            follow_up_on=follow_up_on,
            opened_by=opener,
        )
        if tell:
            tell_student(
                student,
                "support/case_opened",
                link=_my_cases_link(),
                topic=case.get_topic_display(),
                summary=case.summary,
                adviser=_name(assignee),
            )
    return case


def _name(person: Any) -> str:
    return str(person.get_full_name() or person.username) if person is not None else ""


def case_update(
    *,
    actor: Any,
    case: Case,
    follow_up_on: date | None,
    reviewer: Any = None,
) -> Case:
    """Change a case's follow-up day and reviewer."""
    case = _work_on(actor, case)
    case.reviewer = _adviser_or_refuse(reviewer, case.organisation_id, "reviewer", "reviewer")
    case.follow_up_on = follow_up_on
    case.save(update_fields=["reviewer", "follow_up_on", "updated_at"])
    return case


def note_add(*, actor: Any, case: Case, body: str, shared_with_student: bool = False) -> CaseNote:
    """Add a note to a case: private to the provider's advisers unless shared with the student
    (what was agreed), when the student is told there is something new to read."""
    case = _work_on(actor, case)
    body = _text(body, field="body", required="Write the note.", limit=NOTE_MAX_LENGTH)
    with transaction.atomic():
        note = CaseNote.objects.create(
            case=case,
            body=body,
            shared_with_student=shared_with_student,
            written_by=actor if getattr(actor, "pk", None) else None,
        )
        if shared_with_student:
            tell_student(
                case.student,
                "support/case_note_shared",
                link=_my_cases_link(),
                topic=case.get_topic_display(),
                summary=case.summary,
            )
    return note


def case_handover(*, actor: Any, case: Case, to_adviser: Any, note: str = "") -> Handover:
    """Pass a case to another adviser of the provider, who then sees its whole history."""
    case = _work_on(actor, case)
    if to_adviser is None:
        raise ApplicationError("Choose the adviser to hand the case to.", field="to_adviser")
    _adviser_or_refuse(to_adviser, case.organisation_id, "to_adviser", "adviser")
    if to_adviser.pk == case.assignee_id:
        raise ApplicationError(
            f"{_name(to_adviser)} is already helping with this case.", field="to_adviser"
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ApplicationError(f"Keep it to {NOTE_MAX_LENGTH:,} characters.", field="note")
    with transaction.atomic():
        handover = Handover.objects.create(
            case=case,
            from_adviser=case.assignee,
            to_adviser=to_adviser,
            note=note,
            handed_over_by=actor if getattr(actor, "pk", None) else None,
        )
        case.assignee = to_adviser
        case.save(update_fields=["assignee", "updated_at"])
    return handover


def referral_make(
    *,
    actor: Any,
    case: Case,
    service: str,
    service_name: str = "",
    consent_given_on: date | None,
    consent_how: str,
    details: str = "",
) -> Referral:
    """Refer the student to a service or agency, only with their consent recorded (when and
    how); a referral to their personal adviser also needs the consent to contact them kept on
    their support record, when they have one."""
    case = _work_on(actor, case)
    if service not in ReferralService.values:
        raise ApplicationError("Choose who the referral is to.", field="service")
    consent_how = (consent_how or "").strip()
    if consent_given_on is None:
        raise ApplicationError(NO_CONSENT, field="consent_given_on")
    if not consent_how:
        raise ApplicationError(NO_CONSENT, field="consent_how")
    if consent_given_on > timezone.localdate():
        raise ApplicationError(
            "The day the student agreed cannot be in the future.", field="consent_given_on"
        )
    if service == ReferralService.PERSONAL_ADVISER:
        record = SupportRecord.objects.filter(student_id=case.student_id).first()
        if record is not None and not record.personal_adviser_consent:
            raise ApplicationError(
                "The student's support record says they have not agreed to their personal "
                "adviser being contacted: record their consent there first.",
                field="service",
            )
    details = (details or "").strip()
    if len(details) > NOTE_MAX_LENGTH:
        raise ApplicationError(f"Keep it to {NOTE_MAX_LENGTH:,} characters.", field="details")
    return Referral.objects.create(
        case=case,
        service=service,
        service_name=(service_name or "").strip()[:200],
        consent_given_on=consent_given_on,
        consent_how=consent_how[:200],
        details=details,
        referred_by=actor if getattr(actor, "pk", None) else None,
    )


def referral_close(*, actor: Any, referral: Referral, outcome: str) -> Referral:
    """Close a referral with what came of it."""
    case = _work_on(actor, referral.case)
    referral = case.referrals.filter(pk=referral.pk).first() or referral
    if referral.closed_at is not None:
        raise ApplicationError("This referral is closed already.", field="outcome")
    referral.outcome = _text(
        outcome, field="outcome", required="Say what came of the referral.", limit=2000
    )
    referral.closed_at = timezone.now()
    referral.save(update_fields=["outcome", "closed_at"])
    return referral


def case_close(*, actor: Any, case: Case, outcome: str) -> Case:
    """Close a case with its outcome (the student sees it and is told)."""
    case = _work_on(actor, case)
    outcome = _text(
        outcome,
        field="outcome",
        required="Say how the case ended: the student sees it.",
        limit=OUTCOME_MAX_LENGTH,
    )
    with transaction.atomic():
        closed = CASE_WORKFLOW.apply(
            case,
            "close",
            actor=actor,
            reason=outcome[:500],
            changes={"outcome": outcome, "closed_at": timezone.now()},
        )
        tell_student(
            case.student,
            "support/case_closed",
            link=_my_cases_link(),
            topic=case.get_topic_display(),
            summary=case.summary,
            outcome=outcome,
        )
    return closed


def case_reopen(*, actor: Any, case: Case, reason: str = "") -> Case:
    """Re-open a closed case: its notes, handovers and referrals stay, and its timeline shows
    when it was closed (with the outcome) and re-opened."""
    case = _work_on(actor, case)
    return CASE_WORKFLOW.apply(
        case,
        "reopen",
        actor=actor,
        reason=(reason or "").strip()[:500],
        changes={"closed_at": None},
    )
