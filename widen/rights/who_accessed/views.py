"""The "who accessed" page and its CSV (see the package's notes)."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from django.apps import apps
from django.http import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from widen.accounts.requests import AuthenticatedRequest
from widen.audit.models import AuditAction
from widen.audit.selectors import AccessRecord, organisation_names, who_accessed
from widen.audit.services import LearnerView, access_log_record_views
from widen.core.downloads import Column, table_download
from widen.core.exceptions import NotFound
from widen.learners.models import Learner
from widen.organisations.models import DataCategory
from widen.rights.permissions import may_handle_requests, rights_organisations
from widen.rights.who_accessed.forms import WhoAccessedForm

COLUMNS = (
    Column("When (UTC)"),
    Column("Learner", identity=True),
    Column("Learner id"),
    Column("Who"),
    Column("Their organisation"),
    Column("What"),
    Column("Data categories or fields changed"),
    Column("Purpose"),
    Column("Through"),
    Column("Request id"),
)
CATEGORY_LABELS = dict(DataCategory.choices)


def _learners(request: AuthenticatedRequest) -> Any:
    """The learner records the person may trace: those their organisations hold."""
    return Learner.objects.filter(organisation__in=rights_organisations(request.user))


def _window(form: WhoAccessedForm) -> tuple[datetime, datetime]:
    starts = timezone.make_aware(datetime.combine(form.cleaned_data["starts"], time.min))
    ends = timezone.make_aware(datetime.combine(form.cleaned_data["ends"], time.max))
    return starts, ends


def _model(record: AccessRecord) -> Any:
    """The model a change was made to, or None when it is no longer known."""
    kind = record.what.partition(" ")[2]
    try:
        return apps.get_model(kind)
    except (LookupError, ValueError):
        return None


def _field_label(model: Any, attname: str) -> str:
    for model_field in model._meta.concrete_fields if model is not None else ():
        if model_field.attname == attname:
            return str(model_field.verbose_name)
    return attname


def _details(record: AccessRecord) -> str:
    """The data categories seen, or the fields changed, in words."""
    if record.is_change:
        model = _model(record)
        return ", ".join(_field_label(model, attname) for attname in record.details)
    return ", ".join(CATEGORY_LABELS.get(value, value) for value in record.details)


def _what(record: AccessRecord) -> str:
    """ "Viewed", "Downloaded", or the change and the kind of record: "Changed learner"."""
    if not record.is_change:
        return record.kind_label
    action, _, kind = record.what.partition(" ")
    done = AuditAction(action).label if action in AuditAction.values else action
    model = _model(record)
    return f"{done} {model._meta.verbose_name if model is not None else kind}"


@require_GET
def who_accessed_view(request: AuthenticatedRequest) -> HttpResponseBase:
    if not may_handle_requests(request.user):
        raise NotFound
    form = WhoAccessedForm(request.GET or None, learners=_learners(request))
    records: list[AccessRecord] | None = None
    learners: list[Learner] = []
    problem = None
    if form.is_bound and form.is_valid():
        learners = form.chosen_learners()
        if learners:
            starts, ends = _window(form)
            records = who_accessed(
                learner_ids=[learner.pk for learner in learners], starts_at=starts, ends_at=ends
            )
        elif not form.searched:
            problem = {
                "id": "id_q",
                "message": "Find the learners first: search by name or UPN, then tick them.",
            }
    names = {learner.pk: f"{learner.first_name} {learner.last_name}" for learner in learners}
    organisations = organisation_names(record.organisation_id for record in records or [])
    rows = [
        [
            record.occurred_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            names.get(record.learner_id, "") if record.learner_id else "",
            str(record.learner_id or ""),
            record.actor or "Widen (system)",
            organisations.get(record.organisation_id, "") if record.organisation_id else "",
            _what(record),
            _details(record),
            record.purpose,
            record.source,
            record.request_id,
        ]
        for record in records or []
    ]
    if records is not None and request.GET.get("format") == "csv":
        return _download(request, learners, rows)
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "audit/who_accessed.html",
        {
            "form": form,
            "problem": problem,
            "records": records,
            "rows": rows,
            "learners": learners,
            "csv_query": query.urlencode(),
        },
    )


def _download(
    request: AuthenticatedRequest, learners: list[Learner], rows: list[list[str]]
) -> HttpResponseBase:
    def log() -> None:
        access_log_record_views(
            actor=request.user,
            views=[
                LearnerView(
                    learner_id=learner.pk,
                    data_categories=[DataCategory.IDENTITY],
                    actor_organisation_id=learner.organisation_id,
                )
                for learner in learners
            ],
            purpose="who accessed: the access and audit records downloaded",
        )

    day = timezone.localdate().isoformat()
    return table_download(
        file_name=f"who-accessed-{day}",
        columns=COLUMNS,
        rows=rows,
        identities=True,
        access_log=log,
    )
