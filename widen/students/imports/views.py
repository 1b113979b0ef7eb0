"""Importing students from the student record system's export: upload (with the provider's past
uploads), a preview that writes nothing, then the import, and rolling it back."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.form_pages import carried_out
from widen.core.uploads import UploadStatus
from widen.students.imports.checking import (
    providers_for_import,
    student_import_check,
    student_import_get,
    student_import_limits,
)
from widen.students.imports.forms import StudentListUploadForm
from widen.students.imports.services import (
    outcome_summary,
    student_import_commit,
    student_import_roll_back,
    student_import_start,
)
from widen.students.models import StudentImport

# The preview lists at most this many rows of each kind.
ROWS_SHOWN = 500
UPLOADS_SHOWN = 50


@require_http_methods(["GET", "POST"])
def student_import_view(request: AuthenticatedRequest) -> HttpResponse:
    """Upload a student record system export; its rows are checked before anything is saved.
    Below the form, the past uploads for the providers the person manages."""
    providers = providers_for_import(request.user).order_by("name")
    if not providers.exists():
        raise NotFound
    form = StudentListUploadForm(
        request.POST or None, request.FILES or None, organisations=providers
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["student_list"]
        try:
            max_bytes = student_import_limits().max_bytes
            if upload.size > max_bytes:
                raise ApplicationError(
                    f"The file is {upload.size / 1_048_576:.1f} MB; student lists of up to "
                    f"{max_bytes // 1_048_576} MB are accepted."
                )
            started = student_import_start(
                actor=request.user,
                organisation=form.cleaned_data["organisation"],
                file_name=upload.name or "students",
                content=upload.read(),
                sheet_name=form.cleaned_data.get("sheet") or "",
            )
        except ApplicationError as error:
            form.add_error("student_list", error.message)
        else:
            return redirect("student_imports:upload_detail", import_id=started.pk)
    uploads = (
        StudentImport.objects.filter(organisation__in=providers)
        .select_related("organisation", "uploaded_by")
        .defer("file_content")[:UPLOADS_SHOWN]
    )
    return render(
        request,
        "students/imports/upload.html",
        {"form": form, "uploads": uploads, "several": providers.count() > 1},
    )


@require_GET
def student_import_detail_view(request: AuthenticatedRequest, import_id: UUID) -> HttpResponse:
    """The preview: students added, updated and unchanged, and every row's problem."""
    upload = student_import_get(actor=request.user, import_id=import_id)
    context: dict[str, Any] = {"upload": upload}
    if upload.status == UploadStatus.CHECKED and upload.file_content:
        try:
            report = student_import_check(upload, actor=request.user)
        except ApplicationError as error:
            context["file_error"] = error.message
        else:
            context.update(
                {
                    "report": report,
                    "summary": outcome_summary(report, committed=False),
                    "problems": [
                        (problem, report.column_named(problem.column))
                        for problem in report.problems[:ROWS_SHOWN]
                    ],
                    "problems_hidden": max(len(report.problems) - ROWS_SHOWN, 0),
                    "added": report.to_add[:ROWS_SHOWN],
                    "added_hidden": max(len(report.to_add) - ROWS_SHOWN, 0),
                    "updated": [
                        (row, report.change_text(row)) for row in report.to_update[:ROWS_SHOWN]
                    ],
                    "updated_hidden": max(len(report.to_update) - ROWS_SHOWN, 0),
                }
            )
    return render(request, "students/imports/check.html", context)


@require_http_methods(["POST"])
def student_import_commit_view(request: AuthenticatedRequest, import_id: UUID) -> HttpResponse:
    upload = student_import_get(actor=request.user, import_id=import_id)
    carried_out(
        request,
        lambda: student_import_commit(
            upload=upload,
            actor=request.user,
            accept_partial=request.POST.get("accept_partial") == "yes",
        ),
        lambda report: "Imported: " + outcome_summary(report, committed=True),
    )
    return redirect("student_imports:upload_detail", import_id=upload.pk)


@require_http_methods(["POST"])
def student_import_roll_back_view(request: AuthenticatedRequest, import_id: UUID) -> HttpResponse:
    """Undo an import within the roll-back period."""
    upload = student_import_get(actor=request.user, import_id=import_id)
    carried_out(
        request,
        lambda: student_import_roll_back(upload=upload, actor=request.user),
        lambda done: (
            f"Rolled back: {done.students_added} student{'s' if done.students_added != 1 else ''} "
            f"removed and {done.students_updated} given back what they had before."
        ),
    )
    return redirect("student_imports:upload_detail", import_id=upload.pk)
