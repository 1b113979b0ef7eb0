"""When a rule set may use special category data: only with a stated purpose and under a
data-sharing agreement in force that shares it for decisions about individual learners."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from widen.core.exceptions import ApplicationError
from widen.organisations.models import (
    DataSharingAgreement,
    Partnership,
    SpecialCategoryCondition,
)
from widen.targeting.criteria import uses_special_category

# Conditions under which special category data may decide something about one learner. Equality
# of opportunity monitoring (DPA 2018 Sch 1 para 8) and research (para 4) may not (SECURITY 30).
DECIDING_CONDITIONS = frozenset(
    {
        SpecialCategoryCondition.EXPLICIT_CONSENT,
        SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST_STATUTORY,
        SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST_SAFEGUARDING,
    }
)
SPECIAL_CATEGORY_REFUSAL = (
    "Care experience, disability and ethnicity can be used only by a rule set that states its "
    "purpose and works under a data-sharing agreement in force that shares special category data "
    "for decisions about individual learners (explicit consent, statutory purposes or "
    "safeguarding). An equality-of-opportunity (para 8) or research condition cannot feed "
    "decisions about individuals."
)


def check_lawful(
    partnership: Partnership,
    definition: Any,
    purpose: str,
    agreement: DataSharingAgreement | None,
) -> bool:
    """Whether the definition uses special category data; refuses it where that is not lawful."""
    special = uses_special_category(definition)
    if not special:
        return False
    today = timezone.localdate()
    if (
        not purpose.strip()
        or agreement is None
        or agreement.partnership_id != partnership.pk
        or not agreement.shares_special_category
        or agreement.special_category_condition not in DECIDING_CONDITIONS
        or not DataSharingAgreement.objects.in_force(today).filter(pk=agreement.pk).exists()
    ):
        raise ApplicationError(SPECIAL_CATEGORY_REFUSAL, field="definition")
    return True
