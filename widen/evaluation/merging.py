"""What merging two records of one learner does with their survey links and responses.

Responses simply move to the kept record, so a learner's answers before and after an activity
still pair up. A learner has one link per survey: when both records have one to the same survey,
the kept record keeps the link that was answered (an unanswered duplicate is removed; if both
were answered, the removed record's stays with its response but no longer names the learner).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from widen.evaluation.models import SurveyInvitation


def invitations_merge(model: type[models.Model], field_name: str, kept: Any, removed: Any) -> int:
    kept_links = {
        invitation.survey_id: invitation
        for invitation in SurveyInvitation.objects.filter(learner=kept)
    }
    changed = 0
    for invitation in SurveyInvitation.objects.filter(learner=removed):
        other = kept_links.get(invitation.survey_id)
        if other is not None and other.answered_at is None:
            other.delete()  # never answered, so no response points at it
            other = None
        if other is None:
            invitation.learner = kept
            invitation.save(update_fields=["learner", "updated_at"])
        elif invitation.answered_at is None:
            invitation.delete()
        else:
            invitation.learner = None
            invitation.save(update_fields=["learner", "updated_at"])
        changed += 1
    return changed
