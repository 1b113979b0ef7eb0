"""The question bank's pages: scales, drafting and publishing them, new versions, and importing
scale items from a spreadsheet."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.form_pages import Refused, carried_out, form_page
from widen.evaluation.forms import (
    ScaleForm,
    ScaleUploadForm,
)
from widen.evaluation.imports import (
    MAX_BYTES,
    scale_import_commit,
    scale_import_plan,
    scale_import_roll_back,
    scale_import_start,
)
from widen.evaluation.models import (
    Scale,
    ScaleImportStatus,
)
from widen.evaluation.permissions import KEEP, scale_policy
from widen.evaluation.selectors import (
    scale_get,
    scale_import_get,
    scale_list,
)
from widen.evaluation.services import (
    may_keep_bank,
    scale_create,
    scale_draft_update,
    scale_new_version,
    scale_publish,
)
from widen.evaluation.views.common import partnership_for
from widen.organisations.permissions import organisation_policy

# --- Question bank ----------------------------------------------------------------------------


@require_GET
def scale_list_view(request: AuthenticatedRequest) -> HttpResponse:
    scales = scale_list(actor=request.user).order_by("name", "-version")
    keeping = organisation_policy.partnerships_where(request.user, may_keep_bank)
    return render(request, "evaluation/scale_list.html", {"scales": scales, "keeping": keeping})


@require_GET
def scale_detail_view(request: AuthenticatedRequest, scale_id: UUID) -> HttpResponse:
    scale = scale_get(actor=request.user, scale_id=scale_id)
    keeps = scale_policy.may(request.user, KEEP, scale)
    return render(
        request,
        "evaluation/scale_detail.html",
        {"scale": scale, "items": scale.items.all(), "keeps": keeps},
    )


def _scale_to_keep(request: AuthenticatedRequest, scale_id: UUID) -> Scale:
    return scale_policy.get(request.user, scale_id, action=KEEP)


@require_http_methods(["GET", "POST"])
def scale_create_view(request: AuthenticatedRequest, partnership_id: UUID) -> HttpResponse:
    partnership = partnership_for(request, partnership_id)
    if not may_keep_bank(request.user, partnership):
        raise NotFound
    form = ScaleForm(request.POST or None)

    def save(data: dict[str, Any]) -> HttpResponse:
        scale = scale_create(
            actor=request.user,
            partnership=partnership,
            name=data["name"],
            description=data["description"],
            scoring=data["scoring"],
            items=form.item_specs(),
            response_options=data["options"],
        )
        messages.success(request, f"“{scale.name}” saved as a draft. Check it, then publish.")
        return redirect("evaluation:scale", scale_id=scale.pk)

    context = {"partnership": partnership, "scale": None}
    return form_page(request, form, save, "evaluation/scale_form.html", context)


@require_http_methods(["GET", "POST"])
def scale_edit_view(request: AuthenticatedRequest, scale_id: UUID) -> HttpResponse:
    scale = _scale_to_keep(request, scale_id)
    if scale.is_published:
        messages.error(
            request,
            "This scale is published: its wording cannot be changed. Make a new version instead.",
        )
        return redirect("evaluation:scale", scale_id=scale.pk)
    initial = {
        "name": scale.name,
        "description": scale.description,
        "scoring": scale.scoring,
        "items": "\n".join(
            f"{item.text} (R)" if item.reverse_scored else item.text for item in scale.items.all()
        ),
        "options": "\n".join(f"{o['value']}={o['label']}" for o in scale.response_options),
    }
    form = ScaleForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> HttpResponse:
        scale_draft_update(
            actor=request.user,
            scale=scale,
            items=form.item_specs(),
            name=data["name"],
            response_options=data["options"],
            scoring=data["scoring"],
        )
        messages.success(request, "Draft saved.")
        return redirect("evaluation:scale", scale_id=scale.pk)

    context = {"partnership": scale.partnership, "scale": scale}
    return form_page(request, form, save, "evaluation/scale_form.html", context)


@require_POST
def scale_publish_view(request: AuthenticatedRequest, scale_id: UUID) -> HttpResponse:
    scale = _scale_to_keep(request, scale_id)
    carried_out(
        request,
        lambda: scale_publish(actor=request.user, scale=scale),
        f"“{scale.name}” is published: its wording is now locked.",
    )
    return redirect("evaluation:scale", scale_id=scale.pk)


@require_POST
def scale_new_version_view(request: AuthenticatedRequest, scale_id: UUID) -> HttpResponse:
    scale = _scale_to_keep(request, scale_id)
    if not scale.is_published:
        return redirect("evaluation:scale_edit", scale_id=scale.pk)
    new = scale_new_version(actor=request.user, scale=scale)
    messages.success(request, f"Version {new.version} drafted: change its wording, then publish.")
    return redirect("evaluation:scale_edit", scale_id=new.pk)


@require_http_methods(["GET", "POST"])
def scale_import_view(request: AuthenticatedRequest, partnership_id: UUID) -> HttpResponse:
    partnership = partnership_for(request, partnership_id)
    if not may_keep_bank(request.user, partnership):
        raise NotFound
    form = ScaleUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["items_file"]
        if upload_file.size > MAX_BYTES:
            form.add_error("items_file", f"Files of up to {MAX_BYTES // 1_048_576} MB only.")
        else:
            try:
                upload = scale_import_start(
                    actor=request.user,
                    partnership=partnership,
                    file_name=upload_file.name or "",
                    content=upload_file.read(),
                    source=form.cleaned_data["source"],
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                return redirect("evaluation:scale_import_detail", import_id=upload.pk)
    return render(
        request, "evaluation/scale_import.html", {"form": form, "partnership": partnership}
    )


@require_GET
def scale_import_detail_view(request: AuthenticatedRequest, import_id: UUID) -> HttpResponse:
    upload = scale_import_get(actor=request.user, import_id=import_id)
    plan = scale_import_plan(upload) if upload.status == ScaleImportStatus.CHECKED else None
    return render(
        request,
        "evaluation/scale_import_check.html",
        {
            "upload": upload,
            "plan": plan,
            "problems": plan.problems if plan is not None else [],
        },
    )


@require_POST
def scale_import_commit_view(request: AuthenticatedRequest, import_id: UUID) -> HttpResponse:
    upload = scale_import_get(actor=request.user, import_id=import_id)
    done = carried_out(
        request,
        lambda: scale_import_commit(actor=request.user, upload=upload),
        lambda done: (
            f"Imported {done.scales_created} scale{'' if done.scales_created == 1 else 's'} "
            f"({done.items_created} items), published: their wording is locked."
        ),
    )
    if done is Refused.REFUSED:
        return redirect("evaluation:scale_import_detail", import_id=upload.pk)
    return redirect("evaluation:scales")


@require_POST
def scale_import_roll_back_view(request: AuthenticatedRequest, import_id: UUID) -> HttpResponse:
    """Undo an imported file of scale items within the roll-back period."""
    upload = scale_import_get(actor=request.user, import_id=import_id)
    carried_out(
        request,
        lambda: scale_import_roll_back(actor=request.user, upload=upload),
        "Rolled back: the scales this file added are gone.",
    )
    return redirect("evaluation:scale_import_detail", import_id=upload.pk)
