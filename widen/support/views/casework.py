"""1-2-1 casework's pages for a provider's student support advisers: the lists (my cases, my
follow-ups, overdue, every case), opening a case, the caseload of the team, and a case's page
(its summary, the timeline of notes, handovers, referrals, appointments, closes and re-opens,
and the forms that add to it). Every case page and list read is put in the access log."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.forms import add_service_error
from widen.students.models import Student
from widen.support.case_forms import (
    CaseFilterForm,
    CaseOpenForm,
    CloseForm,
    FollowUpForm,
    HandoverForm,
    NoteForm,
    ReferralCloseForm,
    ReferralForm,
    ReopenForm,
)
from widen.support.models import CASE_WORKFLOW, Case
from widen.support.permissions.casework import WORK, case_policy, casework_providers
from widen.support.permissions.providers import advisers_at, advisers_of
from widen.support.selectors.casework import (
    case_filters,
    case_get,
    case_list,
    case_timeline,
    case_views_record,
    caseload,
    my_follow_ups,
    my_open_cases,
    overdue_cases,
)
from widen.support.services.casework import (
    case_close,
    case_handover,
    case_open,
    case_reopen,
    case_update,
    note_add,
    referral_close,
    referral_make,
)

PAGE_SIZE = 50
LISTS = {
    "mine": "My cases",
    "follow_ups": "My follow-ups",
    "overdue": "Overdue",
    "all": "Every case",
}


def _adviser(request: AuthenticatedRequest) -> None:
    if not casework_providers(request.user).exists():
        raise NotFound


@never_cache
@require_GET
def cases_view(request: AuthenticatedRequest) -> HttpResponse:
    """The lists of cases: mine (open, assigned to me), my follow-ups (due today or before),
    overdue (every adviser's), or every case; by topic and status. Never by what notes say."""
    _adviser(request)
    which = request.GET.get("view") or "mine"
    if which not in LISTS:
        which = "mine"
    filter_form = CaseFilterForm(request.GET or None)
    problem = ""
    try:
        filters = case_filters(request.GET)
    except ApplicationError as error:
        problem = error.message
        filters = None
    cases: Any = Case.objects.none()
    if filters is not None:
        today = timezone.localdate()
        cases = {
            "mine": lambda: my_open_cases(actor=request.user),
            "follow_ups": lambda: my_follow_ups(actor=request.user, today=today),
            "overdue": lambda: overdue_cases(actor=request.user, today=today),
            "all": lambda: case_list(actor=request.user),
        }[which]()
        cases = filters.apply(cases)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    case_views_record(
        actor=request.user, cases=list(page.object_list), purpose=f"support cases: {LISTS[which]}"
    )
    return render(
        request,
        "support/cases/case_list.html",
        {
            "page": page,
            "which": which,
            "lists": LISTS,
            "heading": LISTS[which],
            "filter_form": filter_form,
            "problem_text": problem,
            "page_errors": bool(problem),
            "today": timezone.localdate(),
        },
        status=400 if problem else 200,
    )


@never_cache
@require_GET
def caseload_view(request: AuthenticatedRequest) -> HttpResponse:
    """Open cases per adviser of my providers, and the team's open cases by topic."""
    _adviser(request)
    return render(request, "support/cases/caseload.html", {"load": caseload(actor=request.user)})


def _advisers_of_mine(request: AuthenticatedRequest) -> Any:
    return advisers_at(casework_providers(request.user))


@never_cache
@require_http_methods(["GET", "POST"])
def case_create_view(request: AuthenticatedRequest) -> HttpResponse:
    _adviser(request)
    providers = casework_providers(request.user).order_by("name")
    form = CaseOpenForm(
        request.POST or None,
        providers=providers,
        advisers=_advisers_of_mine(request),
        initial={"organisation": providers.first(), "assignee": request.user},
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        student = Student.objects.filter(
            organisation=data["organisation"],
            student_number__iexact=data["student_number"].strip(),
            anonymised_at__isnull=True,
        ).first()
        if student is None:
            form.add_error(
                "student_number", f"No student of {data['organisation'].name} has that number."
            )
        else:
            try:
                case = case_open(
                    actor=request.user,
                    organisation=data["organisation"],
                    student=student,
                    topic=data["topic"],
                    summary=data["summary"],
                    assignee=data["assignee"],
                    reviewer=data["reviewer"],
                    follow_up_on=data["follow_up_on"],
                )
            except ApplicationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, f"Opened a case for {student.display_name}.")
                return redirect("support:case", case_id=case.pk)
    return render(request, "support/cases/case_open.html", {"form": form})


def _forms(case: Case, advisers: Any) -> dict[str, Any]:
    return {
        "note": NoteForm(),
        "handover": HandoverForm(advisers=advisers.exclude(pk=case.assignee_id)),
        "referral": ReferralForm(initial={"consent_given_on": timezone.localdate()}),
        "close": CloseForm(),
        "reopen": ReopenForm(),
        "follow_up": FollowUpForm(
            advisers=advisers,
            initial={"follow_up_on": case.follow_up_on, "reviewer": case.reviewer_id},
        ),
    }


def _case_page(
    request: AuthenticatedRequest, case: Case, failed: dict[str, Any] | None = None
) -> HttpResponse:
    advisers = advisers_of(case.organisation_id)
    forms = {**_forms(case, advisers), **(failed or {})}
    case_views_record(actor=request.user, cases=[case], purpose="a support case")
    referrals = list(case.referrals.select_related("referred_by"))
    return render(
        request,
        "support/cases/case_detail.html",
        {
            "case": case,
            "timeline": case_timeline(case),
            "referrals": referrals,
            "open_referrals": [r for r in referrals if r.closed_at is None],
            "appointments": list(case.appointments.select_related("adviser")),
            "forms": forms,
            "page_errors": bool(failed),
            "may_close": CASE_WORKFLOW.can(case, "close"),
            "may_reopen": CASE_WORKFLOW.can(case, "reopen"),
            "today": timezone.localdate(),
        },
    )


@never_cache
@require_GET
def case_detail_view(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    return _case_page(request, case_get(actor=request.user, case_id=case_id))


def _act(
    request: AuthenticatedRequest,
    case_id: UUID,
    name: str,
    make_form: Callable[[Case], Any],
    save: Callable[[Case, dict[str, Any]], str],
) -> HttpResponse:
    """A form on the case's page: saved (back to the page, saying so), or the page again with
    the form's problems on it."""
    case = case_policy.get(request.user, case_id, action=WORK)
    case = case_get(actor=request.user, case_id=case.pk)
    form = make_form(case)
    if form.is_valid():
        try:
            done = save(case, form.cleaned_data)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done)
            return redirect("support:case", case_id=case.pk)
    return _case_page(request, case, {name: form})


@require_POST
def case_note_view(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    def save(case: Case, data: dict[str, Any]) -> str:
        note = note_add(
            actor=request.user,
            case=case,
            body=data["body"],
            shared_with_student=data["shared_with_student"],
        )
        if note.shared_with_student:
            return "Added the note and shared it with the student; they have been told."
        return "Added a private note."

    return _act(request, case_id, "note", lambda case: NoteForm(request.POST), save)


@require_POST
def case_handover_view(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    def save(case: Case, data: dict[str, Any]) -> str:
        handover = case_handover(
            actor=request.user, case=case, to_adviser=data["to_adviser"], note=data["note"]
        )
        adviser = handover.to_adviser
        return f"Handed the case over to {adviser.get_full_name() or adviser.username}."

    return _act(
        request,
        case_id,
        "handover",
        lambda case: HandoverForm(
            request.POST, advisers=advisers_of(case.organisation_id).exclude(pk=case.assignee_id)
        ),
        save,
    )


@require_POST
def case_referral_view(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    def save(case: Case, data: dict[str, Any]) -> str:
        referral = referral_make(actor=request.user, case=case, **data)
        return f"Recorded the referral to {referral.get_service_display()}."

    return _act(request, case_id, "referral", lambda case: ReferralForm(request.POST), save)


@require_POST
def case_referral_close_view(
    request: AuthenticatedRequest, case_id: UUID, referral_id: int
) -> HttpResponse:
    case = case_policy.get(request.user, case_id, action=WORK)
    referral = case.referrals.filter(pk=referral_id).first()
    if referral is None:
        raise NotFound
    form = ReferralCloseForm(request.POST, auto_id=f"ref_{referral.pk}_%s")
    if form.is_valid():
        try:
            referral_close(
                actor=request.user, referral=referral, outcome=form.cleaned_data["outcome"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, f"Closed the referral to {referral.get_service_display()}.")
    else:
        messages.error(request, "Say what came of the referral.")
    return redirect("support:case", case_id=case.pk)


@require_POST
def case_close_view(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    def save(case: Case, data: dict[str, Any]) -> str:
        case_close(actor=request.user, case=case, outcome=data["outcome"])
        return "Closed the case; the student has been told the outcome."

    return _act(request, case_id, "close", lambda case: CloseForm(request.POST), save)


@require_POST
def case_reopen_view(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    def save(case: Case, data: dict[str, Any]) -> str:
        case_reopen(actor=request.user, case=case, reason=data["reason"])
        return "Re-opened the case. Its history is kept."

    return _act(request, case_id, "reopen", lambda case: ReopenForm(request.POST), save)


@require_POST
def case_follow_up_view(request: AuthenticatedRequest, case_id: UUID) -> HttpResponse:
    def save(case: Case, data: dict[str, Any]) -> str:
        case_update(
            actor=request.user,
            case=case,
            follow_up_on=data["follow_up_on"],
            reviewer=data["reviewer"],
        )
        return "Saved the follow-up day and reviewer."

    return _act(
        request,
        case_id,
        "follow_up",
        lambda case: FollowUpForm(request.POST, advisers=advisers_of(case.organisation_id)),
        save,
    )
