"""Surveys for the survey browser tests, made in the server's database through the services.

Run as `python -m tests.browser.survey_setup USERNAME BASE_URL` with the server's environment:
loads the scales Widen ships, makes an open survey run by USERNAME's organisation with a
question of each kind and a shipped scale, sends its links to the learners on the register of
a session that organisation delivers, answers one of them (agreeing to be quoted), and makes a
draft survey. Prints, as JSON, what the tests need: the surveys' ids and titles, the unused
links, the partnership's id and the shipped scale's id.
"""

from __future__ import annotations

import json
import secrets
import sys
from decimal import Decimal
from typing import Any


def make(username: str, base_url: str) -> dict[str, Any]:
    from django.db.models import Count, Q  # noqa: PLC0415

    from widen.activities.models import AttendanceStatus, Session  # noqa: PLC0415
    from widen.core import request_context  # noqa: PLC0415
    from widen.evaluation.models import Scale  # noqa: PLC0415
    from widen.evaluation.services import (  # noqa: PLC0415
        QuestionDetails,
        SurveyDetails,
        invitations_send_for_session,
        response_submit,
        survey_create,
    )
    from widen.evaluation.shipped import shipped_scales_load  # noqa: PLC0415
    from widen.testing.builders import member_where, open_survey  # noqa: PLC0415

    user, organisation, partnership = member_where(username)
    suffix = secrets.token_hex(2)
    with request_context.bind(source="cli", actor=user):
        shipped_scales_load()
        scale = Scale.objects.get(partnership=None, key="widen-belonging", version=1)
        session = (
            Session.objects.filter(activity__delivered_by=organisation)
            .annotate(
                learners=Count("register", filter=~Q(register__status=AttendanceStatus.ABSENT))
            )
            .filter(learners__gte=4)
            .order_by("-date")
            .first()
        )
        assert session is not None, "the demo has no session with a register"
        survey = open_survey(
            actor=user,
            partnership=partnership,
            details=SurveyDetails(
                organisation=organisation,
                title=f"After the campus day {suffix}",
                introduction="Tell us what you thought. It takes about three minutes.",
                timing="post",
                session=session,
            ),
            questions=(
                QuestionDetails(
                    kind="single_choice",
                    text="Had you been to a university before?",
                    choices=["Yes", "No", "Not sure"],
                    required=True,
                ),
                QuestionDetails(
                    kind="multiple_choice",
                    text="Which parts did you enjoy?",
                    choices=["The campus tour", "The taster lecture", "Meeting students"],
                ),
                QuestionDetails(
                    kind="likert",
                    text="The day helped me understand university life.",
                    required=True,
                ),
                QuestionDetails(
                    kind="numeric",
                    text="How many universities would you now consider?",
                    min_value=Decimal(0),
                    max_value=Decimal(20),
                ),
                QuestionDetails(
                    kind="free_text", text="What would you tell a friend about the day?"
                ),
            ),
            scale=scale,
        )
        given = invitations_send_for_session(
            actor=user,
            survey=survey,
            session=session,
            link_base=f"{base_url}/evaluation/answer/",
        )
        answered = given[-1].invitation
        raw: dict[str, Any] = {}
        for question in survey.questions.all():
            if question.kind == "single_choice":
                raw[str(question.pk)] = "Yes"
            elif question.kind == "free_text":
                raw[str(question.pk)] = "It really helped me understand uni life more."
            elif question.kind in ("likert", "scale_item"):
                raw[str(question.pk)] = "4"
        response_submit(
            survey=survey, raw_answers=raw, invitation=answered, publication_consent=True
        )
        draft = survey_create(
            actor=user,
            partnership=partnership,
            details=SurveyDetails(organisation=organisation, title=f"Draft survey {suffix}"),
        )
    return {
        "survey_id": str(survey.pk),
        "title": survey.title,
        "draft_id": str(draft.pk),
        "draft_title": draft.title,
        "links": [link.link for link in given[:-1]],
        "partnership_id": str(partnership.pk),
        "scale_id": str(scale.pk),
        "scale_name": scale.name,
    }


def main(argv: list[str]) -> None:
    import django  # noqa: PLC0415

    django.setup()
    if len(argv) != 2:
        raise SystemExit(__doc__)
    sys.stdout.write(json.dumps(make(argv[0], argv[1])))


if __name__ == "__main__":
    main(sys.argv[1:])
