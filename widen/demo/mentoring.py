"""The demo's professional mentoring at its lead university: a programme, mentors from employers
and alumni, a matched cohort, and pairs in every state.

The outreach officer (`outreach.officer`) sets up "Professional Mentoring" for QMUL's students.
Professionals and alumni register as mentors on its public page (accounts with no staff role;
they sign in by link), and the officer approves their places and records their training and, for
those who may mentor under-18s, their enhanced DBS checks. Students apply (signed in as
themselves), the officer accepts all but one, runs the matching and publishes it: each pair is
introduced to both sides. The cohort began on `_cohort_day`; in the weeks since:

* most pairs were accepted by both sides and met: goals agreed, meetings logged, messages sent,
  the first check-in answered;
* one pair has not met since its first meeting, six weeks ago: it is going quiet, and the daily
  alert has told the officer;
* one pair ended (the student found a placement, and left the programme) with feedback from
  both;
* one introduction was declined, politely, by the student; one is still waiting for answers;
* a new matching run, not yet published, proposes a mentor for a student accepted late and
  another, in consulting, for the student who declined.

Every step is done by the person who does it, through the same services as the pages. The days
the pairs were accepted are written as the cohort's start (the demo is built in a moment, not
over weeks), so that meetings since then can be logged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from widen.accounts.models import User
from widen.accounts.sign_in_links import link_account_create
from widen.core import request_context
from widen.core.academic_years import AcademicYear
from widen.demo.mentoring_pupils import demo_pupil_mentoring_create, demo_pupil_mentoring_lines
from widen.demo.students import DEMO, SOURCE, student_email
from widen.mentoring.models import (
    MatchingRun,
    MeetingMode,
    Mentee,
    Mentor,
    MentoringProgramme,
    NeverPair,
    ProgrammeMentor,
    Relationship,
    RelationshipStatus,
)
from widen.mentoring.services.matching_runs import matching_run, run_publish
from widen.mentoring.services.pairs import (
    check_in_answer,
    feedback_give,
    goal_agree,
    meeting_log,
    message_send,
    pairs_quiet_alert,
    relationship_end,
)
from widen.mentoring.services.people import (
    introduction_accept,
    introduction_decline,
    mentee_apply,
    mentee_withdraw,
    mentor_register,
)
from widen.mentoring.services.programmes import (
    mentee_accept,
    mentor_checks_record,
    programme_create,
    programme_mentor_approve,
)
from widen.organisations.models import Organisation
from widen.students.models import Student, StudentStatus
from widen.students.services import student_create

PROGRAMME = "Professional Mentoring"
COORDINATOR = "outreach.officer"
SITE = "http://127.0.0.1:8000"
MENTOR_DOMAIN = "mentors.example.org"

# Each list is written as words: "finance consulting" is ["finance", "consulting"].
# fmt: off
# (first, last, employer, industries, careers, job; alumnus: what they studied (or "");
#  modes, availability, lived experience, capacity, enhanced DBS checked)
MENTORS: tuple[tuple[Any, ...], ...] = (
    ("Priya", "Shah", "Barclays", "finance", "audit banking", "Audit manager", "Economics",
     "online", "tue-evening thu-evening", "first_in_family", 2, True),
    ("Daniel", "Okoro", "NHS Barts Health", "health", "nursing management", "Ward manager", "",
     "in_person online", "wed-afternoon", "care_experienced", 2, True),
    ("Sian", "Evans", "Tower Hamlets Council", "public-sector", "policy law", "Policy officer",
     "Politics", "online", "mon-evening tue-evening", "free_school_meals", 1, False),
    ("Marcus", "Reid", "Arup", "engineering", "civil-engineering", "Structural engineer",
     "Civil Engineering", "in_person", "thu-afternoon", "first_in_family", 2, False),
    ("Hannah", "Cole", "Clifford Chance", "law", "law solicitor", "Trainee solicitor", "Law",
     "online", "wed-evening", "estranged", 1, True),
    ("Tariq", "Mahmood", "Google", "technology", "software data", "Software engineer",
     "Computer Science", "online", "tue-evening", "first_in_family neurodivergent", 2, False),
    ("Grace", "Mensah", "The Guardian", "media", "journalism", "Reporter", "",
     "online in_person", "fri-morning", "", 1, False),
    ("Oliver", "Brooks", "Deloitte", "finance consulting", "consulting audit", "Consultant",
     "Mathematics", "online", "mon-evening thu-evening", "young_carer", 2, True),
)
# (first, last, course, industries, careers, modes, availability, wants shared, shared)
MENTEES: tuple[tuple[str, ...], ...] = (
    ("Amira", "Haddad", "BSc Accounting", "finance", "audit", "online", "tue-evening",
     "first_in_family", "first_in_family"),
    ("Jordan", "Blake", "BSc Nursing", "health", "nursing", "in_person online", "wed-afternoon",
     "care_experienced", "care_experienced"),
    ("Mei", "Wong", "LLB Law", "law", "solicitor", "online", "wed-evening", "", ""),
    ("Kofi", "Asante", "MEng Civil Engineering", "engineering", "civil-engineering",
     "in_person", "thu-afternoon", "first_in_family", "first_in_family"),
    ("Ellie", "Price", "BSc Computer Science", "technology", "software", "online",
     "tue-evening", "neurodivergent", "neurodivergent"),
    ("Ravi", "Patel", "BSc Economics", "finance consulting", "consulting", "online",
     "mon-evening", "", ""),
    ("Zara", "Hussain", "BA Politics", "public-sector", "policy", "online", "mon-evening",
     "free_school_meals", ""),
    ("Liam", "Byrne", "BA English", "media", "journalism", "online", "fri-morning", "", ""),
)
LATE = ("Nia", "Roberts", "BSc Economics", "finance", "banking", "online", "thu-evening",
        "first_in_family", "first_in_family")  # accepted after the first run
APPLIED_ONLY = ("Sam", "Turner", "BA History", "heritage", "museums", "online", "sat-morning",
                "", "")
# fmt: on


def _cohort_day(today: date) -> date:
    """The cohort's first day: eight weeks ago (so that a pair can have gone quiet)."""
    return today - timedelta(weeks=8)


