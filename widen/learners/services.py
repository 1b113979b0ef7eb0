"""Every write to learners. Each is atomic, validated and audited under the acting person."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from widen.accounts.models import User
from widen.audit.services import LearnerView, access_log_record_views
from widen.core import request_context
from widen.core.exceptions import ApplicationError
from widen.learners.models import ConsentRecord, Learner, ParentCarer
from widen.learners.permissions import PARTNER, LearnerAccess, learner_policy
from widen.learners.signals import learners_changed
from widen.organisations.models import DataCategory, Organisation

REQUIRED_FOR_CREATE = ("first_name", "last_name", "date_of_birth")


def _require_change(acting_user: User, learner: Learner, access: LearnerAccess) -> None:
    """Only the organisation holding a learner changes their records (the learner policy
    decides; seeing them under a data-sharing agreement is not enough)."""
    if not access.can_edit or not learner_policy.may_change(acting_user, learner):
        raise ApplicationError("You may not change this learner.")


def _reject_unlisted(changes: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unlisted = sorted(set(changes) - set(allowed))
    if unlisted:
        raise ApplicationError(
            "You may not set these fields: " + ", ".join(unlisted) + ".", field=unlisted[0]
        )


@transaction.atomic
def learner_create(
    *,
    organisation: Organisation,
    school: Organisation | None,
    details: Mapping[str, Any],
    allowed_fields: Iterable[str],
    acting_user: User,
) -> Learner:
    """Record a new learner held by `organisation`.

    `allowed_fields` are the fields the acting person's role may set (the view asks the policy);
    anything else in `details` is refused rather than silently dropped. An organisation in which
    the acting person may not record learners is `NotFound`, whoever calls.
    """
    learner_policy.organisation_for_create(acting_user, organisation.pk)
    _reject_unlisted(details, allowed_fields)
    missing = [name for name in REQUIRED_FOR_CREATE if not details.get(name)]
    if missing:
        raise ApplicationError(
            f"{missing[0].replace('_', ' ').capitalize()} is required.", field=missing[0]
        )
    learner = Learner(organisation=organisation, school=school, **details)
    learner.full_clean()
    with request_context.bind(actor=acting_user):
        learner.save()
    learners_changed.send(sender=Learner, learner_ids=[learner.pk])
    return learner


@transaction.atomic
def learner_update(
    *,
    learner: Learner,
    access: LearnerAccess,
    changes: Mapping[str, Any],
    acting_user: User,
    school: Organisation | None | str = "unchanged",
) -> Learner:
    """Change the fields `access` lets the acting person edit; refuse any other."""
    _require_change(acting_user, learner, access)
    _reject_unlisted(changes, access.editable_fields())
    for name, value in changes.items():
        setattr(learner, name, value)
    if school != "unchanged":
        learner.school = school if isinstance(school, Organisation) else None
    learner.full_clean()
    with request_context.bind(actor=acting_user):
        learner.save()
    if "home_postcode" in changes:
        learners_changed.send(sender=Learner, learner_ids=[learner.pk])
    return learner


@transaction.atomic
def parent_carer_add(
    *, learner: Learner, access: LearnerAccess, details: Mapping[str, Any], acting_user: User
) -> ParentCarer:
    _require_change(acting_user, learner, access)
    _reject_unlisted(details, ("name", "relationship", "email", "phone"))
    parent_carer = ParentCarer(learner=learner, **details)
    parent_carer.full_clean()
    with request_context.bind(actor=acting_user):
        parent_carer.save()
    return parent_carer


@transaction.atomic
def consent_record_add(
    *,
    learner: Learner,
    access: LearnerAccess,
    lawful_basis: str,
    given_by: str,
    given_by_name: str,
    recorded_on: date,
    privacy_notice_version: str,
    special_category_condition: str = "",
    acting_user: User,
) -> ConsentRecord:
    _require_change(acting_user, learner, access)
    consent = ConsentRecord(
        learner=learner,
        lawful_basis=lawful_basis,
        given_by=given_by,
        given_by_name=given_by_name,
        recorded_on=recorded_on,
        privacy_notice_version=privacy_notice_version,
        special_category_condition=special_category_condition,
    )
    consent.full_clean()
    with request_context.bind(actor=acting_user):
        consent.save()
    return consent


def validation_messages(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            field: [str(m) for e in errors for m in e.messages]
            for field, errors in error.error_dict.items()
        }
    return {"__all__": [str(message) for message in error.messages]}


def learner_views_record(
    *,
    actor: User,
    learners: Iterable[Learner],
    access_by_learner: Mapping[Any, LearnerAccess],
    purpose: str,
    categories_shown: Iterable[str] | None = None,
) -> int:
    """Log, in one insert whatever the number of learners, each learner whose identity (name,
    date of birth, UPN, postcode...) `actor` saw from outside the organisation holding them,
    and each whose special category data `actor` saw at all.

    `categories_shown` are the categories the page or answer showed (a list shows names, not
    characteristics); by default every category `actor` may see of the learner. A list filtered
    on a special category fact (say, care experienced) discloses that fact about every learner
    it shows, so it names that category too.
    """
    views = []
    for learner in learners:
        access = access_by_learner[learner.id]
        shown = (
            access.categories
            if categories_shown is None
            else access.categories & frozenset(categories_shown)
        )
        from_outside = access.relation == PARTNER and DataCategory.IDENTITY in shown
        if from_outside or DataCategory.SPECIAL_CATEGORY in shown:
            views.append(
                LearnerView(
                    learner_id=learner.id,
                    data_categories=shown,
                    actor_organisation_id=access.actor_organisation_id,
                    data_sharing_agreement_id=access.data_sharing_agreement_id,
                )
            )
    return access_log_record_views(actor=actor, views=views, purpose=purpose)
