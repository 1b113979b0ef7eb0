"""Who may see and change which learners, and which of their fields. The one place that decides.

A person sees a learner through a role (`Membership`) in an organisation:

* **own**: the learner is held by that organisation: the role's categories of data; roles that
  edit learners may edit them. (A school sees the pupils it holds, and other partners' records of
  its pupils only under an agreement: another partner's record is that partner's data.)
* **partner**: the learner is held by another party to a data-sharing agreement in force that
  includes the person's organisation: the categories both the role and the agreement allow;
  never edit.

Anything else is invisible, and answers exactly like a learner that does not exist.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass
from functools import reduce
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from widen.accounts.capabilities import (
    Capability,
    capabilities_of_role,
    organisation_ids_granting,
    organisations_granting,
)
from widen.accounts.models import Membership, User
from widen.core import request_context
from widen.core.exceptions import NotFound
from widen.core.policy import VIEW, Policy
from widen.learners.models import (
    FIELDS_BY_CATEGORY,
    DuplicateCandidate,
    DuplicateStatus,
    Learner,
)
from widen.organisations.models import (
    DataCategory,
    DataSharingAgreement,
    Organisation,
    Partnership,
)

OWN = "own"
PARTNER = "partner"
CHANGE = "change"
DECIDE = "decide"


@dataclass(frozen=True)
class LearnerScope:
    """One route by which a person sees a set of learners."""

    relation: str
    actor_organisation_id: UUID
    organisation_ids: frozenset[UUID]  # learners held by these organisations
    categories: frozenset[str]
    # What the person's role grants over these learners (the registry's capabilities); nothing
    # through an agreement: another partner's records are read, never changed.
    capabilities: frozenset[Capability] = frozenset()
    data_sharing_agreement_id: UUID | None = None

    @property
    def edits_learners(self) -> bool:
        return Capability.LEARNERS_EDIT in self.capabilities

    @property
    def sees_audit(self) -> bool:
        return Capability.AUDIT_SEE in self.capabilities

    def query(self) -> Q:
        return Q(organisation_id__in=self.organisation_ids)

    def includes(self, learner: Learner) -> bool:
        return learner.organisation_id in self.organisation_ids


@dataclass(frozen=True)
class LearnerAccess:
    """What one person may do with one learner."""

    categories: frozenset[str]
    can_edit: bool
    can_see_audit: bool
    relation: str
    actor_organisation_id: UUID
    data_sharing_agreement_id: UUID | None

    @property
    def pseudonymised(self) -> bool:
        return DataCategory.IDENTITY not in self.categories

    @property
    def sees_special_category(self) -> bool:
        return DataCategory.SPECIAL_CATEGORY in self.categories

    def visible_fields(self) -> tuple[str, ...]:
        return fields_of(self.categories)

    def editable_fields(self) -> tuple[str, ...]:
        return self.visible_fields() if self.can_edit else ()


_SCOPES_CACHE = "_widen_learner_scopes"


def fields_of(categories: frozenset[str]) -> tuple[str, ...]:
    """The learner fields of `categories`, in the order of `DataCategory`."""
    return tuple(
        name
        for category in DataCategory.values
        if category in categories
        for name in FIELDS_BY_CATEGORY[category]
    )


def categories_needed(needing: str | Iterable[str] | None) -> frozenset[str]:
    """`needing` as a set of categories: none, one (a string) or several."""
    if needing is None:
        return frozenset()
    if isinstance(needing, str):
        return frozenset({needing})
    return frozenset(needing)


class LearnerPolicy(Policy[Learner]):
    """Learners: `visible_to` (seen, by category), `CHANGE` (their records), and `get`."""

    actions = frozenset({VIEW, CHANGE})

    def _may(self, actor: Any, action: str, obj: Learner) -> bool:
        return self.may_change(actor, obj)

    def scopes(self, actor: User) -> list[LearnerScope]:
        """Every route by which `actor` sees learners, worked out afresh for each request."""
        request_id = request_context.current().request_id
        cached = getattr(actor, _SCOPES_CACHE, None)
        if request_id and cached is not None and cached[0] == request_id:
            return list(cached[1])
        scopes = self._scopes(actor)
        if request_id:
            setattr(actor, _SCOPES_CACHE, (request_id, tuple(scopes)))
        return scopes

    def _scopes(self, actor: User) -> list[LearnerScope]:
        if not actor.is_authenticated or not actor.is_active:
            return []
        memberships = list(
            Membership.objects.filter(user=actor).select_related("organisation").order_by("id")
        )
        if not memberships:
            return []
        member_org_ids = {membership.organisation_id for membership in memberships}
        agreements = list(
            DataSharingAgreement.objects.in_force()
            .filter(parties__in=member_org_ids)
            .distinct()
            .prefetch_related("parties")
        )
        scopes: list[LearnerScope] = []
        for membership in memberships:
            # Which categories of a learner's data the role reads (`RoleCapabilities`); what it
            # may do with them, from the capability registry.
            categories = membership.capabilities.categories
            organisation: Organisation = membership.organisation
            scopes.append(
                LearnerScope(
                    relation=OWN,
                    actor_organisation_id=organisation.id,
                    organisation_ids=frozenset({organisation.id}),
                    categories=categories,
                    capabilities=capabilities_of_role(membership.role),
                )
            )
            for agreement in agreements:
                party_ids = {party.id for party in agreement.parties.all()}
                if organisation.id not in party_ids:
                    continue
                shared = categories & agreement.categories
                others = frozenset(party_ids - {organisation.id})
                if shared and others:
                    scopes.append(
                        LearnerScope(
                            relation=PARTNER,
                            actor_organisation_id=organisation.id,
                            organisation_ids=others,
                            categories=shared,
                            data_sharing_agreement_id=agreement.id,
                        )
                    )
        return scopes

    def visible_to(
        self, actor: User, *, needing: str | Iterable[str] | None = None
    ) -> QuerySet[Learner]:
        """Learners `actor` may see, with every category in `needing` (one category or several).

        Several categories must all come by one route: a name search for care-experienced
        learners considers only learners one scope shows both the name and the care experience
        of, never a partner's learner whose name an agreement shares but not their care.
        """
        return Learner.objects.filter(self.visible_query(actor, needing=needing))

    def visible_query(self, actor: User, *, needing: str | Iterable[str] | None = None) -> Q:
        """The condition behind `visible_to`, to combine with others in one query."""
        needed = categories_needed(needing)
        scopes = [
            scope for scope in self.scopes(actor) if scope.categories and needed <= scope.categories
        ]
        if not scopes:
            return Q(pk__in=[])
        return reduce(operator.or_, (scope.query() for scope in scopes))

    def may_see_any(self, actor: User, *, needing: str | Iterable[str]) -> bool:
        """Whether some route shows `actor` learners' data of every category in `needing`."""
        needed = categories_needed(needing)
        return any(scope.categories and needed <= scope.categories for scope in self.scopes(actor))

    def access(self, actor: User, learner: Learner) -> LearnerAccess | None:
        return self.access_from_scopes(self.scopes(actor), learner)

    def access_from_scopes(
        self, scopes: list[LearnerScope], learner: Learner
    ) -> LearnerAccess | None:
        matching = [scope for scope in scopes if scope.categories and scope.includes(learner)]
        if not matching:
            return None
        own = [scope for scope in matching if scope.relation == OWN]
        agreement_ids = [
            scope.data_sharing_agreement_id for scope in matching if scope.data_sharing_agreement_id
        ]
        return LearnerAccess(
            categories=frozenset().union(*(scope.categories for scope in matching)),
            can_edit=any(scope.edits_learners for scope in own),
            can_see_audit=any(scope.sees_audit for scope in own),
            relation=OWN if own else PARTNER,
            actor_organisation_id=(own or matching)[0].actor_organisation_id,
            data_sharing_agreement_id=None
            if own
            else (agreement_ids[0] if agreement_ids else None),
        )

    def may_create_any(self, actor: User) -> bool:
        """Whether `actor` may record new learners in some organisation (`organisations_for_create`
        is not empty), from the scopes the request has already worked out."""
        return any(scope.relation == OWN and scope.edits_learners for scope in self.scopes(actor))

    def organisations_for_create(self, actor: User) -> QuerySet[Organisation]:
        """Organisations in which `actor` may record new learners."""
        return organisations_granting(actor, Capability.LEARNERS_EDIT)

    def organisation_for_create(self, actor: User, organisation_id: Any) -> Organisation:
        """The organisation with id `organisation_id` in which `actor` may record new learners,
        or `NotFound`: a malformed id, an unknown one and another's organisation answer alike."""
        try:
            organisation = self.organisations_for_create(actor).filter(pk=organisation_id).first()
        except (ValueError, TypeError, ValidationError) as error:
            raise NotFound from error
        if organisation is None:
            raise NotFound
        return organisation

    def creatable_fields(self, actor: User, organisation: Organisation) -> tuple[str, ...]:
        membership = Membership.objects.filter(user=actor, organisation=organisation).first()
        if membership is None or Capability.LEARNERS_EDIT not in capabilities_of_role(
            membership.role
        ):
            return ()
        return fields_of(membership.capabilities.categories)

    # --- Changing learners: only those the person's organisation holds -----------------------

    def _changing_scopes(self, actor: User, capability: Capability | None) -> list[LearnerScope]:
        return [
            scope
            for scope in self.scopes(actor)
            if scope.relation == OWN
            and scope.edits_learners
            and scope.categories
            and (capability is None or capability in scope.capabilities)
        ]

    def changeable_by(
        self, actor: User, *, capability: Capability | None = None
    ) -> QuerySet[Learner]:
        """Learners `actor` may change: held by an organisation in which `actor` has a role that
        edits learners (and grants `capability`, if given: `events.organise` to book them onto
        events, `programmes.enrol` to enrol them).

        Seeing a learner under a data-sharing agreement never allows changing their records:
        editing them, their parents and carers and consents, merging them, enrolling them in a
        programme, recording their leaving or re-joining, and booking them onto an event are
        for the organisation that holds them. (Putting a learner on the register of a session
        one delivers, and marking it, is the register's rule: see `may_take_register`.)
        """
        scopes = self._changing_scopes(actor, capability)
        if not scopes:
            return Learner.objects.none()
        return Learner.objects.filter(reduce(operator.or_, (scope.query() for scope in scopes)))

    def may_change(
        self, actor: User, learner: Learner, *, capability: Capability | None = None
    ) -> bool:
        """Whether `actor` may change `learner`'s records (see `changeable_by`)."""
        scopes = self._changing_scopes(actor, capability)
        return any(scope.includes(learner) for scope in scopes)


