"""Support records' pages: the adviser's list (filtered; students the enrolment import found who
have none yet; local authority bursaries to chase), a record (contact, care and estrangement
with when each became known, personal adviser, pathway plan, halls, support plan, bursaries)
and its forms; and the student's own record, where they may ask not to be contacted about it.
Every adviser's read is in the access log; anything not theirs is missing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import NotFound
from widen.core.form_pages import carried_out, form_page
from widen.students.mine.selectors import my_students
from widen.support.models import SupportRecord
from widen.support.permissions.records import (
    ADVISE,
    local_authority_bursary_policy,
    may_advise,
    support_record_policy,
)
from widen.support.record_forms import (
    BursaryForm,
    IdentificationForm,
    OpenRecordForm,
    ReceivedForm,
    RecordFiltersForm,
    RecordForm,
)
from widen.support.selectors.records import (
    RecordFilters,
    bursaries_to_chase,
    found_in_records,
    found_student_get,
    my_record,
    record_get,
    record_list,
    record_views_record,
    student_to_advise,
)
from widen.support.services.records import (
    bursary_chase,
    bursary_expect,
    bursary_receive,
    do_not_contact_set,
    identification_add,
    pathway_review_warnings,
    record_open,
    record_open_from_records,
    record_update,
)

PAGE_SIZE = 50


def _adviser(request: AuthenticatedRequest) -> None:
    if not may_advise(request.user):
        raise NotFound


def _record(request: AuthenticatedRequest, record_id: UUID) -> SupportRecord:
    record = record_get(actor=request.user, record_id=record_id)
    support_record_policy.require(request.user, ADVISE, record)
    return record


@require_GET
def record_list_view(request: AuthenticatedRequest) -> HttpResponse:
    _adviser(request)
    filters_form = RecordFiltersForm(request.GET or None)
    chosen = filters_form.cleaned_data if filters_form.is_valid() else {}
    filters = RecordFilters(
        **{name: bool(chosen.get(name)) for name in RecordFiltersForm.base_fields}
    )
    page = Paginator(record_list(actor=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    found = list(found_in_records(actor=request.user)[:PAGE_SIZE])
    chase = list(bursaries_to_chase(actor=request.user)[:PAGE_SIZE])
    record_views_record(
        actor=request.user,
        records=[*page.object_list, *(bursary.record for bursary in chase)],
        purpose="the list of support records",
    )
    return render(
        request,
        "support/records/record_list.html",
        {
            "page": page,
            "filters_form": filters_form,
            "found": found,
            "chase": chase,
            "open_form": OpenRecordForm(),
        },
    )


@require_POST
def record_open_view(request: AuthenticatedRequest) -> HttpResponse:
    """Open a record: for a student the enrolment import found, or by student number."""
    _adviser(request)
    if request.POST.get("student_id"):
        student = found_student_get(actor=request.user, student_id=request.POST["student_id"])
        opened = carried_out(
            request,
            lambda: record_open_from_records(actor=request.user, student=student),
            f"Opened the support record of {student.display_name}.",
        )
    else:
        form = OpenRecordForm(request.POST)
        found = (
            student_to_advise(
                actor=request.user, student_number=form.cleaned_data["student_number"]
            )
            if form.is_valid()
            else None
        )
        if found is None:
            messages.error(request, "No student of yours has that student number.")
            return redirect("support:records")
        student = found
        opened = carried_out(
            request,
            lambda: record_open(actor=request.user, student=student),
            f"Opened the support record of {student.display_name}.",
        )
    if isinstance(opened, SupportRecord):
        return redirect("support:record", record_id=opened.pk)
    return redirect("support:records")


@require_GET
def record_view(request: AuthenticatedRequest, record_id: UUID) -> HttpResponse:
    record = _record(request, record_id)
    record_views_record(actor=request.user, records=[record], purpose="a student's support record")
    return render(
        request,
        "support/records/record_detail.html",
        {
            "record": record,
            "identifications": list(
                record.identifications.select_related("recorded_by").order_by("identified_on")
            ),
            "bursaries": list(record.local_authority_bursaries.order_by("expected_on")),
            "to_chase": set(
                bursaries_to_chase(actor=request.user)
                .filter(record=record)
                .values_list("pk", flat=True)
            ),
            "warnings": pathway_review_warnings(record),
        },
    )


@require_http_methods(["GET", "POST"])
def record_edit_view(request: AuthenticatedRequest, record_id: UUID) -> HttpResponse:
    record = _record(request, record_id)
    if request.method == "POST":
        form = RecordForm(request.POST, record=record)
    else:
        form = RecordForm(initial=RecordForm.initial_of(record), record=record)
        record_views_record(
            actor=request.user, records=[record], purpose="changing a student's support record"
        )

    def save(data: dict[str, Any]) -> HttpResponse:
        changes = {**data, "care_status": data["care_status"] or ""}
        updated = record_update(actor=request.user, record=record, changes=changes)
        messages.success(request, "Saved the support record.")
        for warning in updated.warnings:
            messages.warning(request, warning)
        return redirect("support:record", record_id=record.pk)

    return form_page(request, form, save, "support/records/record_form.html", {"record": record})


@require_http_methods(["GET", "POST"])
def identification_add_view(request: AuthenticatedRequest, record_id: UUID) -> HttpResponse:
    record = _record(request, record_id)
    form = IdentificationForm(request.POST if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> HttpResponse:
        identification_add(actor=request.user, record=record, **data)
        messages.success(request, "Recorded when it became known.")
        return redirect("support:record", record_id=record.pk)

    return form_page(
        request, form, save, "support/records/identification_form.html", {"record": record}
    )


@require_http_methods(["GET", "POST"])
def bursary_add_view(request: AuthenticatedRequest, record_id: UUID) -> HttpResponse:
    record = _record(request, record_id)
    form = BursaryForm(
        request.POST if request.method == "POST" else None,
        initial={"local_authority": record.local_authority},
    )

    def save(data: dict[str, Any]) -> HttpResponse:
        bursary_expect(
            actor=request.user,
            record=record,
            local_authority=data["local_authority"],
            expected_on=data["expected_on"],
            amount_pence=int(data["amount"] * Decimal(100)),
            note=data["note"],
        )
        messages.success(request, "Recorded the bursary as expected.")
        return redirect("support:record", record_id=record.pk)

    return form_page(request, form, save, "support/records/bursary_form.html", {"record": record})


def _bursary(request: AuthenticatedRequest, record_id: UUID, bursary_id: UUID) -> Any:
    bursary = local_authority_bursary_policy.get(request.user, bursary_id, action=ADVISE)
    if bursary.record_id != record_id:
        raise NotFound
    return bursary


@require_POST
def bursary_chase_view(
    request: AuthenticatedRequest, record_id: UUID, bursary_id: UUID
) -> HttpResponse:
    bursary = _bursary(request, record_id, bursary_id)
    carried_out(
        request,
        lambda: bursary_chase(actor=request.user, bursary=bursary),
        f"Noted that {bursary.local_authority} was chased today.",
    )
    return redirect("support:record", record_id=record_id)


@require_http_methods(["GET", "POST"])
def bursary_receive_view(
    request: AuthenticatedRequest, record_id: UUID, bursary_id: UUID
) -> HttpResponse:
    bursary = _bursary(request, record_id, bursary_id)
    form = ReceivedForm(request.POST if request.method == "POST" else None)

    def save(data: dict[str, Any]) -> HttpResponse:
        bursary_receive(actor=request.user, bursary=bursary, received_on=data["received_on"])
        messages.success(request, f"Recorded the {bursary.local_authority} bursary as received.")
        return redirect("support:record", record_id=record_id)

    return form_page(
        request,
        form,
        save,
        "support/records/bursary_received.html",
        {"record": bursary.record, "bursary": bursary},
    )


@never_cache
@require_GET
def my_record_view(request: AuthenticatedRequest) -> HttpResponse:
    if not my_students(actor=request.user).exists():
        raise NotFound
    return render(
        request, "support/records/my_record.html", {"record": my_record(actor=request.user)}
    )


@require_POST
def my_record_contact_view(request: AuthenticatedRequest) -> HttpResponse:
    """The student says whether they may be contacted about being care experienced or
    estranged."""
    record = my_record(actor=request.user)
    if record is None:
        raise NotFound
    wanted = request.POST.get("do_not_contact") == "1"
    do_not_contact_set(actor=request.user, record=record, do_not_contact=wanted)
    messages.success(
        request,
        "We will not contact you about being care experienced or estranged."
        if wanted
        else "We may contact you about being care experienced or estranged again.",
    )
    return redirect("support:my_record")