def _student(provider: Organisation, number: int, spec: tuple[Any, ...]) -> Student:
    first, last, course = spec[0], spec[1], spec[2]
    year = AcademicYear.current()
    started = min(date(year.start_year, 9, 21), timezone.localdate())
    student = student_create(
        actor=DEMO,
        organisation=provider,
        details={
            "student_number": f"M{number:06d}",
            "first_name": first,
            "last_name": last,
            "email": student_email(first, last, provider),
            "date_of_birth": date(year.start_year - 20, 1 + number % 12, 1 + number),
            "course": course,
            "level": "undergraduate",
            "mode": "full_time",
            "year_of_study": 2,
            "starts_on": started,
            "expected_end_on": date(started.year + 2, 6, 30),
        },
        status=StudentStatus.ENROLLED,
        status_since=started,
        source=SOURCE,
    )
    user = link_account_create(email=student.email, first_name=first, last_name=last)
    with request_context.bind(actor=user):
        student.user = user
        student.save(update_fields=["user", "updated_at"])
    return student


def _apply(programme: MentoringProgramme, student: Student, spec: tuple[Any, ...]) -> Mentee:
    industries, careers, modes, availability, wants, shared = (words.split() for words in spec[3:])
    with request_context.bind(actor=student.user, source="web"):
        return mentee_apply(
            actor=student.user,
            programme=programme,
            profile={
                "goals": f"Find out what working in {industries[0]} is really like.",
                "industries": industries,
                "careers": careers,
                "location": "London",
                "modes": modes,
                "availability": availability,
                "languages": ["English"],
                "wants_shared": wants,
                "shared_with_mentor": shared,
            },
        )


