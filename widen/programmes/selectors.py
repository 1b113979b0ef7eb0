"""Every read of programmes, scoped to the person asking: a programme of a partnership they are
in, or nothing (a missing programme and another partnership's answer the same)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from widen.learners.models import Learner, processable_condition
from widen.learners.permissions import learner_policy
from widen.learners.selectors import MAX_SEARCH_LENGTH, LearnerFilters, learner_list
from widen.organisations.models import DataCategory
from widen.programmes.models import Enrolment, Programme
from widen.programmes.permissions import enrollable_by, programme_policy


def programme_list(*, actor: Any) -> QuerySet[Programme]:
    """The programmes of every partnership `actor` is in."""
    return programme_policy.visible_to(actor)


def programme_get(*, actor: Any, programme_id: Any) -> Programme:
    """One programme `actor` may see; NotFound for a missing one and another partnership's."""
    return programme_policy.get(actor, programme_id)


@dataclass(frozen=True)
class EnrolmentCounts:
    enrolled: int  # on the programme now
    left: int  # periods ended by leaving


def enrolment_counts(*, programme: Programme) -> EnrolmentCounts:
    """How many are on the programme now and how many periods ended (counts, never names)."""
    counts = Enrolment.objects.filter(programme=programme).aggregate(
        enrolled=Count("pk", filter=Q(left_on=None)), left=Count("pk", filter=~Q(left_on=None))
    )
    return EnrolmentCounts(enrolled=counts["enrolled"], left=counts["left"])


def enrollable_learner(*, actor: Any, learner_id: Any) -> Learner | None:
    """The learner, if `actor` may enrol them (a partner's learner, a missing one and a
    malformed id all answer None)."""
    try:
        return enrollable_by(actor).filter(pk=learner_id).first()
    except (ValueError, ValidationError):
        return None


def current_enrolment(*, programme: Programme, learner: Learner) -> Enrolment | None:
    """The learner's period on the programme now, if any."""
    return Enrolment.objects.filter(programme=programme, learner=learner, left_on=None).first()


def enrolment_list(*, actor: Any, programme: Programme) -> QuerySet[Enrolment]:
    """Every period on the programme (current and past) of the learners `actor` sees by name,
    current ones first, then by name."""
    named = learner_policy.visible_to(actor, needing=DataCategory.IDENTITY)
    return (
        Enrolment.objects.filter(programme=programme, learner__in=named.values("pk"))
        .annotate(
            # A past period of a learner who has re-joined since: not offered re-joining again.
            on_programme_now=Exists(
                Enrolment.objects.filter(
                    programme=programme, learner=OuterRef("learner"), left_on=None
                )
            ),
            # Only the learner's own organisation records their leaving and re-joining.
            changeable=Exists(enrollable_by(actor).filter(pk=OuterRef("learner"))),
        )
        .select_related("learner__school", "organisation")
        .order_by(
            F("left_on").desc(nulls_first=True),
            "learner__last_name",
            "learner__first_name",
            "joined_on",
            "pk",  # the same order every time: a page of it is the same page
        )
    )


def enrolment_hidden_count(*, actor: Any, programme: Programme) -> int:
    """Learners on the programme now whom `actor` cannot see by name (counted, never named)."""
    named = learner_policy.visible_to(actor, needing=DataCategory.IDENTITY)
    return (
        Enrolment.objects.filter(programme=programme, left_on=None)
        .exclude(learner__in=named.values("pk"))
        .count()
    )


MAX_ENROLMENT_SEARCH_RESULTS = 20


def enrolment_search(*, actor: Any, programme: Programme, search: str) -> list[Learner]:
    """Learners `actor` may enrol by hand: found by name or UPN among those they see by name,
    held by their own organisation (a member of the partnership), and not on the programme
    now."""
    search = search.strip()[:MAX_SEARCH_LENGTH]
    if not search:
        return []
    enrolled = Enrolment.objects.filter(programme=programme, left_on=None).values("learner_id")
    return list(
        learner_list(actor=actor, filters=LearnerFilters(search=search))
        .filter(processable_condition())
        .filter(organisation__in=programme.partnership.members.all())
        .filter(pk__in=enrollable_by(actor).values("pk"))
        .exclude(pk__in=enrolled)[:MAX_ENROLMENT_SEARCH_RESULTS]
    )
