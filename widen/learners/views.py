"""Learner pages: find, view, add and change learners; who accessed a learner."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.audit.selectors import access_log_for_learner, audit_events_for_learner
from widen.core.academic_years import AcademicYear
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.form_pages import carried_out, form_page
from widen.core.forms import add_service_error
from widen.learners.forms import ConsentRecordForm, LearnerForm, ParentCarerForm
from widen.learners.hooks import learner_list_filters
from widen.learners.models import FILTERABLE_CHARACTERISTICS, Learner
from widen.learners.permissions import LearnerAccess, learner_policy, may_review_duplicates
from widen.learners.saved_searches import (
    filters_as_params,
    saved_search_delete,
    saved_search_get,
    saved_search_list,
    saved_search_save,
)
from widen.learners.selectors import (
    YEAR_GROUPS,
    LearnerFilters,
    learner_get,
    learner_list,
    learner_list_page,
    learner_page_ids,
    learner_pseudonym,
)
from widen.learners.services import (
    consent_record_add,
    learner_create,
    learner_update,
    learner_views_record,
    parent_carer_add,
)
from widen.organisations.models import DataCategory, Organisation
from widen.organisations.selectors import organisation_list

PAGE_SIZE = 50
# What the list shows of each learner (and what deciding their access reads).
LIST_COLUMNS = (
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "organisation__name",
    "school__name",
    # What the list says of the record's data rights (`Learner.data_rights_notes`).
    "restricted_at",
    "objects_to_equality_monitoring",
)


def _get_or_404(request: AuthenticatedRequest, learner_id: UUID) -> tuple[Learner, LearnerAccess]:
    """The learner and what the person may do with them; `NotFound` (404) for any other."""
    return learner_get(actor=request.user, learner_id=learner_id)


def _schools_for(request: AuthenticatedRequest) -> Any:
    return organisation_list(actor=request.user, organisation_type="school")


def _log_view(
    request: AuthenticatedRequest, learner: Learner, access: LearnerAccess, purpose: str
) -> None:
    """A partner's view of the learner's identity, and anyone's of their special category data."""
    learner_views_record(
        actor=request.user,
        learners=[learner],
        access_by_learner={learner.id: access},
        purpose=purpose,
    )


@require_http_methods(["GET"])
def learner_list_view(request: AuthenticatedRequest) -> HttpResponse:
    filters = LearnerFilters.from_params(request.GET)
    academic_year = AcademicYear.current()
    learners = learner_list(actor=request.user, filters=filters, academic_year=academic_year)
    page = Paginator(learner_page_ids(learners), PAGE_SIZE).get_page(request.GET.get("page"))
    rows, access_by_learner = learner_list_page(
        actor=request.user,
        learners=learners.only(*LIST_COLUMNS),
        ids=list(page.object_list),
        filters=filters,
        what="learner list",
    )
    sees_special = learner_policy.may_see_any(request.user, needing=DataCategory.SPECIAL_CATEGORY)
    characteristic_choices = [
        (name, field_label(name))
        for name, category in FILTERABLE_CHARACTERISTICS.items()
        if category != DataCategory.SPECIAL_CATEGORY or sees_special
    ]
    context = {
        "page": page,
        "rows": [
            {
                "learner": learner,
                "access": access_by_learner[learner.id],
                "pseudonym": learner_pseudonym(learner.id),
                "year_group": learner.year_group_label(academic_year),
            }
            for learner in rows
        ],
        "filters": filters,
        "schools": _schools_for(request).only("id", "name"),
        "year_groups": list(YEAR_GROUPS),
        "characteristic_choices": characteristic_choices,
        "list_filters": [
            {
                "param": list_filter.param,
                "label": list_filter.label,
                "any_label": list_filter.any_label,
                "choices": list_filter.choices(request.user),
                "value": filters.value_of(list_filter.param),
            }
            for list_filter in learner_list_filters()
        ],
        "academic_year": academic_year,
        "can_create": learner_policy.may_create_any(request.user),
        "reviews_duplicates": may_review_duplicates(request.user),
        "saved_filters": filters_as_params(filters),
        "saved_searches": [
            (search, urlencode(search.filters)) for search in saved_search_list(actor=request.user)
        ],
    }
    return render(request, "learners/learner_list.html", context)


