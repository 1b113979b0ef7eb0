"""Every read of activities, sessions and registers, scoped to the person asking. A missing row
and one of another partnership's answer the same (NotFound)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import QuerySet

from widen.activities.models import Activity, Attendance, RegisterImport, Session
from widen.activities.services import may_take_register
from widen.core.exceptions import NotFound
from widen.learners.permissions import learner_policy
from widen.organisations.models import DataCategory
from widen.organisations.permissions import organisation_policy


def activity_list(*, actor: Any) -> QuerySet[Activity]:
    """The activities of every partnership `actor` is in."""
    partnerships = organisation_policy.partnerships_visible_to(actor)
    return Activity.objects.filter(partnership__in=partnerships).select_related(
        "sub_type__activity_type", "delivered_by", "partnership"
    )


def activity_get(*, actor: Any, activity_id: UUID) -> Activity:
    try:
        return activity_list(actor=actor).get(pk=activity_id)
    except (Activity.DoesNotExist, ValueError) as error:
        raise NotFound from error


def session_for_register(*, actor: Any, session_id: UUID) -> Session:
    """A session whose register `actor` may take (its deliverers, the school's staff)."""
    partnerships = organisation_policy.partnerships_visible_to(actor)
    session = (
        Session.objects.filter(pk=session_id, activity__partnership__in=partnerships)
        .select_related("activity__delivered_by", "activity__partnership", "school")
        .first()
    )
    if session is None or not may_take_register(actor, session):
        raise NotFound
    return session


def register_rows(*, actor: Any, session: Session) -> QuerySet[Attendance]:
    """The session's register, only the learners `actor` may see by name."""
    named = learner_policy.visible_to(actor, needing=DataCategory.IDENTITY)
    return session.register.filter(learner__in=named.values("pk"))


def register_import_get(*, actor: Any, import_id: UUID) -> RegisterImport:
    """A register upload `actor` made, while they still take that session's register. Another
    person's upload, or a missing one, answer the same (NotFound)."""
    upload = (
        RegisterImport.objects.filter(pk=import_id, uploaded_by_id=getattr(actor, "pk", None))
        .select_related("session__activity__delivered_by", "session__school")
        .first()
    )
    if upload is None or not may_take_register(actor, upload.session):
        raise NotFound
    return upload
