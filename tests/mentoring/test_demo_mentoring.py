"""The demo's mentoring at Queen Mary: mentors from employers and alumni registered with no
staff account, a matched cohort, and pairs in every state; the coordinator sees the pair going
quiet, and a mentor signed in by link sees their mentee as the mentee chose to be seen."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from conftest import signed_in_client
from tests.students.mine.support import signed_in_by_link
from widen.accounts.models import User
from widen.accounts.sign_in_links import has_staff_role
from widen.demo.mentoring import PROGRAMME
from widen.demo.mentoring_pupils import PUPILS_PROGRAMME
from widen.demo.partnership import QMUL
from widen.mentoring.models import (
    CheckIn,
    Feedback,
    MatchingRunStatus,
    MenteeStatus,
    Mentor,
    MentoringProgramme,
    Relationship,
    RelationshipStatus,
)
from widen.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _pairs(programme: MentoringProgramme) -> dict[str, str]:
    return {
        status: sorted(
            Relationship.objects.filter(programme=programme, status=status).values_list(
                "mentee__student__first_name", flat=True
            )
        )
        for status in RelationshipStatus.values
    }  # type: ignore[misc]


def test_the_demo_has_a_matched_mentoring_cohort_with_pairs_in_every_state(
    django_capture_on_commit_callbacks: Any,
) -> None:
    output = StringIO()
    with django_capture_on_commit_callbacks(execute=True):  # its notices are sent
        call_command("demo", learners=300, stdout=output)
    programme = MentoringProgramme.objects.get(organisation__name=QMUL, name=PROGRAMME)

    pairs = _pairs(programme)
    assert pairs[RelationshipStatus.ACTIVE] == ["Amira", "Ellie", "Jordan", "Kofi", "Mei"]
    assert pairs[RelationshipStatus.ENDED] == ["Ravi"]
    assert pairs[RelationshipStatus.DECLINED] == ["Zara"]
    assert pairs[RelationshipStatus.INTRODUCED] == ["Liam"]
    assert pairs[RelationshipStatus.PROPOSED] == ["Nia", "Zara"]
    assert list(programme.matching_runs.values_list("status", "proven_optimal")) == [
        (MatchingRunStatus.PROPOSED, True),
        (MatchingRunStatus.PUBLISHED, True),
    ]
    assert programme.mentees.filter(status=MenteeStatus.APPLIED).count() == 1
    assert Feedback.objects.filter(relationship__programme=programme).count() == 2
    assert CheckIn.objects.filter(
        relationship__programme=programme, answered_on__isnull=False
    ).exists()
    # Mentors are professionals and alumni with accounts of their own, no staff role.
    mentors = Mentor.objects.filter(organisation=programme.organisation).select_related("user")
    assert {mentor.employer_name for mentor in mentors} >= {"Barclays", "NHS Barts Health"}
    assert any(mentor.is_alumnus for mentor in mentors)
    assert not any(has_staff_role(mentor.user) for mentor in mentors)
    assert "Mentoring at Queen Mary University of London" in output.getvalue()

    # The pair going quiet: the coordinator was told, and sees it on the programme's pairs.
    officer = User.objects.get(username="outreach.officer")
    assert Notification.objects.filter(user=officer, template__contains="quiet").exists()
    page = signed_in_client(officer).get(f"/mentoring/programmes/{programme.pk}/relationships/")
    assert page.status_code == 200
    assert "1 pair is going quiet." in page.content.decode()
    assert "<strong>Yes</strong>: no meeting for 7 weeks" in page.content.decode()

    # A mentor signs in by link and sees their mentee as shared, never the student's record.
    amira_pair = Relationship.objects.get(
        programme=programme, mentee__student__first_name="Amira", status=RelationshipStatus.ACTIVE
    )
    mentor_email = amira_pair.mentor.user.email
    client = signed_in_by_link(mentor_email, django_capture_on_commit_callbacks)
    mine = client.get("/mentoring/mine/")
    assert mine.status_code == 200
    pair_page = client.get(f"/mentoring/pairs/{amira_pair.pk}/").content.decode()
    assert "Amira" in pair_page
    assert amira_pair.mentee.student.email not in pair_page
    assert amira_pair.mentee.student.student_number not in pair_page

    # Pupils: Year 10 careers mentoring, one pupil invited to sign in (a parent's consent
    # recorded) in an active pair with a DBS-checked mentor; the others introduced.
    pupils = MentoringProgramme.objects.get(organisation__name=QMUL, name=PUPILS_PROGRAMME)
    invited = pupils.mentees.get(user__isnull=False)
    assert invited.learner is not None
    assert invited.consent_given_by.endswith(", mother")
    statuses = sorted(
        Relationship.objects.filter(programme=pupils).values_list("status", flat=True)
    )
    assert statuses == ["active", "introduced", "introduced"]
    pupil_pair = Relationship.objects.get(programme=pupils, mentee=invited)
    assert pupil_pair.status == RelationshipStatus.ACTIVE
    assert pupil_pair.mentor.may_mentor_under_18
    assert invited.user is not None
    pupil = signed_in_by_link(invited.user.email, django_capture_on_commit_callbacks)
    space = pupil.get(f"/mentoring/pairs/{pupil_pair.pk}/").content.decode()
    assert "You are under 18: between meetings" in space
    assert "What did you study to get your job" in space
    assert invited.user.email in output.getvalue()
