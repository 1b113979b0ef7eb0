"""The pages for requests about people's data: the list, recording a request, a request's page
(identity, extension, finding and naming the person's records, exports, restriction, answering)
and the erasure step. Only those who handle requests (`rights.handle_requests`) reach them;
everyone else, and another organisation's request, gets the page that does not exist."""

from __future__ import annotations

import base64
import hashlib
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from csp.decorators import csp_update
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from widen.accounts.models import User
from widen.accounts.requests import AuthenticatedRequest
from widen.audit.registry import Erasure, register
from widen.core.downloads import file_download
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.form_pages import carried_out, form_page
from widen.core.forms import add_service_error
from widen.learners.models import Learner
from widen.rights import exporting, services
from widen.rights.erasing import ErasureReport
from widen.rights.forms import (
    CloseForm,
    ExtensionForm,
    IdentityForm,
    RecordsForm,
    RequestRecordForm,
    SearchForm,
)
from widen.rights.models import RequestKind, RequestStatus, RightsRequest
from widen.rights.permissions import HANDLE, rights_organisations, rights_request_policy

MOST_FOUND = 50
SHOWN = {"all": "All", "open": "Open", "answered": "Answered or refused"}
RESTRICTING = {RequestKind.RESTRICTION, RequestKind.OBJECTION}


def _handled_organisations(request: AuthenticatedRequest) -> QuerySet[Any]:
    organisations = rights_organisations(request.user)
    if not organisations.exists():
        raise NotFound
    return organisations


def _request_for(request: AuthenticatedRequest, request_id: UUID) -> RightsRequest:
    return rights_request_policy.get(request.user, request_id, action=HANDLE)


@require_http_methods(["GET"])
def request_list_view(request: AuthenticatedRequest) -> HttpResponse:
    """Every request of the organisations the person handles requests for: open ones first,
    soonest due first; overdue ones say so in words."""
    organisations = _handled_organisations(request)
    shown = request.GET.get("show", "all")
    if shown not in SHOWN:
        shown = "all"
    requests = rights_request_policy.visible_to(request.user).filter(organisation__in=organisations)
    if shown == "open":
        requests = requests.filter(status=RequestStatus.OPEN)
    elif shown == "answered":
        requests = requests.exclude(status=RequestStatus.OPEN)
    rows = sorted(
        requests.select_related("organisation"),
        key=lambda item: (
            not item.is_open,
            item.due_on is None,
            item.due_on or item.received_on,
            item.person_name,
        ),
    )
    return render(
        request,
        "rights/request_list.html",
        {
            "rows": rows,
            "shown": shown,
            "filters": [
                (key, label, f"?{urlencode({'show': key})}") for key, label in SHOWN.items()
            ],
            "several_organisations": organisations.count() > 1,
        },
    )


@require_http_methods(["GET", "POST"])
def request_create_view(request: AuthenticatedRequest) -> HttpResponse:
    organisations = _handled_organisations(request)
    form = RequestRecordForm(request.POST or None, organisations=organisations)

    def save(data: dict[str, Any]) -> HttpResponse:
        made = services.rights_request_record(
            actor=request.user,
            organisation=data["organisation"],
            details=services.RequestDetails(
                kind=data["kind"],
                person_name=data["person_name"],
                person_email=data["person_email"],
                details=data["details"],
                received_on=data["received_on"],
            ),
        )
        messages.success(request, f"Recorded: {made}. Answer by the date shown.")
        return redirect("rights:detail", request_id=made.pk)

    only = organisations.first() if organisations.count() == 1 else None
    return form_page(request, form, save, "rights/request_form.html", {"only_organisation": only})


# --- A request's page ---------------------------------------------------------------------------