@require_http_methods(["POST"])
def saved_search_create_view(request: AuthenticatedRequest) -> HttpResponse:
    """Save the learner list's current filters under a name (for filling a register)."""
    params = filters_as_params(LearnerFilters.from_params(request.POST))
    carried_out(
        request,
        lambda: saved_search_save(
            actor=request.user, name=request.POST.get("name", ""), params=request.POST
        ),
        lambda search: (
            f"Saved the search ‘{search.name}’. On a session's register you can add "
            "everyone it finds."
        ),
    )
    query = urlencode(params)
    return redirect(reverse("learners:list") + (f"?{query}" if query else ""))


@require_http_methods(["POST"])
def saved_search_delete_view(request: AuthenticatedRequest, search_id: UUID) -> HttpResponse:
    search = saved_search_get(actor=request.user, search_id=search_id)
    saved_search_delete(actor=request.user, search=search)
    messages.success(request, f"Removed the saved search \u2018{search.name}\u2019.")
    return redirect("learners:list")


@require_http_methods(["GET"])
def learner_detail_view(request: AuthenticatedRequest, learner_id: UUID) -> HttpResponse:
    learner, access = _get_or_404(request, learner_id)
    _log_view(request, learner, access, "learner record viewed")
    visible = set(access.visible_fields())
    fields = [
        {
            "name": name,
            "label": field_label(name),
            "value": _display_value(learner, name),
        }
        for name in access.visible_fields()
    ]
    context = {
        "learner": learner,
        "access": access,
        "pseudonym": learner_pseudonym(learner.id),
        "year_group": learner.year_group_label(),
        "identity_fields": [
            f
            for f in fields
            if f["name"] in visible and _category(f["name"]) == DataCategory.IDENTITY
        ],
        "characteristic_fields": [
            f for f in fields if _category(f["name"]) == DataCategory.CHARACTERISTICS
        ],
        "special_fields": [
            f for f in fields if _category(f["name"]) == DataCategory.SPECIAL_CATEGORY
        ],
        "parent_carers": learner.parent_carers.all() if not access.pseudonymised else [],
        "consents": learner.consents.all(),
    }
    return render(request, "learners/learner_detail.html", context)


def field_label(name: str) -> str:
    """The field's label with its first letter capitalised and the rest as written (UPN, HE)."""
    label = str(Learner._meta.get_field(name).verbose_name)  # type: ignore[union-attr]
    return label[:1].upper() + label[1:]


def _category(name: str) -> str:
    from widen.learners.models import FIELDS_BY_CATEGORY  # noqa: PLC0415

    for category, names in FIELDS_BY_CATEGORY.items():
        if name in names:
            return category
    return ""


def _display_value(learner: Learner, name: str) -> str:
    value = getattr(learner, name)
    display = getattr(learner, f"get_{name}_display", None)
    if display is not None and value:
        return str(display())
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if value in (None, ""):
        return "Not recorded"
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    return str(value)


