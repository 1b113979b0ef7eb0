"""Who may see which organisations and partnerships.

Organisations and partnerships are not personal data: a person with a role in any member of a
partnership sees that partnership, its members and its agreements, and nothing outside it.
(Roles live in `accounts`; this module reads them through the `memberships` relation.)
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

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
