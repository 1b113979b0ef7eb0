"""Import pages: upload a pupil list, say what its columns are, check, import, roll back."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.core.downloads import NO_PERSONAL_DATA, file_download
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.form_pages import carried_out
from widen.learners.imports.commit import learner_import_commit, learner_import_roll_back
from widen.learners.imports.files import CONTENT_TYPES, failed_rows_file, template_file
from widen.learners.imports.forms import ColumnMappingForm, PupilListUploadForm
from widen.learners.imports.report import column_lines, outcome_summary
from widen.learners.imports.selectors import import_run_get, import_run_list
from widen.learners.imports.services import (
    ImportReport,
    learner_import_check,
    learner_import_map_columns,
    learner_import_start,
    may_manage_run,
    runs_in_background,
)
from widen.learners.imports.tasks import learner_import_queue, progress_of
from widen.learners.imports.validation import ROW
from widen.learners.models import SPECIAL_CATEGORY_FIELDS, ImportRun, ImportStatus
from widen.learners.permissions import learner_policy
from widen.organisations.selectors import organisation_list

PROBLEMS_SHOWN = 200
PREVIEW_ROWS = 20


def _run_or_404(request: AuthenticatedRequest, import_id: UUID) -> ImportRun:
    return import_run_get(actor=request.user, run_id=import_id)


def _download(content: bytes, file_name: str, file_format: str) -> HttpResponse:
    """The template, or the rows of the person's own file that need fixing: formula-safe cells
    (`widen.learners.imports.files`), the one safe file name and header of every download. They
    hold only what the uploader's organisation sent, nobody else's learners: no access log."""
    return file_download(
        content,
        file_name=file_name,
        content_type=CONTENT_TYPES[file_format],
        access_log=NO_PERSONAL_DATA,
    )


@require_http_methods(["GET", "POST"])
def import_start_view(request: AuthenticatedRequest) -> HttpResponse:
    organisations = learner_policy.organisations_for_create(request.user)
    if not organisations.exists():
        raise NotFound
    form = PupilListUploadForm(
        request.POST or None,
        request.FILES or None,
        organisations=organisations,
        schools=organisation_list(actor=request.user, organisation_type="school"),
        initial={"school": request.GET.get("school"), "organisation": request.GET.get("into")},
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["pupil_list"]
        try:
            if upload.size > _max_bytes():
                raise ApplicationError(
                    f"The file is {upload.size / 1_048_576:.1f} MB; files of up to "
                    f"{_max_bytes() // 1_048_576} MB are accepted. Split it into smaller files."
                )
            run = learner_import_start(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                school=form.cleaned_data.get("school"),
                file_name=upload.name or "upload",
                content=upload.read(),
                sheet_name=form.cleaned_data.get("sheet") or "",
            )
        except ApplicationError as error:
            form.add_error(
                error.field if error.field in form.fields else "pupil_list", error.message
            )
        else:
            return redirect("learners:import_detail", import_id=run.id)
    return render(
        request,
        "learners/import_start.html",
        {"form": form, "recent": import_run_list(actor=request.user)[:5]},
    )


def _max_bytes() -> int:
    from django.conf import settings  # noqa: PLC0415

    return int(settings.WIDEN_IMPORT_MAX_BYTES)


@require_http_methods(["GET"])
def import_template_view(request: AuthenticatedRequest, file_format: str) -> HttpResponse:
    if file_format not in CONTENT_TYPES:
        raise NotFound
    content, file_name = template_file(file_format)
    return _download(content, file_name, file_format)


@require_http_methods(["GET"])
def import_list_view(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(import_run_list(actor=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "learners/import_list.html", {"page": page})


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "empty"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _report_context(report: ImportReport) -> dict[str, Any]:
    plan = report.plan
    new_rows: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    if plan is not None:
        new_rows = [
            {"row": record.pop(ROW), **record}
            for record in plan.to_create.head(PREVIEW_ROWS).iter_rows(named=True)
        ]
        updates = [
            {
                "row": update.row,
                "learner_id": update.learner_id,
                # What a learner's special category data was is not shown here (it would be a
                # view of it to log): only what the file sets it to.
                "changes": [
                    (
                        name.replace("_", " "),
                        "not shown"
                        if name in SPECIAL_CATEGORY_FIELDS
                        else _shown(update.previous.get(name)),
                        _shown(value),
                    )
                    for name, value in update.changes.items()
                    if name != "school_id"
                ],
                "school_changed": "school_id" in update.changes,
            }
            for update in plan.to_update[:PREVIEW_ROWS]
        ]
    return {
        "report": report,
        "columns": column_lines(report),
        "summary": outcome_summary(report, committed=False) if report.checked else "",
        "problems": report.problems[:PROBLEMS_SHOWN],
        "problems_hidden": max(0, len(report.problems) - PROBLEMS_SHOWN),
        "duplicates": sorted(report.duplicates.items())[:PROBLEMS_SHOWN],
        "new_rows": new_rows,
        "updates": updates,
    }


@require_http_methods(["GET", "POST"])
def import_detail_view(request: AuthenticatedRequest, import_id: UUID) -> HttpResponse:
    run = _run_or_404(request, import_id)
    context: dict[str, Any] = {"run": run, "can_manage": may_manage_run(request.user, run)}
    if run.status in (ImportStatus.COMMITTED, ImportStatus.ROLLED_BACK):
        context["rollback_deadline"] = run.rollback_deadline
        context["can_roll_back"] = context["can_manage"] and run.may_roll_back
        return render(request, "learners/import_done.html", context)
    if run.status in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        context["progress"] = progress_of(run.pk)
        return render(request, "learners/import_running.html", context)
    if run.status != ImportStatus.CHECKED or not run.file_content:
        return render(request, "learners/import_done.html", context)
    if run.uploaded_by_id != request.user.pk:
        raise NotFound
    try:
        report = learner_import_check(run, actor=request.user)
    except ApplicationError as error:
        context["file_error"] = error.message
        return render(request, "learners/import_done.html", context)
    lines = column_lines(report)
    mapping_form = ColumnMappingForm(
        request.POST if request.method == "POST" else None,
        headings=[
            (line.letter, line.heading, run.column_mapping.get(line.heading) or "")
            for line in lines
        ],
    )
    if request.method == "POST" and mapping_form.is_valid():
        try:
            learner_import_map_columns(
                run=run, actor=request.user, columns=mapping_form.chosen_columns()
            )
        except ApplicationError as error:
            mapping_form.add_error(None, error.message)
        else:
            messages.success(
                request,
                "Column choices saved"
                + (f" for {run.school.name}" if run.school else "")
                + ": they will be used for this school's next list too.",
            )
            return redirect("learners:import_detail", import_id=run.id)
    context.update(_report_context(report))
    context["mapping_form"] = mapping_form
    context["mapping_rows"] = list(zip(lines, mapping_form, strict=True))
    context["background"] = runs_in_background(run)
    return render(request, "learners/import_check.html", context)


@require_http_methods(["POST"])
def import_commit_view(request: AuthenticatedRequest, import_id: UUID) -> HttpResponse:
    run = _run_or_404(request, import_id)
    if run.uploaded_by_id != request.user.pk:
        raise NotFound
    accept_partial = request.POST.get("accept_partial") == "yes"
    try:
        if runs_in_background(run):
            learner_import_queue(run=run, actor=request.user, accept_partial=accept_partial)
        else:
            report = learner_import_commit(
                run=run, actor=request.user, accept_partial=accept_partial
            )
            messages.success(request, "Imported: " + outcome_summary(report, committed=True))
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("learners:import_detail", import_id=run.id)


@require_http_methods(["GET"])
def import_progress_view(request: AuthenticatedRequest, import_id: UUID) -> JsonResponse:
    run = _run_or_404(request, import_id)
    progress = progress_of(run.pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "percent": 100 if run.status == ImportStatus.COMMITTED else progress["percent"],
            "message": run.message or progress["message"],
            "url": reverse("learners:import_detail", kwargs={"import_id": run.id}),
        }
    )


@require_http_methods(["GET"])
def import_failed_rows_view(request: AuthenticatedRequest, import_id: UUID) -> HttpResponse:
    run = _run_or_404(request, import_id)
    if not may_manage_run(request.user, run) or not run.file_content:
        raise NotFound
    try:
        report = learner_import_check(run, actor=request.user)
    except ApplicationError as error:
        raise NotFound from error
    content, file_name = failed_rows_file(run, report)
    return _download(content, file_name, run.file_format)


@require_http_methods(["POST"])
def import_roll_back_view(request: AuthenticatedRequest, import_id: UUID) -> HttpResponse:
    run = _run_or_404(request, import_id)
    carried_out(
        request,
        lambda: learner_import_roll_back(run=run, actor=request.user),
        f"Rolled back: {run.rows_created:,} learners removed and {run.rows_updated:,} "
        "restored as they were.",
    )
    return redirect("learners:import_detail", import_id=run.id)
