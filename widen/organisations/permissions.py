"""Who may see which organisations and partnerships.

Organisations and partnerships are not personal data: a person with a role in any member of a
partnership sees that partnership, its members and its agreements, and nothing outside it.
(Roles live in `accounts`; this module reads them through the `memberships` relation.)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from widen.core.exceptions import NotFound
from widen.organisations.models import DataSharingAgreement, Organisation, Partnership


def _signed_in(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and getattr(actor, "is_active", False))


class OrganisationPolicy:
    def partnerships_visible_to(self, actor: Any) -> QuerySet[Partnership]:
        if not _signed_in(actor):
            return Partnership.objects.none()
        return Partnership.objects.filter(
            id__in=Partnership.objects.filter(members__memberships__user=actor).values("id")
        )

    def partnership_visible_to(self, actor: Any, partnership_id: Any) -> Partnership | None:
        """The partnership, if `actor` sees it (else None: the same as one that is not there)."""
        return self.partnerships_visible_to(actor).filter(pk=partnership_id).first()

    def partnership_for(
        self,
        actor: Any,
        partnership_id: Any,
        *,
        may: Callable[[Any, Partnership], bool] | None = None,
    ) -> Partnership:
        """The partnership, if `actor` sees it and, given `may`, `may(actor, partnership)`
        holds; else `NotFound`, the same as one that is not there."""
        partnership = self.partnership_visible_to(actor, partnership_id)
        if partnership is None or (may is not None and not may(actor, partnership)):
            raise NotFound
        return partnership

    def partnerships_where(
        self, actor: Any, may: Callable[[Any, Partnership], bool]
    ) -> list[Partnership]:
        """The partnerships `actor` sees in which `may(actor, partnership)` holds (say, those
        a list page offers to add to)."""
        return [p for p in self.partnerships_visible_to(actor) if may(actor, p)]

    def visible_to(self, actor: Any) -> QuerySet[Organisation]:
        if not _signed_in(actor):
            return Organisation.objects.none()
        partnerships = self.partnerships_visible_to(actor)
        member_ids = Organisation.objects.filter(partnerships__in=partnerships).values("id")
        own_ids = Organisation.objects.filter(memberships__user=actor).values("id")
        return Organisation.objects.filter(id__in=member_ids) | Organisation.objects.filter(
            id__in=own_ids
        )

    def agreements_visible_to(self, actor: Any) -> QuerySet[DataSharingAgreement]:
        return DataSharingAgreement.objects.filter(
            partnership__in=self.partnerships_visible_to(actor)
        )


organisation_policy = OrganisationPolicy()
