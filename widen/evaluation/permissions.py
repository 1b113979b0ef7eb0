"""Who may see and do what with surveys, the question bank and theories of change. The one
place in evaluation that decides; it asks the capability registry, never roles.

* **Surveys** are seen by everyone in their partnership (they hold no personal data). They are
  run (questions, opening and closing, responses, quotes, filling in at an event) by those who
  hold `evaluation.run_surveys` in the running organisation, and by those who manage the
  partnership's surveys. Links go to named people, so they are sent only by those who hold
  `evaluation.send_survey_links` there (never a role that sees learners pseudonymised), or who
  manage the partnership's surveys.
* **Scales**: everyone signed in reads the ones Widen ships; everyone in a partnership reads its
  question bank. Those who run surveys in one of its members keep it (add, import, publish).
  Only Widen itself (a system actor) writes the scales it ships.
* **Theories of change** are written by those who hold `evaluation.edit_theory_of_change` in one
  of the partnership's members.

Anything else answers like a thing that is not there (`NotFound`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from widen.accounts.capabilities import (
    Capability,
    holds,
    holds_in_partnership,
    is_person,
    is_system,
    memberships_granting,
    organisations_granting,
)
from widen.core.policy import VIEW, Policy
from widen.evaluation.models import Answer, Scale, ScaleImport, Survey
from widen.organisations.models import Organisation, Partnership
from widen.organisations.permissions import organisation_policy

MANAGE = "manage"
SEND = "send"
KEEP = "keep"


def _partnerships_seen(actor: Any) -> QuerySet[Partnership]:
    if is_system(actor):
        return Partnership.objects.all()
    return organisation_policy.partnerships_visible_to(actor)


def runs_surveys_in(actor: Any, partnership: Partnership) -> bool:
    """Whether `actor` runs surveys for any member of `partnership`."""
    return survey_organisations(actor, partnership).exists()


def survey_organisations(actor: Any, partnership: Partnership) -> QuerySet[Organisation]:
    """The partnership's members for which `actor` runs surveys."""
    if is_system(actor):
        return partnership.members.all()
    return organisations_granting(actor, Capability.SURVEYS_RUN).filter(
        pk__in=partnership.members.values("pk")
    )


def may_keep_bank(actor: Any, partnership: Partnership | None) -> bool:
    """Whether `actor` adds, imports and publishes scales in the partnership's question bank
    (for the scales Widen ships, `partnership` None: only Widen itself)."""
    if partnership is None:
        return is_system(actor)
    return holds_in_partnership(actor, Capability.SURVEYS_RUN, partnership)


def may_write_theory(actor: Any, partnership: Partnership) -> bool:
    """Whether `actor` writes theories of change for the partnership's activities and
    programmes."""
    return holds_in_partnership(actor, Capability.THEORY_OF_CHANGE_EDIT, partnership)


def theory_organisation_id(actor: Any, partnership: Partnership) -> Any:
    """The member organisation through which `actor` writes the partnership's theories of
    change (for the audit trail; None for Widen itself)."""
    return (
        memberships_granting(actor, Capability.THEORY_OF_CHANGE_EDIT)
        .filter(organisation__in=partnership.members.all())
        .order_by("organisation__name")
        .values_list("organisation_id", flat=True)
        .first()
    )


def delivering_organisations(actor: Any) -> QuerySet[Organisation]:
    """The organisations in which `actor` delivers activities (so takes their registers)."""
    return organisations_granting(actor, Capability.ACTIVITIES_DELIVER)


class SurveyPolicy(Policy[Survey]):
    actions = frozenset({VIEW, MANAGE, SEND})

    def visible_to(self, actor: Any) -> QuerySet[Survey]:
        if is_system(actor):
            return Survey.objects.all()
        if not is_person(actor):
            return Survey.objects.none()
        return Survey.objects.filter(partnership__in=_partnerships_seen(actor))

    def _may(self, actor: Any, action: str, obj: Survey) -> bool:
        capability = Capability.SURVEYS_RUN if action == MANAGE else Capability.SURVEYS_SEND
        return holds(actor, capability, obj.organisation_id) or holds_in_partnership(
            actor, Capability.SURVEYS_MANAGE_PARTNERSHIP, obj.partnership
        )

    def managed_by(self, actor: Any) -> QuerySet[Survey]:
        """The surveys `actor` runs (see the module's docstring)."""
        if is_system(actor):
            return Survey.objects.all()
        running = organisations_granting(actor, Capability.SURVEYS_RUN)
        managing = organisations_granting(actor, Capability.SURVEYS_MANAGE_PARTNERSHIP)
        return Survey.objects.filter(
            Q(organisation__in=running) | Q(partnership__members__in=managing)
        ).distinct()


class ScalePolicy(Policy[Scale]):
    actions = frozenset({VIEW, KEEP})

    def visible_to(self, actor: Any) -> QuerySet[Scale]:
        if is_system(actor):
            return Scale.objects.all()
        if not is_person(actor):
            return Scale.objects.none()
        return Scale.objects.filter(
            Q(partnership=None) | Q(partnership__in=_partnerships_seen(actor))
        )

    def _may(self, actor: Any, action: str, obj: Scale) -> bool:
        return may_keep_bank(actor, obj.partnership)


class AnswerPolicy(Policy[Answer]):
    """A written answer is seen (and marked for publication) by those who run its survey."""

    actions = frozenset({VIEW})

    def visible_to(self, actor: Any) -> QuerySet[Answer]:
        return Answer.objects.filter(
            response__survey__in=survey_policy.managed_by(actor).filter(
                partnership__in=_partnerships_seen(actor)
            )
        ).select_related("response__survey__partnership", "question")

    def _may(self, actor: Any, action: str, obj: Answer) -> bool:  # pragma: no cover - VIEW only
        return False


class ScaleImportPolicy(Policy[ScaleImport]):
    """A scale spreadsheet is seen by the person who uploaded it (and Widen itself)."""

    actions = frozenset({VIEW})

    def visible_to(self, actor: Any) -> QuerySet[ScaleImport]:
        if is_system(actor):
            return ScaleImport.objects.all()
        if not is_person(actor):
            return ScaleImport.objects.none()
        return ScaleImport.objects.filter(uploaded_by=actor)

    def _may(self, actor: Any, action: str, obj: ScaleImport) -> bool:  # pragma: no cover
        return False


survey_policy = SurveyPolicy()
scale_policy = ScalePolicy()
answer_policy = AnswerPolicy()
scale_import_policy = ScaleImportPolicy()
