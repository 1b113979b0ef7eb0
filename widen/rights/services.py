"""Handling a request about a person's data: record it, check who is asking, name the records
that are theirs, export, erase, restrict, note an objection, answer. Each step asks the policy
(`widen.rights.permissions`) first and changes nothing when refused."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from widen.accounts.capabilities import is_person
from widen.audit.services import access_log_record
from widen.core.exceptions import ApplicationError, NotFound
from widen.learners.models import Learner
from widen.learners.signals import learners_changed
from widen.organisations.models import DataCategory, Organisation
from widen.rights.deadlines import MOST_EXTRA_MONTHS
from widen.rights.erasing import ErasureReport, person_erase
from widen.rights.exporting import Export, subject_access_export
from widen.rights.models import REQUEST_WORKFLOW, RequestKind, RightsRequest
from widen.rights.people import Person
from widen.rights.permissions import HANDLE, may_handle_requests, rights_request_policy

ALL_CATEGORIES = (
    DataCategory.IDENTITY,
    DataCategory.CHARACTERISTICS,
    DataCategory.SPECIAL_CATEGORY,
)


@dataclass(frozen=True)
class RequestDetails:
    kind: str
    person_name: str
    person_email: str
    details: str
    received_on: date


def rights_request_record(
    *, actor: Any, organisation: Organisation, details: RequestDetails
) -> RightsRequest:
    """Record a request received by `organisation`."""
    if not may_handle_requests(actor, organisation):
        raise NotFound
    if details.kind not in RequestKind.values:
        raise ApplicationError("Choose what the person asked for.", field="kind")
    if not details.person_name.strip():
        raise ApplicationError("Say who is asking.", field="person_name")
    if details.received_on > timezone.localdate():
        raise ApplicationError(
            "The day it was received cannot be in the future.", field="received_on"
        )
    return RightsRequest.objects.create(
        organisation=organisation,
        kind=details.kind,
        person_name=details.person_name.strip(),
        person_email=details.person_email.strip(),
        details=details.details.strip(),
        received_on=details.received_on,
        recorded_by=actor if is_person(actor) else None,
    )


def _open_to_handle(actor: Any, request: RightsRequest) -> RightsRequest:
    rights_request_policy.require(actor, HANDLE, request)
    if not request.is_open:
        raise ApplicationError("This request has been answered; record a new one.", field="status")
    return request


def rights_request_identity(
    *,
    actor: Any,
    request: RightsRequest,
    asked_on: date | None,
    confirmed_on: date | None,
    evidence: str,
) -> RightsRequest:
    """Note when the person was asked to confirm who they are, and when and how they did."""
    _open_to_handle(actor, request)
    today = timezone.localdate()
    if asked_on and asked_on > today:
        raise ApplicationError(
            "The day you asked cannot be in the future.", field="identity_asked_on"
        )
    if confirmed_on and confirmed_on > today:
        raise ApplicationError(
            "The day they confirmed cannot be in the future.", field="identity_confirmed_on"
        )
    if confirmed_on and asked_on and confirmed_on < asked_on:
        raise ApplicationError(
            "They cannot have confirmed before you asked.", field="identity_confirmed_on"
        )
    if confirmed_on and not evidence.strip():
        raise ApplicationError("Say how their identity was checked.", field="identity_evidence")
    request.identity_asked_on = asked_on
    request.identity_confirmed_on = confirmed_on
    request.identity_evidence = evidence.strip()
    request.save(
        update_fields=[
            "identity_asked_on",
            "identity_confirmed_on",
            "identity_evidence",
            "updated_at",
        ]
    )
    return request


def rights_request_extend(
    *, actor: Any, request: RightsRequest, extra_months: int, reason: str
) -> RightsRequest:
    """Extend the time to answer a complex or numerous request (up to two further months)."""
    _open_to_handle(actor, request)
    if not 0 <= extra_months <= MOST_EXTRA_MONTHS:
        raise ApplicationError(
            f"A request can be extended by up to {MOST_EXTRA_MONTHS} further months.",
            field="extra_months",
        )
    if extra_months and not reason.strip():
        raise ApplicationError(
            "Say why: the person must be told why it takes longer.", field="extension_reason"
        )
    request.extra_months = extra_months
    request.extension_reason = reason.strip()
    request.save(update_fields=["extra_months", "extension_reason", "updated_at"])
    return request


def rights_request_name_records(
    *,
    actor: Any,
    request: RightsRequest,
    learner_ids: Iterable[Any],
    user_ids: Iterable[Any] = (),
    emails: Iterable[str] = (),
) -> RightsRequest:
    """Name the records found to be the person's: learner records the organisation holds,
    accounts of its members, and e-mail addresses they are known by."""
    _open_to_handle(actor, request)
    wanted_learners = {str(pk) for pk in learner_ids}
    wanted_users = {str(pk) for pk in user_ids}
    learners = list(
        rights_request_policy.learners_to_search(actor, request).filter(pk__in=wanted_learners)
    )
    users = list(rights_request_policy.users_to_search(actor, request).filter(pk__in=wanted_users))
    if len(learners) != len(wanted_learners) or len(users) != len(wanted_users):
        raise NotFound
    addresses = sorted({email.strip().lower() for email in emails if email.strip()})
    with transaction.atomic():
        request.learners.add(*learners)
        request.users.add(*users)
        request.emails = sorted(set(request.emails) | set(addresses))
        request.save(update_fields=["emails", "updated_at"])
    return request


def person_of(request: RightsRequest) -> Person:
    users = list(request.users.all())
    known_by = set(request.emails)
    known_by |= {user.email.lower() for user in users if user.email}
    known_by |= {user.username for user in users}
    return Person(
        learner_ids=tuple(request.learners.values_list("pk", flat=True)),
        user_ids=tuple(user.pk for user in users),
        emails=tuple(sorted(known_by)),
        organisation_id=request.organisation_id,
    )


def rights_request_export(*, actor: Any, request: RightsRequest) -> Export:
    """Everything held about the person the request names; the export is access-logged."""
    rights_request_policy.require(actor, HANDLE, request)
    person = person_of(request)
    if person.is_empty:
        raise ApplicationError(
            "Name the person's records first: search for them and add them to the request.",
            field="learners",
        )
    export = subject_access_export(person, person_name=request.person_name)
    # Logged whoever makes it: a data-protection officer, or `widen sar export` (as "Widen (…)").
    if person.learner_ids:
        access_log_record(
            actor=actor,
            learner_ids=person.learner_ids,
            data_categories=ALL_CATEGORIES,
            purpose=f"subject access export for request {request.pk}",
            actor_organisation_id=request.organisation_id,
        )
    return export


def rights_request_erase(*, actor: Any, request: RightsRequest) -> ErasureReport:
    """Erase the person the erasure request names, everywhere, in one transaction."""
    _open_to_handle(actor, request)
    if request.kind != RequestKind.ERASURE:
        raise ApplicationError("Only an erasure request erases.", field="kind")
    if request.identity_confirmed_on is None:
        raise ApplicationError(
            "Confirm who is asking before erasing anything.", field="identity_confirmed_on"
        )
    person = person_of(request)
    if person.is_empty:
        raise ApplicationError("Name the person's records first.", field="learners")
    return person_erase(person=person, request=request, actor=actor)


def rights_request_restrict(*, actor: Any, request: RightsRequest, lift: bool = False) -> int:
    """Restrict (or lift the restriction of) processing of the learner records the request names;
    an objection request keeps them out of equality monitoring instead. Returns records changed."""
    _open_to_handle(actor, request)
    learners = Learner.objects.filter(pk__in=request.learners.values("pk"))
    if request.kind == RequestKind.OBJECTION:
        changes: dict[str, Any] = {"objects_to_equality_monitoring": not lift}
    elif request.kind == RequestKind.RESTRICTION:
        changes = {
            "restricted_at": None if lift else timezone.now(),
            "restriction_reason": "" if lift else f"request {request.pk}",
        }
    else:
        raise ApplicationError("Only a restriction or objection request restricts.", field="kind")
    changed: list[Any] = []
    with transaction.atomic():
        for learner in learners.select_for_update():
            for name, value in changes.items():
                setattr(learner, name, value)
            learner.save(update_fields=[*changes, "updated_at"])
            changed.append(learner.pk)
        # What is worked out about them (area profiles, rule set results) goes while restricted
        # and comes back when lifted.
        learners_changed.send(sender=Learner, learner_ids=changed)
    return len(changed)


def rights_request_close(
    *, actor: Any, request: RightsRequest, outcome: str, refuse: bool = False
) -> RightsRequest:
    """Mark the request answered (or refused), saying what was done."""
    _open_to_handle(actor, request)
    if not outcome.strip():
        raise ApplicationError("Say what was done, or why it was refused.", field="outcome")
    return REQUEST_WORKFLOW.apply(
        request,
        "refuse" if refuse else "answer",
        actor=actor,
        changes={"outcome": outcome.strip()},
    )
