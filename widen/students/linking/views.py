"""Linking students to their outreach past: the proposals waiting for a decision, side by side,
looking for new ones, and the decisions."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from widen.accounts.requests import AuthenticatedRequest
from widen.audit.services import LearnerView, access_log_record_subjects, access_log_record_views
from widen.core.exceptions import NotFound
from widen.learners.models import Learner
from widen.learners.permissions import learner_policy
from widen.organisations.models import DataCategory
from widen.students.linking.services import (
    FIELD_LABELS,
    FOUND_BY,
    learner_link_confirm,
    learner_link_list,
    learner_link_reject,
    learner_links_propose,
    providers_to_link,
)
from widen.students.models import LearnerLink, Student
from widen.students.permissions import student_policy

PAGE_SIZE = 50
STUDENT_SUBJECT = "students.student"


def _linker(request: AuthenticatedRequest) -> None:
    """Only those who change a provider's students; anyone else gets the page that is not."""
    if not providers_to_link(request.user).exists():
        raise NotFound


def _value(record: Student | Learner, name: str) -> str:
    if name == "school_id":
        school = getattr(record, "school", None)
        return school.name if school else ""
    if name == "postcode":
        return str(record.home_postcode or "")
    if name == "date_of_birth":
        born = record.date_of_birth
        return f"{born.day} {born:%B %Y}" if born else ""
    return str(getattr(record, name, "") or "")


def _comparison(link: LearnerLink) -> list[dict[str, str]]:
    agreements = {reason["field"]: reason["agreement"] for reason in link.reasons}
    return [
        {
            "label": label,
            "student": _value(link.student, name) if name not in {"school_id", "upn"} else "",
            "learner": _value(link.learner, name),
            "agreement": agreements.get(name, ""),
        }
        for name, label in FIELD_LABELS.items()
        if name not in {"school_id", "upn"} or _value(link.learner, name)
    ]


def _log(request: AuthenticatedRequest, links: list[LearnerLink]) -> None:
    """The students and learners shown by name, in the access log."""
    students = {link.student.pk: link.student for link in links}
    learners = {link.learner.pk: link.learner for link in links}
    for student in students.values():
        student_access = student_policy.access(request.user, student)
        access_log_record_subjects(
            actor=request.user,
            subject_type=STUDENT_SUBJECT,
            subjects=[(student.pk, None)],
            data_categories=[DataCategory.IDENTITY],
            purpose="Linking students to learner records: proposals reviewed",
            actor_organisation_id=(
                student_access.actor_organisation_id if student_access else None
            ),
        )
    views = []
    for learner in learners.values():
        access = learner_policy.access(request.user, learner)
        views.append(
            LearnerView(
                learner_id=learner.pk,
                data_categories=[DataCategory.IDENTITY],
                actor_organisation_id=access.actor_organisation_id if access else None,
                data_sharing_agreement_id=access.data_sharing_agreement_id if access else None,
            )
        )
    access_log_record_views(
        actor=request.user,
        views=views,
        purpose="Linking students to learner records: proposals reviewed",
    )


@require_http_methods(["GET"])
def link_list_view(request: AuthenticatedRequest) -> HttpResponse:
    _linker(request)
    links = learner_link_list(actor=request.user)
    shown = list(links[:PAGE_SIZE])
    _log(request, shown)
    context: dict[str, Any] = {
        "waiting": links.count(),
        "proposals": [
            {
                "link": link,
                "found_by": FOUND_BY.get(link.found_by, link.found_by),
                "percentage": f"{(link.score or 0) * 100:.1f}",
                "rows": _comparison(link),
            }
            for link in shown
        ],
        "providers": list(providers_to_link(request.user)),
        "page_size": PAGE_SIZE,
    }
    return render(request, "students/linking/link_list.html", context)


@require_http_methods(["POST"])
def link_propose_view(request: AuthenticatedRequest) -> HttpResponse:
    _linker(request)
    chosen = request.POST.get("provider", "")
    providers = providers_to_link(request.user)
    if chosen:
        try:
            providers = providers.filter(pk=UUID(chosen))
        except ValueError:
            raise NotFound from None
        if not providers.exists():
            raise NotFound
    for provider in providers:
        summary = learner_links_propose(actor=request.user, provider=provider)
        messages.success(request, summary.text(seen_by="you may see"))
    return redirect("student_links:list")


@require_http_methods(["POST"])
def link_confirm_view(request: AuthenticatedRequest, link_id: UUID) -> HttpResponse:
    link = learner_link_confirm(actor=request.user, link_id=link_id)
    messages.success(
        request,
        f"Linked: {link.student.display_name} is the learner {link.learner.display_name} "
        f"({link.learner.organisation.name}). Their journey now shows where they went on to study.",
    )
    return redirect("student_links:list")


@require_http_methods(["POST"])
def link_reject_view(request: AuthenticatedRequest, link_id: UUID) -> HttpResponse:
    link = learner_link_reject(actor=request.user, link_id=link_id)
    messages.success(
        request,
        f"Not the same person: {link.student.display_name} and the learner "
        f"{link.learner.display_name} will not be proposed again.",
    )
    return redirect("student_links:list")
