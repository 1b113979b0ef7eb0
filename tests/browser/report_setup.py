"""An evaluated activity for the evaluation report's browser tests, made in the server's database.

Run as `python -m tests.browser.report_setup USERNAME` with the server's environment: makes an
activity of USERNAME's organisation with a session, a published scale, surveys before and after,
twelve of the organisation's learners who attended and answered both, eight who answered both
without attending (a comparison group), and one quote published with consent. Prints, as JSON,
the activity's id and name.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import timedelta
from typing import Any


def make(username: str) -> dict[str, Any]:
    from django.utils import timezone  # noqa: PLC0415

    from widen.activities.models import Attendance, AttendanceStatus  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.evaluation.models import (  # noqa: PLC0415
        Answer,
        Question,
        QuestionKind,
        ResponseChannel,
        ScaleScore,
        SurveyResponse,
        SurveyTiming,
    )
    from widen.learners.models import Learner  # noqa: PLC0415
    from widen.testing.builders import (  # noqa: PLC0415
        activity_with_session,
        member_where,
        published_scale,
        surveys_before_and_after,
    )

    _, organisation, partnership = member_where(username)
    suffix = secrets.token_hex(2)
    name = f"Campus taster day {suffix}"
    learners = list(
        Learner.objects.filter(organisation=organisation, school__isnull=False).order_by("pk")[:20]
    )
    with request_context.bind(source="cli"):
        # The comparison group shares school, year group and free school meals with the first
        # eight participants, so that exact matching finds each of them a match.
        for other, participant in zip(learners[12:], learners[:8], strict=False):
            Learner.objects.filter(pk=other.pk).update(
                school=participant.school,
                date_of_birth=participant.date_of_birth,
                free_school_meals=participant.free_school_meals,
                ever_6_free_school_meals=participant.ever_6_free_school_meals,
            )
            other.school = participant.school
        activity, session = activity_with_session(partnership, organisation, name, hours=3)
        scale = published_scale(
            partnership,
            key=f"confidence-{suffix}",
            name=f"Confidence about university {suffix}",
        )
        pre, post = surveys_before_and_after(
            activity, titles=(f"{name}: pre", f"{name}: post"), linked=False
        )
        surveys = {SurveyTiming.PRE: pre, SurveyTiming.POST: post}
        feedback = Question.objects.create(
            survey=surveys[SurveyTiming.POST],
            position=1,
            kind=QuestionKind.FREE_TEXT,
            text="What did you think of the day?",
        )
        now = timezone.now()
        for index, learner in enumerate(learners):
            took_part = index < 12  # noqa: PLR2004
            if took_part:
                Attendance.objects.create(
                    session=session,
                    learner=learner,
                    organisation=organisation,
                    status=AttendanceStatus.ATTENDED,
                )
            before = 2 + index % 3
            after = before + (1 + index % 2 if took_part else index % 2)
            for timing, score, when in (
                (SurveyTiming.PRE, before, now - timedelta(days=10)),
                (SurveyTiming.POST, min(after, 5), now - timedelta(days=1)),
            ):
                response = SurveyResponse.objects.create(
                    survey=surveys[timing],
                    organisation=organisation,
                    learner=learner,
                    school=learner.school,
                    activity=activity,
                    timing=timing,
                    channel=ResponseChannel.LINK,
                    submitted_at=when,
                    publication_consent=index == 0,
                )
                ScaleScore.objects.create(
                    response=response, scale=scale, score=score, items_answered=1, items_total=1
                )
                if index == 0 and timing == SurveyTiming.POST:
                    Answer.objects.create(
                        response=response,
                        question=feedback,
                        value_text="It really helped me understand uni life more.",
                        published_at=now,
                    )
    return {"activity_id": str(activity.pk), "name": name}


if __name__ == "__main__":
    import django

    django.setup()
    sys.stdout.write(json.dumps(make(sys.argv[1])))
