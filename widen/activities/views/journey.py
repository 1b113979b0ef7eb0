"""A learner's journey: everything every partner did with them, newest first."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from widen.accounts.requests import AuthenticatedRequest
from widen.activities.selectors import learner_journey
from widen.activities.services import contact_hours
from widen.learners.selectors import learner_get, learner_pseudonym
from widen.learners.services import learner_views_record
from widen.organisations.models import DataCategory


@require_GET
def learner_timeline_view(request: AuthenticatedRequest, learner_id: UUID) -> HttpResponse:
    """Everything every partner did with a learner: sessions and programmes, newest first."""
    learner, access = learner_get(actor=request.user, learner_id=learner_id)
    learner_views_record(
        actor=request.user,
        learners=[learner],
        access_by_learner={learner.id: access},
        purpose="learner journey viewed",
        categories_shown=[DataCategory.IDENTITY],
    )
    return render(
        request,
        "activities/learner_timeline.html",
        {
            "learner": learner,
            "access": access,
            "pseudonym": learner_pseudonym(learner.id),
            "entries": learner_journey(learner=learner),
            "hours": contact_hours([learner.pk]).get(learner.pk, Decimal(0)),
        },
    )
