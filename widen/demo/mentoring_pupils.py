"""The demo's mentoring for school pupils: "Year 10 careers mentoring" at the lead university,
in its partnership.

The outreach officer adds three of the partnership's pupils, fills in what they told their
teacher they would like, and invites the first to sign in at a school address of their own, with
a parent's consent recorded. Three of the professional mentors with an enhanced DBS check join
the programme; the officer approves them, runs the matching and publishes it. The invited pupil
and their mentor both accept and exchange messages; the other two pupils' introductions wait for
their school to pass them on.
"""

from __future__ import annotations

from datetime import date, timedelta

from widen.accounts.models import User
from widen.core import request_context
from widen.core.academic_years import AcademicYear
from widen.learners.models import Learner
from widen.mentoring.models import Mentee, MenteesAre, Mentor, Relationship
from widen.mentoring.services.matching_runs import matching_run, run_publish
from widen.mentoring.services.mentees import mentee_answers_update, pupil_invite
from widen.mentoring.services.pairs import message_send
from widen.mentoring.services.people import introduction_accept, mentor_join
from widen.mentoring.services.programmes import (
    programme_create,
    programme_mentor_approve,
    pupils_add,
    pupils_addable,
)
from widen.organisations.models import Organisation

PUPILS_PROGRAMME = "Year 10 careers mentoring"
PUPIL_DOMAIN = "pupils.example.org"
SITE = "http://127.0.0.1:8000"
# What each pupil would like: (goals, industries, careers), matched to a DBS-checked mentor's.
WANTS = (
    ("To find out what a solicitor does, and which A levels lead there.", "law", "solicitor"),
    ("To see what nursing is like before choosing my options.", "health", "nursing"),
    ("To understand what people in banks actually do.", "finance", "banking"),
)


def _year_10_births() -> tuple[date, date]:
    """The first and last birthdays of this academic year's Year 10 (aged 14 on 1 September)."""
    start = AcademicYear.current().start_year
    return date(start - 15, 9, 1), date(start - 14, 8, 31)


def pupil_address(first_name: str, last_name: str) -> str:
    return f"{first_name}.{last_name}@{PUPIL_DOMAIN}".lower().replace(" ", "")


def demo_pupil_mentoring_create(*, provider: Organisation, officer: User, cohort_day: date) -> None:
    """The pupils' programme at `provider` (after its professional mentoring is made)."""
    partnership = provider.partnerships.order_by("pk").first()
    if partnership is None:
        return
    with request_context.bind(actor=officer):
        programme = programme_create(
            actor=officer,
            organisation=provider,
            details={
                "name": PUPILS_PROGRAMME,
                "mentees_are": MenteesAre.PUPILS,
                "partnership": partnership,
                "purpose": "Year 10 pupils meet someone who works in a career they wonder about, "
                "online, in school time.",
                "cohort_starts_on": cohort_day,
                "cohort_ends_on": cohort_day + timedelta(weeks=20),
                "meeting_expectations": "Half an hour a fortnight, online, in school time.",
                "check_in_weeks": 4,
                "quiet_after_weeks": 4,
            },
        )
        candidates = (
            pupils_addable(actor=officer, programme=programme)
            .filter(date_of_birth__range=_year_10_births(), school__isnull=False)
            .order_by("first_name", "last_name", "pk")
        )
        learners: list[Learner] = []
        for learner in candidates[:50]:  # three pupils, no two of the same name
            names = {(chosen.first_name, chosen.last_name) for chosen in learners}
            if (learner.first_name, learner.last_name) not in names:
                learners.append(learner)
            if len(learners) == len(WANTS):
                break
        if not learners:
            return
        pupils = pupils_add(actor=officer, programme=programme, learners=learners)
        for pupil, (goals, industries, careers) in zip(pupils, WANTS, strict=False):
            mentee_answers_update(
                actor=officer,
                mentee=pupil,
                profile={
                    "goals": goals,
                    "industries": [industries],
                    "careers": [careers],
                    "modes": ["online"],
                },
            )
        invited = pupils[0]
        learner = invited.learner
        assert learner is not None
        invited = pupil_invite(
            actor=officer,
            mentee=invited,
            email=pupil_address(learner.first_name, learner.last_name),
            consent_given_by=f"Ms {learner.last_name}, mother",
            consent_given_on=cohort_day - timedelta(days=7),
            site_url=SITE,
        )
    checked = Mentor.objects.filter(
        organisation=provider, dbs_checked_on__isnull=False
    ).select_related("user")
    for mentor in checked.order_by("user__first_name"):
        if not set(mentor.industries) & {industries for _, industries, _ in WANTS}:
            continue
        with request_context.bind(actor=mentor.user):
            place = mentor_join(actor=mentor.user, programme=programme, capacity=1)
        with request_context.bind(actor=officer):
            programme_mentor_approve(actor=officer, place=place)
    with request_context.bind(actor=officer):
        run = matching_run(actor=officer, programme=programme)
        run_publish(actor=officer, run=run)
    pair = Relationship.objects.filter(programme=programme, mentee=invited).first()
    if pair is None or invited.user is None:
        return
    with request_context.bind(actor=invited.user):
        introduction_accept(actor=invited.user, relationship=pair)
    with request_context.bind(actor=pair.mentor.user):
        introduction_accept(actor=pair.mentor.user, relationship=pair)
        message_send(
            actor=pair.mentor.user,
            relationship=pair,
            body="Hello! I'm looking forward to our first call. What would you like to ask first?",
        )
    with request_context.bind(actor=invited.user):
        message_send(
            actor=invited.user,
            relationship=pair,
            body="Hi! What did you study to get your job, and was it hard to get in?",
        )


def demo_pupil_mentoring_lines(provider_name: str, port: int) -> list[str]:
    """Who signs in to see a pupil's side of mentoring, as a line of the demo's report."""
    invited = (
        Mentee.objects.filter(
            programme__organisation__name=provider_name,
            programme__name=PUPILS_PROGRAMME,
            user__isnull=False,
        )
        .select_related("user")
        .first()
    )
    if invited is None or invited.user is None:
        return []
    return [
        f"{PUPILS_PROGRAMME}: the pupil invited to sign in asks for a link at "
        f"http://127.0.0.1:{port}/my/sign-in/ with {invited.user.email}."
    ]