@require_http_methods(["GET", "POST"])
def learner_create_view(request: AuthenticatedRequest) -> HttpResponse:
    """Add a learner, held by one of the organisations the policy lets the person add learners
    to. A choice it refuses (malformed, unknown, another's) is refused on the "Held by" field,
    as a missing choice is, and the form is shown again with the first organisation's fields."""
    organisations = learner_policy.organisations_for_create(request.user)
    default = organisations.first()
    if default is None:
        raise NotFound
    chosen: Organisation | None = None
    if request.method == "POST":
        try:
            chosen = learner_policy.organisation_for_create(
                request.user, request.POST.get("organisation")
            )
        except NotFound:
            chosen = None  # the form's list (the same organisations) says so on the field
    allowed = learner_policy.creatable_fields(request.user, chosen or default)
    form = LearnerForm(
        request.POST or None,
        allowed_fields=allowed,
        schools=_schools_for(request),
        organisations=organisations,
    )
    if request.method == "POST" and form.is_valid() and chosen is not None:
        try:
            learner = learner_create(
                organisation=chosen,
                school=form.cleaned_data.get("school"),
                details=form.learner_details(),
                allowed_fields=allowed,
                acting_user=request.user,
            )
        except (ValidationError, ApplicationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"{learner.display_name} has been added.")
            return redirect("learners:detail", learner_id=learner.id)
    return render(request, "learners/learner_form.html", {"form": form, "creating": True})


@require_http_methods(["GET", "POST"])
def learner_edit_view(request: AuthenticatedRequest, learner_id: UUID) -> HttpResponse:
    learner, access = _get_or_404(request, learner_id)
    if not access.can_edit:
        raise NotFound
    form = LearnerForm(
        request.POST or None,
        instance=learner,
        allowed_fields=access.editable_fields(),
        schools=_schools_for(request),
    )
    if request.method == "POST" and form.is_valid():
        fresh, fresh_access = _get_or_404(request, learner_id)
        try:
            learner_update(
                learner=fresh,
                access=fresh_access,
                changes=form.learner_details(),
                school=form.cleaned_data.get("school"),
                acting_user=request.user,
            )
        except (ValidationError, ApplicationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Your changes have been saved.")
            return redirect("learners:detail", learner_id=learner_id)
    _log_view(request, learner, access, "learner record opened for editing")
    return render(
        request, "learners/learner_form.html", {"form": form, "learner": learner, "creating": False}
    )


def _related_page(
    request: AuthenticatedRequest,
    learner: Learner,
    form: forms.BaseForm,
    title: str,
    add: Callable[[dict[str, Any]], object],
    said: str,
) -> HttpResponse:
    """A form adding something to a learner's record (a parent or carer, a lawful basis)."""

    def save(data: dict[str, Any]) -> HttpResponse:
        add(data)
        messages.success(request, said)
        return redirect("learners:detail", learner_id=learner.pk)

    context = {"learner": learner, "title": title}
    return form_page(request, form, save, "learners/related_form.html", context)


@require_http_methods(["GET", "POST"])
def parent_carer_add_view(request: AuthenticatedRequest, learner_id: UUID) -> HttpResponse:
    learner, access = _get_or_404(request, learner_id)
    if not access.can_edit:
        raise NotFound
    return _related_page(
        request,
        learner,
        ParentCarerForm(request.POST or None),
        "Add a parent or carer",
        lambda data: parent_carer_add(
            learner=learner, access=access, details=data, acting_user=request.user
        ),
        "The parent or carer has been added.",
    )


@require_http_methods(["GET", "POST"])
def consent_add_view(request: AuthenticatedRequest, learner_id: UUID) -> HttpResponse:
    learner, access = _get_or_404(request, learner_id)
    if not access.can_edit:
        raise NotFound
    form = ConsentRecordForm(request.POST or None, instance=None)
    form.instance.learner = learner
    return _related_page(
        request,
        learner,
        form,
        "Record the lawful basis or consent",
        lambda data: consent_record_add(
            learner=learner, access=access, acting_user=request.user, **data
        ),
        "The lawful basis has been recorded.",
    )


@require_http_methods(["GET"])
def learner_access_view(request: AuthenticatedRequest, learner_id: UUID) -> HttpResponse:
    learner, access = _get_or_404(request, learner_id)
    if not access.can_see_audit:
        raise NotFound
    context = {
        "learner": learner,
        "changes": audit_events_for_learner(learner_id=learner.id)[:200],
        "views": access_log_for_learner(learner_id=learner.id)[:200],
        "back_url": reverse("learners:detail", kwargs={"learner_id": learner.id}),
    }
    return render(request, "learners/learner_access.html", context)