def _mentors(programme: MentoringProgramme, officer: User, cohort_day: date) -> None:
    for spec in MENTORS:
        first, last, employer, industries, careers, job, studied = spec[:7]
        modes, availability, lived, capacity, dbs = spec[7:]
        email = f"{first}.{last}@{MENTOR_DOMAIN}".lower()
        mentor_register(
            programme=programme,
            email=email,
            first_name=first,
            last_name=last,
            profile={
                "employer_name": employer,
                "industries": industries.split(),
                "career_path": careers.split(),
                "job_role": job,
                "is_alumnus": bool(studied),
                "studied_at": "Queen Mary University of London" if studied else "",
                "studied_subject": studied,
                "location": "London",
                "modes": modes.split(),
                "languages": ["English"],
                "availability": availability.split(),
                "lived_experience": lived.split(),
            },
            capacity=capacity,
            agrees_to_code_of_conduct=True,
            site_url=SITE,
        )
        mentor = Mentor.objects.get(organisation=programme.organisation, user__email=email)
        with request_context.bind(actor=officer):
            programme_mentor_approve(
                actor=officer, place=ProgrammeMentor.objects.get(programme=programme, mentor=mentor)
            )
            mentor_checks_record(
                actor=officer,
                mentor=mentor,
                training_completed_on=cohort_day - timedelta(days=14),
                dbs_certificate_number=_certificate_number(email) if dbs else "",
                dbs_issued_on=cohort_day - timedelta(days=200) if dbs else None,
                dbs_update_service=dbs,
            )


def _mentee_user(pair: Relationship) -> User:
    """The account of the pair's mentee (every demo mentee is a student who signed in)."""
    student = pair.mentee.student
    assert student is not None
    assert student.user is not None
    return student.user


def _certificate_number(email: str) -> str:
    """A made-up 12-digit certificate number, the same for the mentor whenever it is built."""
    return f"{int(hashlib.sha256(email.encode()).hexdigest(), 16) % 10**12:012d}"


def _accept_both(pair: Relationship, on: date) -> Relationship:
    """Both sides accept the introduction (as on `on`: see the module's docstring)."""
    for user in (pair.mentor.user, _mentee_user(pair)):
        with request_context.bind(actor=user, source="web"):
            pair = introduction_accept(actor=user, relationship=pair)
    began = timezone.make_aware(datetime.combine(on, time(9, 0)))
    Relationship.objects.filter(pk=pair.pk).update(
        mentor_accepted_at=began, mentee_accepted_at=began, status_changed_at=began
    )
    pair.refresh_from_db()
    return pair


def _meet(pair: Relationship, user: User, held_on: date, note: str) -> None:
    with request_context.bind(actor=user, source="web"):
        meeting_log(
            actor=user,
            relationship=pair,
            held_on=held_on,
            mode=MeetingMode.ONLINE,
            minutes=60,
            note=note,
        )


def _pairs(programme: MentoringProgramme, cohort_day: date, today: date) -> None:
    pairs = list(
        Relationship.objects.filter(programme=programme, status=RelationshipStatus.INTRODUCED)
        .select_related("mentor__user", "mentee__student__user")
        .order_by("mentee__student__student_number")
    )
    *active, quiet, ended, declined, waiting = pairs
    for pair in [*active, quiet, ended]:
        pair = _accept_both(pair, cohort_day)
        mentee, mentor = _mentee_user(pair), pair.mentor.user
        with request_context.bind(actor=mentee, source="web"):
            goal_agree(actor=mentee, relationship=pair, text="Apply for a summer internship.")
            message_send(
                actor=mentee,
                relationship=pair,
                body="Thank you for agreeing to mentor me. Could we meet online next week?",
            )
        _meet(pair, mentor, cohort_day + timedelta(days=7), "Getting to know each other.")
        if pair in active:
            _meet(pair, mentee, today - timedelta(days=10), "Reviewed my CV together.")
            check_in = pair.check_ins.order_by("due_on").first()
            if check_in is not None:
                with request_context.bind(actor=mentee, source="web"):
                    check_in_answer(
                        actor=mentee, check_in=check_in, how_it_is_going="going_well", note=""
                    )
    with request_context.bind(actor=ended.mentor.user, source="web"):
        relationship_end(
            actor=ended.mentor.user,
            relationship=ended,
            reason="The student found a year-long placement and no longer needs a mentor.",
        )
    for user, comment in (
        (ended.mentor.user, "A pleasure: great to see the placement come through."),
        (_mentee_user(ended), "My mentor helped me prepare for the interview."),
    ):
        with request_context.bind(actor=user, source="web"):
            feedback_give(actor=user, relationship=ended, rating=5, comment=comment)
    with request_context.bind(actor=_mentee_user(ended), source="web"):
        mentee_withdraw(actor=_mentee_user(ended), mentee=ended.mentee)
    student = _mentee_user(declined)
    with request_context.bind(actor=student, source="web"):
        introduction_decline(
            actor=student,
            relationship=declined,
            reason="Thank you, but I have changed my mind about policy: I would like to explore "
            "consulting.",
        )
    del waiting  # introduced: neither side has answered yet