def _uuids(values: Iterable[str]) -> list[UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


def _emails(values: Iterable[str]) -> list[str]:
    valid = []
    for value in values:
        try:
            validate_email(value)
        except ValidationError:
            continue
        valid.append(value.strip().lower())
    return valid


def _learner_label(learner: Learner) -> str:
    school = f", {learner.school}" if learner.school_id else ""
    born = learner.date_of_birth
    return f"{learner.first_name} {learner.last_name}, born {born.day} {born:%B %Y}{school}"


def _user_label(user: User) -> str:
    name = user.get_full_name()
    email = f" <{user.email}>" if user.email else ""
    return f"{name or user.username} (account {user.username}){email}"


@dataclass
class Found:
    learners: list[Learner]
    users: list[User]
    emails: list[str]

    @property
    def nothing(self) -> bool:
        return not (self.learners or self.users or self.emails)


def _search(
    request: AuthenticatedRequest, rights_request: RightsRequest, data: dict[str, Any]
) -> Found:
    learners = rights_request_policy.learners_to_search(request.user, rights_request)
    users = rights_request_policy.users_to_search(request.user, rights_request)
    name = (data.get("name") or "").strip()
    born = data.get("date_of_birth")
    email = (data.get("email") or "").strip().lower()
    found_learners: QuerySet[Learner] = learners.none()
    found_users: QuerySet[User] = users.none()
    if name or born:
        found_learners = learners
        if born:
            found_learners = found_learners.filter(date_of_birth=born)
        for word in name.split():
            found_learners = found_learners.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(preferred_name__icontains=word)
            )
    if name or email:
        found_users = users
        for word in name.split():
            found_users = found_users.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(username__icontains=word)
            )
        if email:
            found_users = found_users.filter(email__iexact=email)
    named_learners = rights_request.learners.values("pk")
    named_users = rights_request.users.values("pk")
    return Found(
        learners=list(
            found_learners.exclude(pk__in=named_learners)
            .select_related("school")
            .order_by("last_name", "first_name", "pk")[:MOST_FOUND]
        ),
        users=list(
            found_users.exclude(pk__in=named_users).distinct().order_by("username")[:MOST_FOUND]
        ),
        emails=[email] if email and email not in rights_request.emails else [],
    )


def _records_form(
    request: AuthenticatedRequest, rights_request: RightsRequest, found: Found | None
) -> RecordsForm | None:
    """The tick boxes: on a search, what it found; when sent, the records sent that the request
    may name (anything else is not a choice, and the form says so)."""
    if request.method == "POST" and request.POST.get("action") == "records":
        learners = rights_request_policy.learners_to_search(request.user, rights_request).filter(
            pk__in=_uuids(request.POST.getlist("learners"))
        )
        users = rights_request_policy.users_to_search(request.user, rights_request).filter(
            pk__in=_uuids(request.POST.getlist("users"))
        )
        return RecordsForm(
            request.POST,
            learners=[(str(learner.pk), _learner_label(learner)) for learner in learners],
            users=[(str(user.pk), _user_label(user)) for user in users.distinct()],
            emails=_emails(request.POST.getlist("emails")),
        )
    if found is None or found.nothing:
        return None
    return RecordsForm(
        learners=[(str(learner.pk), _learner_label(learner)) for learner in found.learners],
        users=[(str(user.pk), _user_label(user)) for user in found.users],
        emails=found.emails,
    )


def _identity_initial(rights_request: RightsRequest) -> dict[str, Any]:
    return {
        "identity_asked_on": rights_request.identity_asked_on,
        "identity_confirmed_on": rights_request.identity_confirmed_on,
        "identity_evidence": rights_request.identity_evidence,
    }


def _posted(request: AuthenticatedRequest, action: str) -> Any:
    return request.POST if request.POST.get("action") == action else None


