"""A mentoring programme with its activity and surveys before and after, for the browser tests.

Run as `python -m tests.mentoring.outcomes_browser_setup USERNAME` with the server's environment:
at USERNAME's organisation (a demo university whose mentoring USERNAME coordinates), makes a
programme named after a mentoring activity of the organisation's partnership, an open survey
before it and one after, and an accepted mentee; prints, as JSON, the programme's id and name.
"""

from __future__ import annotations

import json
import secrets
import sys
from typing import Any


def make(username: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from widen.accounts.capabilities import system_actor  # noqa: PLC0415
    from widen.accounts.models import Membership  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.evaluation.models import SurveyTiming  # noqa: PLC0415
    from widen.evaluation.services import (  # noqa: PLC0415
        QuestionDetails,
        SurveyDetails,
        question_add,
        survey_create,
        survey_open,
    )
    from widen.mentoring.models import Mentee, MenteeStatus, MentoringProgramme  # noqa: PLC0415
    from widen.students.models import Student  # noqa: PLC0415
    from widen.testing.builders import activity_with_session  # noqa: PLC0415

    provider = (
        Membership.objects.select_related("organisation").get(user__username=username).organisation
    )
    partnership = provider.partnerships.first()
    system = system_actor("browser tests")
    suffix = secrets.token_hex(3)
    with request_context.bind(source="cli"):
        activity, _ = activity_with_session(partnership, provider, f"Career mentoring {suffix}")
        programme = MentoringProgramme.objects.create(
            organisation=provider, name=f"Professional mentoring {suffix}", activity=activity
        )
        before = None
        for title, timing in (
            ("Before mentoring", SurveyTiming.PRE),
            ("After mentoring", SurveyTiming.POST),
        ):
            survey = survey_create(
                actor=system,
                partnership=partnership,
                details=SurveyDetails(
                    organisation=provider,
                    title=title,
                    timing=timing,
                    activity=activity,
                    pre_survey=before,
                ),
            )
            question_add(
                actor=system,
                survey=survey,
                details=QuestionDetails(kind="likert", text="I know the routes into my career."),
            )
            before = survey_open(actor=system, survey=survey)
        student = Student.objects.create(
            organisation=provider,
            student_number="M" + secrets.token_hex(4),
            first_name="Nadia",
            last_name="Rahman",
            email=f"nadia.{suffix}@students.example.ac.uk",
        )
        Mentee.objects.create(programme=programme, student=student, status=MenteeStatus.ACCEPTED)
    return {"programme_id": str(programme.pk), "programme_name": programme.name}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(make(sys.argv[1])))
