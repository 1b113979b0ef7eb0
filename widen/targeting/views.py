"""Targeting pages: postcode look-up, rule sets (define, preview, save), a learner's targeting."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.core.downloads import NO_PERSONAL_DATA, table_download
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.form_pages import form_page
from widen.learners.selectors import learner_get, learner_pseudonym
from widen.organisations.models import Partnership
from widen.organisations.permissions import organisation_policy
from widen.targeting.forms import RuleSetForm
from widen.targeting.learner_filters import rule_set_counts_seen_by
from widen.targeting.lookup import postcodes_look_up
from widen.targeting.maps import MEASURES, school_map
from widen.targeting.models import RuleSet
from widen.targeting.needs import rule_set_data_needs
from widen.targeting.permissions import MANAGE, may_manage_rule_sets, rule_set_policy
from widen.targeting.rule_sets import (
    eligibility_compute,
    rule_set_create,
    rule_set_presets_add,
    rule_set_preview,
    rule_set_update,
)
from widen.targeting.schools import SORTS, school_targeting, school_targeting_table
from widen.targeting.selectors import (
    learner_targeting,
    rule_set_by_school,
    rule_set_get,
    rule_set_list,
    rule_sets_of,
)

PAGE_LOOKUP_POSTCODES = 100


@require_GET
def postcode_lookup_view(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("postcodes", "")[:5_000]
    queries = [line.strip() for line in text.splitlines() if line.strip()]
    too_many = len(queries) > PAGE_LOOKUP_POSTCODES
    answers = postcodes_look_up(queries[:PAGE_LOOKUP_POSTCODES]) if queries else []
    return render(
        request,
        "targeting/postcode_lookup.html",
        {
            "text": text,
            "answers": answers,
            "too_many": too_many,
            "limit": PAGE_LOOKUP_POSTCODES,
            "not_loaded": answers[0].not_loaded if answers else [],
        },
    )


# --- Rule sets ---------------------------------------------------------------------------------


def _managed_partnership(request: HttpRequest, partnership_id: UUID) -> Partnership:
    """A partnership whose rule sets the person manages; NotFound for any other."""
    return organisation_policy.partnership_for(
        request.user, partnership_id, may=may_manage_rule_sets
    )


@require_GET
def rule_set_list_view(request: HttpRequest) -> HttpResponse:
    # Counts of the learners the person may see (with their special category data when the
    # rule set reads it), never of others.
    rule_sets = rule_set_counts_seen_by(request.user, list(rule_set_list(actor=request.user)))
    for rule_set in rule_sets:
        # "0 of 5,000" says nothing of why: name the open data the conditions need that is not
        # loaded (its page gives the command that loads it).
        current = rule_set.current_version
        missing, _ = rule_set_data_needs(current.definition if current else {})
        rule_set.not_loaded = [need.label for need in missing]  # type: ignore[attr-defined]
    return render(
        request,
        "targeting/rule_set_list.html",
        {
            "rule_sets": rule_sets,
            "managed": organisation_policy.partnerships_where(request.user, may_manage_rule_sets),
        },
    )


@require_POST
def rule_set_presets_view(request: AuthenticatedRequest, partnership_id: UUID) -> HttpResponse:
    partnership = _managed_partnership(request, partnership_id)
    agreement = next(
        (
            agreement
            for agreement in partnership.agreements.all()
            if str(agreement.pk) == request.POST.get("agreement", "").strip().lower()
        ),
        None,
    )
    added, left_out = rule_set_presets_add(
        actor=request.user, partnership=partnership, agreement=agreement
    )
    for rule_set in added:
        eligibility_compute(rule_set)
    if added:
        messages.success(request, "Added: " + "; ".join(str(rule_set) for rule_set in added) + ".")
    for reason in left_out:
        messages.warning(request, f"Not added: {reason}")
    if not added and not left_out:
        messages.info(request, "The partnership already has every preset.")
    return redirect("targeting:rule_sets")


@require_GET
def rule_set_detail_view(request: HttpRequest, rule_set_id: UUID) -> HttpResponse:
    rule_set = rule_set_get(actor=request.user, rule_set_id=rule_set_id)
    by_school = rule_set_by_school(actor=request.user, rule_set=rule_set)
    current = rule_set.current_version
    not_loaded, synthetic = rule_set_data_needs(current.definition if current else {})
    return render(
        request,
        "targeting/rule_set_detail.html",
        {
            "not_loaded": not_loaded,
            "synthetic": synthetic,
            "rule_set": rule_set,
            "versions": rule_set.versions.select_related("created_by"),
            "by_school": by_school,
            "may_manage": may_manage_rule_sets(request.user, rule_set.partnership),
        },
    )


def _rule_set_form(
    request: AuthenticatedRequest, partnership: Partnership, initial: dict[str, Any]
) -> tuple[RuleSetForm, dict[str, Any]]:
    """The rule set form: bound to what was sent when saving or previewing; laid out afresh
    with a condition more or fewer when "Add a condition" or "Remove" was pressed."""
    extra: dict[str, Any] = {"focus": "", "add_problem": None}
    if request.method != "POST":
        conditions = initial.pop("conditions", [])
        return RuleSetForm(partnership=partnership, initial=initial, conditions=conditions), extra
    add = request.POST.get("add", "")
    remove = request.POST.get("remove", "")
    if not add and not remove:
        return RuleSetForm(request.POST, partnership=partnership, initial=initial), extra
    drafted, focus = RuleSetForm.draft(request.POST, add=add, remove=remove)
    conditions = drafted.pop("conditions")
    kept = {
        name: request.POST.get(name, "")
        for name in ("name", "purpose", "agreement")
        if name in request.POST
    }
    form = RuleSetForm(
        partnership=partnership, initial={**initial, **kept, **drafted}, conditions=conditions
    )
    extra["focus"] = focus
    if focus.startswith("id_") and focus[3:] in form.fields:
        form.fields[focus[3:]].widget.attrs["data-focus"] = ""
    if add and not focus.startswith("condition-"):
        extra["add_problem"] = {
            "id": f"id_{add}_new",
            "message": "Choose the condition to add from the list, then press Add.",
        }
    return form, extra


@require_http_methods(["GET", "POST"])
def rule_set_create_view(request: AuthenticatedRequest, partnership_id: UUID) -> HttpResponse:
    partnership = _managed_partnership(request, partnership_id)
    form, extra = _rule_set_form(request, partnership, {})

    def save(data: dict[str, Any]) -> HttpResponse:
        rule_set = rule_set_create(
            actor=request.user,
            partnership=partnership,
            name=data["name"],
            purpose=data["purpose"],
            agreement=data["agreement"],
            definition=form.definition(),
        )
        eligibility_compute(rule_set)
        messages.success(request, f"Saved {rule_set} and worked it out for every learner.")
        return redirect("targeting:rule_set", rule_set_id=rule_set.pk)

    context = {"partnership": partnership, "rule_set": None, **extra}
    return form_page(request, form, save, "targeting/rule_set_form.html", context)


@require_http_methods(["GET", "POST"])
def rule_set_edit_view(request: AuthenticatedRequest, rule_set_id: UUID) -> HttpResponse:
    """Change the conditions: 'Preview changes' shows the gain and loss by school; 'Save' keeps
    them as a new version and works it out for every learner."""
    rule_set = rule_set_policy.get(request.user, rule_set_id, action=MANAGE)
    current = rule_set.current_version
    initial = {
        "name": rule_set.name,
        "purpose": rule_set.purpose,
        "agreement": rule_set.agreement,
        **RuleSetForm.initial_for(current.definition if current else {}),
    }
    form, extra = _rule_set_form(request, rule_set.partnership, initial)
    form.fields["name"].disabled = True
    preview = None
    if form.is_bound and form.is_valid():
        definition = form.definition()
        try:
            if "save" in request.POST:
                version = rule_set_update(
                    actor=request.user,
                    rule_set=rule_set,
                    definition=definition,
                    purpose=form.cleaned_data["purpose"],
                    agreement=form.cleaned_data["agreement"],
                )
                run = eligibility_compute(rule_set)
                messages.success(
                    request,
                    f"Saved version {version.number}: {run.eligible:,} of {run.learners:,} "
                    "learners are eligible.",
                )
                return redirect("targeting:rule_set", rule_set_id=rule_set.pk)
            rule_set.purpose = form.cleaned_data["purpose"]
            rule_set.agreement = form.cleaned_data["agreement"]
            preview = rule_set_preview(rule_set, definition, actor=request.user)
        except ApplicationError as error:
            form.add_error(None, error.message)
    return render(
        request,
        "targeting/rule_set_form.html",
        {
            "form": form,
            "partnership": rule_set.partnership,
            "rule_set": rule_set,
            "current": current,
            "preview": preview,
            **extra,
        },
    )


# --- A learner's targeting ---------------------------------------------------------------------


@require_GET
def learner_targeting_view(request: AuthenticatedRequest, learner_id: UUID) -> HttpResponse:
    learner, access = learner_get(actor=request.user, learner_id=learner_id)
    found = learner_targeting(actor=request.user, learner=learner, access=access)
    return render(
        request,
        "targeting/learner_targeting.html",
        {
            "learner": learner,
            "access": access,
            "pseudonym": learner_pseudonym(learner.id),
            "profile": found.profile,
            "explanation": found.explanation,
            "results": found.results,
            "hidden": found.hidden,
        },
    )


# --- School targeting --------------------------------------------------------------------------


def _chosen_partnership_and_rule_set(
    request: HttpRequest,
) -> tuple[list[Partnership], Partnership, list[RuleSet], RuleSet | None]:
    """The person's partnerships, the one asked for (else the first), its rule sets and the one
    asked for (else the first). 404 for someone in no partnership."""
    partnerships = list(organisation_policy.partnerships_visible_to(request.user))
    if not partnerships:
        raise NotFound
    chosen = next(
        (p for p in partnerships if str(p.pk) == request.GET.get("partnership")), partnerships[0]
    )
    rule_sets = rule_sets_of(actor=request.user, partnership=chosen)
    rule_set = next(
        (r for r in rule_sets if str(r.pk) == request.GET.get("rule_set")),
        rule_sets[0] if rule_sets else None,
    )
    return partnerships, chosen, rule_sets, rule_set


@require_GET
def school_targeting_view(request: HttpRequest) -> HttpResponseBase:
    partnerships, chosen, rule_sets, rule_set = _chosen_partnership_and_rule_set(request)
    sort = request.GET.get("sort", "share")
    sort = sort if sort in SORTS else "share"
    rows = school_targeting(chosen, rule_set, sort=sort, actor=request.user)
    authorities = sorted({row.local_authority for row in rows if row.local_authority})
    phases = sorted({row.phase for row in rows if row.phase})
    local_authority = request.GET.get("local_authority", "")
    phase = request.GET.get("phase", "")
    rows = [
        row
        for row in rows
        if (not local_authority or row.local_authority == local_authority)
        and (not phase or row.phase == phase)
    ]
    if request.GET.get("format") == "csv":
        header, *body = school_targeting_table(rows, rule_set)
        # Schools and counts of learners: nobody is named.
        return table_download(
            file_name="school-targeting",
            columns=header,
            rows=body,
            access_log=NO_PERSONAL_DATA,
        )
    query = request.GET.copy()
    query["format"] = "csv"
    return render(
        request,
        "targeting/school_targeting.html",
        {
            "partnerships": partnerships,
            "partnership": chosen,
            "rule_sets": rule_sets,
            "rule_set": rule_set,
            "rows": rows,
            "reached": [row for row in rows if row.reached],
            "not_reached": [row for row in rows if not row.reached],
            "sorts": SORTS.items(),
            "sort": sort,
            "authorities": authorities,
            "phases": phases,
            "local_authority": local_authority,
            "phase": phase,
            "csv_query": query.urlencode(),
        },
    )


@require_GET
def school_map_view(request: HttpRequest) -> HttpResponse:
    """The partnership's schools and colleges on a map, coloured by the share of their learners
    the rule set is for or by reach, with the same schools in a table beside it."""
    partnerships, chosen, rule_sets, rule_set = _chosen_partnership_and_rule_set(request)
    rows = sorted(
        school_targeting(chosen, rule_set, actor=request.user),
        key=lambda row: row.name.casefold(),
    )
    return render(
        request,
        "targeting/school_map.html",
        {
            "partnerships": partnerships,
            "partnership": chosen,
            "rule_sets": rule_sets,
            "rule_set": rule_set,
            "map": school_map(rows, request.GET.get("measure", "share")),
            "measures": MEASURES.items(),
            "rows": rows,
            # A member's page opens for everyone in the partnership; others have none here.
            "member_ids": set(chosen.members.values_list("pk", flat=True)),
        },
    )