@require_http_methods(["GET", "POST"])
def request_detail_view(request: AuthenticatedRequest, request_id: UUID) -> HttpResponse:
    rights_request = _request_for(request, request_id)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    identity_form = IdentityForm(
        _posted(request, "identity"), initial=_identity_initial(rights_request)
    )
    extension_form = ExtensionForm(
        _posted(request, "extend"),
        initial={
            "extra_months": rights_request.extra_months,
            "extension_reason": rights_request.extension_reason,
        },
    )
    close_form = CloseForm(_posted(request, "close"))
    searching = any(request.GET.get(key) for key in ("name", "date_of_birth", "email"))
    search_form = SearchForm(request.GET if searching else None)
    found = (
        _search(request, rights_request, search_form.cleaned_data)
        if searching and search_form.is_valid()
        else None
    )
    records_form = _records_form(request, rights_request, found)
    back = redirect("rights:detail", request_id=rights_request.pk)
    problem = ""

    if action in {"restrict", "lift"}:
        lift = action == "lift"
        carried_out(
            request,
            lambda: services.rights_request_restrict(
                actor=request.user, request=rights_request, lift=lift
            ),
            lambda changed: _restricted_message(rights_request, changed, lift=lift),
        )
        return back
    sent = {
        "identity": identity_form,
        "extend": extension_form,
        "close": close_form,
        "records": records_form,
    }
    if request.method == "POST" and action not in sent:
        problem = "Choose what to do with the request."
    form = sent.get(action)
    if form is not None and form.is_valid():
        try:
            message = _save(request, rights_request, action, form.cleaned_data)
        except ApplicationError as error:
            if error.field in form.fields:
                add_service_error(form, error)
            else:
                problem = error.message
        else:
            messages.success(request, message)
            return back
    rights_request.refresh_from_db()
    return render(
        request,
        "rights/request_detail.html",
        {
            "rights_request": rights_request,
            "identity_form": identity_form,
            "extension_form": extension_form,
            "close_form": close_form,
            "search_form": search_form,
            "found": found,
            "records_form": records_form,
            "named_learners": rights_request.learners.select_related("school", "organisation"),
            "named_users": rights_request.users.all(),
            "may_restrict": rights_request.kind in RESTRICTING,
            "is_erasure": rights_request.kind == RequestKind.ERASURE,
            "is_objection": rights_request.kind == RequestKind.OBJECTION,
            "request_problem": problem,
            "page_errors": bool(problem),
        },
    )


def _save(
    request: AuthenticatedRequest,
    rights_request: RightsRequest,
    action: str,
    data: dict[str, Any],
) -> str:
    if action == "identity":
        services.rights_request_identity(
            actor=request.user,
            request=rights_request,
            asked_on=data["identity_asked_on"],
            confirmed_on=data["identity_confirmed_on"],
            evidence=data["identity_evidence"],
        )
        if rights_request.waiting_for_identity:
            return "Saved: the clock is stopped until they confirm who they are."
        return "Identity saved."
    if action == "extend":
        services.rights_request_extend(
            actor=request.user,
            request=rights_request,
            extra_months=data["extra_months"],
            reason=data["extension_reason"],
        )
        return "Time to answer saved."
    if action == "records":
        services.rights_request_name_records(
            actor=request.user,
            request=rights_request,
            learner_ids=data.get("learners", []),
            user_ids=data.get("users", []),
            emails=data.get("emails", []),
        )
        return "Added to the request's records."
    services.rights_request_close(
        actor=request.user,
        request=rights_request,
        outcome=data["outcome"],
        refuse=data["decision"] == "refuse",
    )
    return "The request is refused." if data["decision"] == "refuse" else "The request is answered."


def _restricted_message(rights_request: RightsRequest, changed: int, *, lift: bool) -> str:
    records = f"{changed} learner record{'s' if changed != 1 else ''}"
    if rights_request.kind == RequestKind.OBJECTION:
        if lift:
            return f"{records} back in equality monitoring."
        return f"{records} left out of equality monitoring."
    if lift:
        return f"Restriction lifted on {records}."
    return f"Processing restricted on {records}: kept, but used for nothing else."


# --- Exports -------------------------------------------------------------------------------------

EXPORT_FORMATS = {
    "html": ("html", "text/html; charset=utf-8", True),
    "json": ("json", "application/json", False),
    "pdf": ("pdf", "application/pdf", False),
}


