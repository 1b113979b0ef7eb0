"""Who may handle requests about people's data. The one place that decides.

* **Data-protection work** (`Capability.RIGHTS_HANDLE`, held by data-protection officers and
  organisation admins) is done for the organisations in which a person holds it: they record
  the organisation's requests, find the records it holds about the person who asked (learner
  records it holds, accounts of its members, and, by e-mail address, rows of its own such as
  event bookings), export them, erase, restrict or note an objection. Another organisation's
  requests and records are not theirs, even in the same partnership: each answers for what it
  holds.

Work done by Widen itself (`widen sar`, `widen retention run`) names `system_actor(...)` and may do
everything; a missing or signed-out actor may do nothing. A refusal answers like a thing that
does not exist (`NotFound`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from widen.accounts.capabilities import (
    Capability,
    holds,
    is_person,
    is_system,
    organisations_granting,
)
from widen.accounts.models import User
from widen.core.policy import VIEW, Policy
from widen.learners.models import Learner
from widen.organisations.models import Organisation
from widen.rights.models import RightsRequest

HANDLE = "handle"


def rights_organisations(actor: Any) -> QuerySet[Organisation]:
    """The organisations whose requests `actor` handles (every one, for the system)."""
    if is_system(actor):
        return Organisation.objects.all()
    if not is_person(actor):
        return Organisation.objects.none()
    return organisations_granting(actor, Capability.RIGHTS_HANDLE)


def may_handle_requests(actor: Any, organisation: Organisation | Any = None) -> bool:
    return holds(actor, Capability.RIGHTS_HANDLE, organisation)


class RightsRequestPolicy(Policy[RightsRequest]):
    actions = frozenset({VIEW, HANDLE})

    def visible_to(self, actor: Any) -> QuerySet[RightsRequest]:
        return RightsRequest.objects.filter(organisation__in=rights_organisations(actor))

    def _may(self, actor: Any, action: str, obj: RightsRequest) -> bool:
        return may_handle_requests(actor, obj.organisation_id)

    def learners_to_search(self, actor: Any, request: RightsRequest) -> QuerySet[Learner]:
        """The learner records a request may name: those its organisation holds."""
        self.require(actor, HANDLE, request)
        return Learner.objects.filter(organisation_id=request.organisation_id)

    def users_to_search(self, actor: Any, request: RightsRequest) -> QuerySet[User]:
        """The accounts a request may name: those of its organisation's members."""
        self.require(actor, HANDLE, request)
        return User.objects.filter(memberships__organisation_id=request.organisation_id)


rights_request_policy = RightsRequestPolicy()
