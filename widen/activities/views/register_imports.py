"""Importing a register from a spreadsheet: upload, a preview that writes nothing, then the
import."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.activities.forms import RegisterUploadForm
from widen.activities.imports import (
    REGISTER_MAX_BYTES,
    register_import_check,
    register_import_commit,
    register_import_roll_back,
    register_import_start,
)
from widen.activities.imports import outcome_summary as register_import_summary
from widen.activities.models import RegisterImportStatus
from widen.activities.selectors import register_import_get, session_for_register
from widen.core.exceptions import ApplicationError
from widen.core.form_pages import Refused, carried_out


@require_http_methods(["GET", "POST"])
def register_import_view(request: AuthenticatedRequest, session_id: UUID) -> HttpResponse:
    """Upload a register as a spreadsheet; its rows are checked before anything is saved."""
    session = session_for_register(actor=request.user, session_id=session_id)
    form = RegisterUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["register"]
        try:
            if upload.size > REGISTER_MAX_BYTES:
                raise ApplicationError(
                    f"The file is {upload.size / 1_048_576:.1f} MB; registers of up to "
                    f"{REGISTER_MAX_BYTES // 1_048_576} MB are accepted."
                )
            started = register_import_start(
                actor=request.user,
                session=session,
                file_name=upload.name or "register",
                content=upload.read(),
                sheet_name=form.cleaned_data.get("sheet") or "",
            )
        except ApplicationError as error:
            form.add_error("register", error.message)
        else:
            return redirect("activities:register_import_detail", import_id=started.pk)
    return render(request, "activities/register_import.html", {"session": session, "form": form})


# The preview lists at most this many rows of each kind (a register has a few hundred at most).
ROWS_SHOWN = 500


@require_GET
def register_import_detail_view(request: AuthenticatedRequest, import_id: UUID) -> HttpResponse:
    """The preview: who will be added and marked, and every row's problem. Writes nothing."""
    upload = register_import_get(actor=request.user, import_id=import_id)
    context: dict[str, Any] = {"upload": upload, "session": upload.session}
    if upload.status == RegisterImportStatus.CHECKED and upload.file_content:
        try:
            report = register_import_check(upload, actor=request.user)
        except ApplicationError as error:
            context["file_error"] = error.message
        else:
            context.update(
                {
                    "report": report,
                    "summary": register_import_summary(report, committed=False),
                    "problems": [
                        (problem, report.column_named(problem.column))
                        for problem in report.problems[:ROWS_SHOWN]
                    ],
                    "problems_hidden": max(len(report.problems) - ROWS_SHOWN, 0),
                    "added": report.to_add[:ROWS_SHOWN],
                    "added_hidden": max(len(report.to_add) - ROWS_SHOWN, 0),
                    "remarked": report.remarked[:ROWS_SHOWN],
                    "remarked_hidden": max(len(report.remarked) - ROWS_SHOWN, 0),
                }
            )
    return render(request, "activities/register_import_check.html", context)


@require_http_methods(["POST"])
def register_import_commit_view(request: AuthenticatedRequest, import_id: UUID) -> HttpResponse:
    upload = register_import_get(actor=request.user, import_id=import_id)
    report = carried_out(
        request,
        lambda: register_import_commit(
            upload=upload,
            actor=request.user,
            accept_partial=request.POST.get("accept_partial") == "yes",
        ),
        lambda report: "Imported: " + register_import_summary(report, committed=True),
    )
    if report is Refused.REFUSED:
        return redirect("activities:register_import_detail", import_id=upload.pk)
    return redirect("activities:register", session_id=upload.session_id)


@require_http_methods(["POST"])
def register_import_roll_back_view(request: AuthenticatedRequest, import_id: UUID) -> HttpResponse:
    """Undo an imported register within the roll-back period."""
    upload = register_import_get(actor=request.user, import_id=import_id)
    carried_out(
        request,
        lambda: register_import_roll_back(upload=upload, actor=request.user),
        lambda done: (
            f"Rolled back: {done.learners_added} learner{'s' if done.learners_added != 1 else ''} "
            "taken off the register and the marks it changed given back."
        ),
    )
    return redirect("activities:register_import_detail", import_id=upload.pk)