def _style_source(template: str) -> str:
    """The CSP source allowing exactly the `<style>` of `template` (the export is one file the
    person can keep, so it carries its own style; viewed in Widen, only that style may apply)."""
    text = (Path(__file__).resolve().parents[1] / "templates" / template).read_text()
    style = re.search(r"<style>(.*?)</style>", text, re.DOTALL)
    if style is None:
        return "'none'"
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    return f"'sha256-{digest}'"


EXPORT_STYLE = _style_source("rights/export.html")


@csp_update({"style-src": [EXPORT_STYLE]})  # type: ignore[arg-type]  # typed for one-argument views
@require_http_methods(["GET"])
def request_export_view(
    request: AuthenticatedRequest, request_id: UUID, file_format: str
) -> HttpResponse:
    """Everything held about the person, as a page to read, JSON or PDF (access-logged)."""
    rights_request = _request_for(request, request_id)
    if file_format not in EXPORT_FORMATS:
        raise NotFound
    try:
        export = services.rights_request_export(actor=request.user, request=rights_request)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("rights:detail", request_id=rights_request.pk)
    extension, content_type, inline = EXPORT_FORMATS[file_format]
    content: str | bytes
    if file_format == "pdf":
        content = exporting.as_pdf(export)
    elif file_format == "json":
        content = exporting.as_json(export)
    else:
        content = exporting.as_html(export)
    return file_download(
        content,
        file_name=f"Data held about {rights_request.person_name} {export.made_at[:10]}.{extension}",
        content_type=content_type,
        # rights_request_export has recorded the export in the access log.
        access_log=lambda: None,
        inline=inline,
    )


# --- Erasure --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    heading: str
    rows: int
    action: str
    why: str


def _erasure_steps(rights_request: RightsRequest) -> list[Step]:
    """What erasing will do to each kind of record the person has rows in (from the register)."""
    person = services.person_of(rights_request)
    if person.is_empty:
        return []
    steps = []
    for entry in register:
        rows = person.rows_in(entry)
        count = rows.count()
        if not count:
            continue
        held = entry.held_from_erasure(rows).count() if entry.held_from_erasure else 0
        if held:
            steps.append(Step(entry.heading, held, "Kept", f"{entry.held_because}."))
            count -= held
            if not count:
                continue
        if entry.erasure is Erasure.DELETE:
            action, why = "Deleted", ""
        elif entry.erasure is Erasure.ANONYMISE:
            fields = ", ".join(
                str(getattr(entry.model._meta.get_field(name), "verbose_name", name))
                for name in entry.anonymised
            )
            action, why = "Anonymised", f"These fields lose their values: {fields}."
        else:
            action = "Kept"
            why = (
                f"{entry.retention.description.capitalize()}; it names the person only by ids, "
                "which mean nothing once their own records are erased."
            )
        steps.append(Step(entry.heading, count, action, why))
    return steps


def _report_lines(report: ErasureReport) -> list[tuple[str, int, str]]:
    headings = {entry.label: entry.heading for entry in register}
    return [
        (headings.get(label, label), count, action)
        for action, counts in (("Deleted", report.deleted), ("Anonymised", report.anonymised))
        for label, count in sorted(counts.items())
    ] + [
        (headings.get(label, label), count, f"Kept: {why}")
        for label, (count, why) in sorted(report.held.items())
    ]


@require_http_methods(["GET", "POST"])
def request_erase_view(request: AuthenticatedRequest, request_id: UUID) -> HttpResponse:
    """An erasure request's last step: what will happen to each kind of record, then erasing,
    then the report, with the organisations to tell (UK GDPR Art 19)."""
    rights_request = _request_for(request, request_id)
    if rights_request.kind != RequestKind.ERASURE:
        raise NotFound
    form = forms.Form(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            report = services.rights_request_erase(actor=request.user, request=rights_request)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Erased: {report.rows} records changed.")
            return render(
                request,
                "rights/erased.html",
                {
                    "rights_request": rights_request,
                    "report": report,
                    "lines": _report_lines(report),
                },
            )
    return render(
        request,
        "rights/erase_confirm.html",
        {
            "rights_request": rights_request,
            "steps": _erasure_steps(rights_request),
            "form": form,
        },
    )
