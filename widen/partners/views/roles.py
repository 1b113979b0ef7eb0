"""Roles, applications and onboarding checks.

Coordinators: their providers' roles (create, change, close), the queue of applications to
decide (overdue first), one application with its decision, their partners and each partner's
checks (recording one). Students: the roles they can apply for, applying (a draft saved at any
time, resumed later, then sent) and their own applications. Someone else's answers like a page
that does not exist.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.audit.services import access_log_record_subjects
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.form_pages import form_page
from widen.core.forms import add_service_error
from widen.organisations.models import DataCategory
from widen.partners.models import APPLICATION_WORKFLOW, Application, Partner
from widen.partners.permissions import (
    APPLY,
    DECIDE,
    MANAGE,
    application_policy,
    coordinated_providers,
    may_coordinate,
    own_students,
    role_policy,
)
from widen.partners.selectors.roles import (
    application_get,
    application_queue,
    coordinators_at,
    my_application_get,
    my_applications,
    open_application_of,
    partner_checks,
    partner_get,
    partners_coordinated,
    role_get,
    roles_coordinated,
    roles_open_to_me,
)
from widen.partners.services.applications import (
    ANSWERS,
    application_decline,
    application_offer,
    application_save,
    application_start,
    application_submit,
    application_withdraw,
)
from widen.partners.services.checks import check_record
from widen.partners.services.roles import role_create, role_update
from widen.partners.views.role_forms import ApplicationForm, CheckForm, DecideForm, RoleForm

APPLICATION_SUBJECT = "partners.application"
PARTNER_SUBJECT = "partners.partner"
# An application holds who the student is and, in its adjustments, perhaps their health.
APPLICATION_CATEGORIES = (DataCategory.IDENTITY, DataCategory.SPECIAL_CATEGORY)


def _coordinates(request: AuthenticatedRequest) -> None:
    """Coordinators' pages are for people who coordinate partners somewhere; anyone else is
    answered as if the page did not exist."""
    if not may_coordinate(request.user):
        raise NotFound


def _is_student(request: AuthenticatedRequest) -> None:
    """Students' pages are for people signed in with a student record of their own."""
    if not own_students(request.user).exists():
        raise NotFound


def _log_views(
    request: AuthenticatedRequest,
    subject_type: str,
    ids: list[Any],
    categories: tuple[str, ...],
    purpose: str,
) -> None:
    if ids:
        access_log_record_subjects(
            actor=request.user,
            subject_type=subject_type,
            subjects=[(pk, None) for pk in ids],
            data_categories=categories,
            purpose=purpose,
        )


# --- Roles (coordinators) --------------------------------------------------------------------


@require_http_methods(["GET"])
def roles_view(request: AuthenticatedRequest) -> HttpResponse:
    _coordinates(request)
    roles = list(roles_coordinated(actor=request.user))
    return render(request, "partners/roles/role_list.html", {"roles": roles})


def _role_save_args(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": data["kind"],
        "title": data["title"],
        "work_involved": data["work_involved"],
        "hourly_rate_pounds": data["hourly_rate"],
        "coordinator": data["coordinator"],
        "decision_working_days": data["decision_working_days"],
        "needs_training": data["needs_training"],
    }