def demo_mentoring_create(*, provider: Organisation) -> None:
    """Professional mentoring at `provider` (after its students and support are made)."""
    officer = User.objects.get(username=COORDINATOR)
    today = timezone.localdate()
    cohort_day = _cohort_day(today)
    with request_context.bind(actor=officer):
        programme = programme_create(
            actor=officer,
            organisation=provider,
            details={
                "name": PROGRAMME,
                "purpose": "Students from backgrounds under-represented in the professions "
                "meet a professional or alumnus once a month for a year.",
                "cohort_starts_on": cohort_day,
                "cohort_ends_on": cohort_day + timedelta(weeks=40),
                "meeting_expectations": "An hour a month, online or in person.",
                "check_in_weeks": 4,
                "quiet_after_weeks": 4,
            },
        )
    _mentors(programme, officer, cohort_day)
    mentees = []
    for number, spec in enumerate((*MENTEES, APPLIED_ONLY), start=1):
        mentees.append(_apply(programme, _student(provider, number, spec), spec))
    with request_context.bind(actor=officer):
        for mentee in mentees[: len(MENTEES)]:
            mentee_accept(actor=officer, mentee=mentee)
        run = matching_run(actor=officer, programme=programme)
        run_publish(actor=officer, run=run)
    _pairs(programme, cohort_day, today)
    pairs_quiet_alert(actor=DEMO, today=today)
    late = _apply(programme, _student(provider, len(MENTEES) + 2, LATE), LATE)
    with request_context.bind(actor=officer):
        mentee_accept(actor=officer, mentee=late)
        matching_run(actor=officer, programme=programme)  # proposed: not yet published
    demo_pupil_mentoring_create(provider=provider, officer=officer, cohort_day=cohort_day)


def demo_mentoring_delete(*, organisation_ids: Iterable[Any]) -> None:
    """Everything of the demo's mentoring, before its students are deleted (the mentors'
    accounts stay, as the students' do: registering again finds them)."""
    ids = list(organisation_ids)
    programmes = MentoringProgramme.objects.filter(organisation_id__in=ids)
    Relationship.objects.filter(programme__in=programmes).delete()
    MatchingRun.objects.filter(programme__in=programmes).delete()
    NeverPair.objects.filter(programme__in=programmes).delete()
    Mentee.objects.filter(programme__in=programmes).delete()
    ProgrammeMentor.objects.filter(programme__in=programmes).delete()
    Mentor.objects.filter(Q(organisation_id__in=ids)).delete()
    programmes.delete()


def demo_mentoring_lines(provider_name: str, port: int) -> list[str]:
    """Who signs in to see the demo's mentoring, as lines of its report."""
    mentors = (
        Mentor.objects.filter(organisation__name=provider_name)
        .select_related("user")
        .order_by("user__first_name")
    )
    if not mentors:
        return []
    addresses = "; ".join(
        f"{m.user.first_name} {m.user.last_name} <{m.user.email}>" for m in mentors[:3]
    )
    return [
        "",
        f"Mentoring at {provider_name}: {COORDINATOR} coordinates {PROGRAMME} (matching, pairs "
        f"and the ones going quiet). Its mentors sign in with a link e-mailed to them at "
        f"http://127.0.0.1:{port}/my/sign-in/, for example {addresses}; its mentees are "
        "students, who sign in the same way.",
        *demo_pupil_mentoring_lines(provider_name, port),
    ]