learner_policy = LearnerPolicy()


# --- Reviewing duplicates ----------------------------------------------------------------------


def duplicate_reviewer_organisation_ids(actor: Any) -> set[UUID]:
    """Organisations in which `actor` reviews duplicate learners."""
    return organisation_ids_granting(actor, Capability.LEARNERS_REVIEW_DUPLICATES)


def may_review_duplicates(actor: Any) -> bool:
    return bool(duplicate_reviewer_organisation_ids(actor))


class DuplicateSearchPolicy(Policy[Partnership]):
    """The partnerships a person searches for duplicates: those with a member organisation in
    which they review duplicates (partnership and organisation admins)."""

    def visible_to(self, actor: Any) -> QuerySet[Partnership]:
        return Partnership.objects.filter(
            pk__in=Partnership.objects.filter(
                members__in=organisations_granting(actor, Capability.LEARNERS_REVIEW_DUPLICATES)
            ).values("pk")
        )


class DuplicatePairPolicy(Policy[DuplicateCandidate]):
    """The pairs of probable duplicates a person reviews: found in a partnership they search,
    both learners seen by name and held by an organisation in which they review duplicates
    (merging changes both records). `DECIDE`: the pair is still waiting for a decision."""

    actions = frozenset({VIEW, DECIDE})

    def visible_to(self, actor: Any) -> QuerySet[DuplicateCandidate]:
        if not may_review_duplicates(actor):
            return DuplicateCandidate.objects.none()
        named = learner_policy.visible_to(actor, needing=DataCategory.IDENTITY).values("pk")
        mergeable = learner_policy.changeable_by(
            actor, capability=Capability.LEARNERS_REVIEW_DUPLICATES
        ).values("pk")
        return (
            DuplicateCandidate.objects.filter(
                partnership__in=duplicate_search_policy.visible_to(actor),
                learner_one__in=named,
                learner_two__in=named,
            )
            .filter(learner_one__in=mergeable, learner_two__in=mergeable)
            .select_related(
                "partnership",
                "learner_one__school",
                "learner_one__organisation",
                "learner_two__school",
                "learner_two__organisation",
            )
        )

    def _may(self, actor: Any, action: str, obj: DuplicateCandidate) -> bool:
        return (
            obj.status == DuplicateStatus.PENDING
            and self.visible_to(actor).filter(pk=obj.pk).exists()
        )


duplicate_search_policy = DuplicateSearchPolicy()
duplicate_pair_policy = DuplicatePairPolicy()