@require_http_methods(["GET", "POST"])
def role_create_view(request: AuthenticatedRequest) -> HttpResponse:
    _coordinates(request)
    providers = coordinated_providers(request.user).order_by("name")
    form = RoleForm(
        request.POST or None,
        organisations=providers,
        coordinators=coordinators_at(*providers),
        initial={"coordinator": request.user.pk},
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        role = role_create(
            actor=request.user, organisation=data["organisation"], **_role_save_args(data)
        )
        messages.success(request, f"Added the role {role.title}: it is taking applications.")
        return redirect("partners:roles")

    return form_page(
        request,
        form,
        save,
        "partners/roles/role_form.html",
        {"title": "Add a role", "submit": "Add role"},
    )


@require_http_methods(["GET", "POST"])
def role_edit_view(request: AuthenticatedRequest, role_id: UUID) -> HttpResponse:
    role = role_get(actor=request.user, role_id=role_id, action=MANAGE)
    form = RoleForm(
        request.POST or None,
        organisations=coordinated_providers(request.user),
        coordinators=coordinators_at(role.organisation),
        editing=True,
        initial={
            "kind": role.kind,
            "title": role.title,
            "work_involved": role.work_involved,
            "hourly_rate": f"{role.hourly_rate_pence / 100:.2f}",
            "coordinator": role.coordinator_id,
            "decision_working_days": role.decision_working_days,
            "needs_training": role.needs_training,
            "is_open": role.is_open,
        },
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        fresh = role_get(actor=request.user, role_id=role_id, action=MANAGE)
        saved = role_update(
            actor=request.user, role=fresh, is_open=data["is_open"], **_role_save_args(data)
        )
        state = "taking applications" if saved.is_open else "closed to new applications"
        messages.success(request, f"Saved the role {saved.title}: it is {state}.")
        return redirect("partners:roles")

    return form_page(
        request,
        form,
        save,
        "partners/roles/role_form.html",
        {"title": f"Change the role {role.title}", "submit": "Save role", "role": role},
    )


# --- Applications (coordinators) ---------------------------------------------------------------


@require_http_methods(["GET"])
def applications_view(request: AuthenticatedRequest) -> HttpResponse:
    _coordinates(request)
    today = timezone.localdate()
    queue = application_queue(actor=request.user, today=today)
    _log_views(
        request,
        APPLICATION_SUBJECT,
        [item.application.pk for item in queue],
        (DataCategory.IDENTITY,),
        "applications to decide, listed for their coordinator",
    )
    return render(
        request,
        "partners/roles/application_queue.html",
        {"queue": queue, "today": today, "overdue": sum(item.overdue for item in queue)},
    )


@require_http_methods(["GET", "POST"])
def application_view(request: AuthenticatedRequest, application_id: UUID) -> HttpResponse:
    """An application as its provider's coordinator reads it, with the decision to make."""
    application = application_get(actor=request.user, application_id=application_id)
    if not may_coordinate(request.user, application.role.organisation):
        raise NotFound  # the student reads their own on their own page
    may_decide = application_policy.may(request.user, DECIDE, application)
    form = DecideForm(request.POST or None) if may_decide else None
    if request.method == "POST":
        if form is None:
            messages.error(request, "This application has already been decided.")
            return redirect("partners:application", application_id=application.pk)
        response = _decide(request, application, form)
        if response is not None:
            return response
    else:
        _log_views(
            request,
            APPLICATION_SUBJECT,
            [application.pk],
            APPLICATION_CATEGORIES,
            "application read by its role's coordinator",
        )
    partner = Partner.objects.filter(student=application.student).first()
    today = timezone.localdate()
    return render(
        request,
        "partners/roles/application_detail.html",
        {
            "application": application,
            "form": form,
            "partner": partner,
            "overdue": bool(
                application.is_submitted and application.decide_by and application.decide_by < today
            ),
        },
    )


def _decide(
    request: AuthenticatedRequest, application: Application, form: DecideForm
) -> HttpResponse | None:
    if not form.is_valid():
        return None
    note = form.cleaned_data["note"]
    name = application.student.display_name
    try:
        if form.cleaned_data["decision"] == "offer":
            partner = application_offer(actor=request.user, application=application, note=note)
            messages.success(
                request,
                f"{name} is offered the role {application.role.title} and has been told. "
                "They can now set their flexibility plan.",
            )
            return redirect("partners:partner", partner_id=partner.pk)
        application_decline(actor=request.user, application=application, note=note)
    except ApplicationError as error:
        add_service_error(form, error)
        return None
    messages.success(request, f"{name} has been told the role is not offered, with your note.")
    return redirect("partners:applications")


# --- Partners and their checks (coordinators) -----------------------------------------------------


@require_http_methods(["GET"])
def partner_list_view(request: AuthenticatedRequest) -> HttpResponse:
    _coordinates(request)
    partners = list(partners_coordinated(actor=request.user))
    _log_views(
        request,
        PARTNER_SUBJECT,
        [partner.pk for partner in partners],
        (DataCategory.IDENTITY,),
        "student partners listed for their coordinator",
    )
    return render(request, "partners/roles/partner_list.html", {"partners": partners})


@require_http_methods(["GET", "POST"])
def partner_view(request: AuthenticatedRequest, partner_id: UUID) -> HttpResponse:
    """A partner as their coordinator sees them: roles, onboarding checks, recording a check."""
    partner = partner_get(actor=request.user, partner_id=partner_id, action=MANAGE)
    form = CheckForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        check = check_record(actor=request.user, partner=partner, **data)
        messages.success(
            request,
            f"Recorded the check “{check.get_kind_display()}” for {partner.student.display_name}.",
        )
        return redirect("partners:partner", partner_id=partner.pk)

    if request.method == "GET":
        _log_views(
            request,
            PARTNER_SUBJECT,
            [partner.pk],
            (DataCategory.IDENTITY,),
            "student partner's page read by their coordinator",
        )
    today = timezone.localdate()
    context = {
        "partner": partner,
        "student": partner.student,
        "roles": list(partner.roles.order_by("title")),
        "checks": partner_checks(partner=partner, today=today),
    }
    return form_page(request, form, save, "partners/roles/partner_detail.html", context)


# --- Students' own pages -------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET"])
def open_roles_view(request: AuthenticatedRequest) -> HttpResponse:
    """Roles you can apply for: the open roles of the providers holding your records."""
    _is_student(request)
    roles = list(roles_open_to_me(actor=request.user))
    open_ones = {
        application.role_id: application
        for application in my_applications(actor=request.user).filter(
            role_id__in=[role.pk for role in roles], status__in=["draft", "submitted"]
        )
    }
    rows = [{"role": role, "application": open_ones.get(role.pk)} for role in roles]
    return render(request, "partners/roles/open_roles.html", {"rows": rows})


def _answers(form: ApplicationForm) -> dict[str, str]:
    """Every answer that passed the form's checks, whatever else failed (nothing typed that can
    be kept is lost)."""
    cleaned = getattr(form, "cleaned_data", {})
    return {name: cleaned[name] for name in ANSWERS if name in cleaned}


@never_cache
@require_http_methods(["GET", "POST"])
def apply_view(request: AuthenticatedRequest, role_id: UUID) -> HttpResponse:
    """Start an application to a role (or go on with the one already started)."""
    role = role_policy.visible_to(request.user).filter(pk=role_id).first()
    if role is None or not role_policy.may(request.user, APPLY, role):
        raise NotFound
    existing = open_application_of(actor=request.user, role=role)
    if existing is not None:
        return redirect("partners:my_application", application_id=existing.pk)
    form = ApplicationForm(request.POST or None)
    if request.method == "POST":
        form.is_valid()
        application = application_start(actor=request.user, role=role, **_answers(form))
        return _after_saving(request, application, form)
    return render(request, "partners/roles/apply.html", {"role": role, "form": form})


def _after_saving(
    request: AuthenticatedRequest, application: Application, form: ApplicationForm
) -> HttpResponse:
    """The draft is saved; send it when asked and the form had no problem."""
    if form.errors:
        return _application_page(request, application, form)
    if request.POST.get("action") == "submit":
        try:
            sent = application_submit(actor=request.user, application=application)
        except ApplicationError as error:
            add_service_error(form, error)
            return _application_page(request, application, form)
        messages.success(
            request,
            f"Your application is sent. You will hear by {sent.decide_by:%A %-d %B %Y}.",
        )
        return redirect("partners:my_applications")
    messages.success(request, "Your answers are saved. Come back to finish at any time.")
    return redirect("partners:my_application", application_id=application.pk)


def _application_page(
    request: AuthenticatedRequest,
    application: Application,
    form: ApplicationForm | None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "partners/roles/my_application.html",
        {
            "application": application,
            "role": application.role,
            "form": form,
            "may_withdraw": APPLICATION_WORKFLOW.can(application, "withdraw"),
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET"])
def my_applications_view(request: AuthenticatedRequest) -> HttpResponse:
    _is_student(request)
    applications = list(my_applications(actor=request.user))
    return render(request, "partners/roles/my_applications.html", {"applications": applications})


@never_cache
@require_http_methods(["GET", "POST"])
def my_application_view(request: AuthenticatedRequest, application_id: UUID) -> HttpResponse:
    """One's own application: a draft to go on with or send, a sent one to withdraw, or the
    decision."""
    application = my_application_get(actor=request.user, application_id=application_id)
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        try:
            application_withdraw(actor=request.user, application=application)
        except ApplicationError as error:
            messages.error(request, error.message)
            return redirect("partners:my_application", application_id=application.pk)
        messages.success(request, f"You have withdrawn your application to {application.role}.")
        return redirect("partners:my_applications")
    if not application.is_draft:
        if request.method == "POST":
            messages.error(request, "This application has been sent, so it cannot be changed.")
            return redirect("partners:my_application", application_id=application.pk)
        return _application_page(request, application, None)
    if request.method == "POST":
        form = ApplicationForm(request.POST)
        form.is_valid()
        try:
            saved = application_save(actor=request.user, application=application, **_answers(form))
        except ApplicationError as error:
            add_service_error(form, error)
            return _application_page(request, application, form)
        return _after_saving(request, saved, form)
    form = ApplicationForm(initial={name: getattr(application, name) for name in ANSWERS})
    return _application_page(request, application, form)


urlpatterns = [
    path("roles/", roles_view, name="roles"),
    path("roles/new/", role_create_view, name="role_create"),
    path("roles/<uuid:role_id>/edit/", role_edit_view, name="role_edit"),
    path("applications/", applications_view, name="applications"),
    path("applications/<uuid:application_id>/", application_view, name="application"),
    path("partners/", partner_list_view, name="partner_list"),
    path("partners/<uuid:partner_id>/", partner_view, name="partner"),
    path("my/roles/", open_roles_view, name="open_roles"),
    path("my/roles/<uuid:role_id>/apply/", apply_view, name="apply"),
    path("my/applications/", my_applications_view, name="my_applications"),
    path("my/applications/<uuid:application_id>/", my_application_view, name="my_application"),
]
