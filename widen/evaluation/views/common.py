"""What the survey pages share: the partnership a page is for, and the address links start with."""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest

from widen.evaluation.services import (
    SURVEY_LINK_PATH,
)
from widen.organisations.models import Partnership
from widen.organisations.permissions import organisation_policy


def partnership_for(request: HttpRequest, partnership_id: UUID) -> Partnership:
    return organisation_policy.partnership_for(request.user, partnership_id)


def link_base(request: HttpRequest) -> str:
    return request.build_absolute_uri(SURVEY_LINK_PATH)
