"""Scoped reads of student support, one module per concern (schemes and memberships in
`schemes`), everything importable from here."""

from widen.support.selectors.schemes import (
    SchemeCounts,
    StatusCount,
    eligible_views_record,
    membership_counts,
    my_memberships,
    scheme_applications,
    scheme_counts,
    scheme_eligible_students,
    scheme_get,
    scheme_list,
    scheme_memberships,
    schemes_open_to_me,
)

__all__ = [
    "SchemeCounts",
    "StatusCount",
    "eligible_views_record",
    "membership_counts",
    "my_memberships",
    "scheme_applications",
    "scheme_counts",
    "scheme_eligible_students",
    "scheme_get",
    "scheme_list",
    "scheme_memberships",
    "schemes_open_to_me",
]
