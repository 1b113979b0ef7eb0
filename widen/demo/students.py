"""The demo's students: a handful at each of its universities, some with a status history and
characteristics they declared, and each university's term dates for this academic year. Made
through the students' services, as an import would."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from widen.accounts.capabilities import system_actor
from widen.core.academic_years import AcademicYear
from widen.learners.models import Learner, processable_condition
from widen.organisations.models import Organisation, OrganisationType
from widen.students.linking.services import learner_link_confirm, learner_links_propose
from widen.students.models import LearnerLink, LinkStatus, Student, StudentStatus
from widen.students.services import (
    student_changes_apply,
    student_create,
    students_save_changed,
    term_dates_save,
)

DEMO = system_actor("demo")
SOURCE = "demo student record system"
# (first name, last name, level, year of study, what they declared, their status story)
STUDENTS: tuple[tuple[str, str, str, int, dict[str, Any], tuple[str, ...]], ...] = (
    (
        "Amina",
        "Rahman",
        "undergraduate",
        1,
        {"first_in_family": True, "young_adult_carer": True},
        ("offer_holder", "enrolled"),
    ),
    (
        "Callum",
        "Hughes",
        "undergraduate",
        2,
        {"care_experienced": True, "estranged": True},
        ("enrolled", "interrupted"),
    ),
    (
        "Priya",
        "Nair",
        "postgraduate",
        1,
        {"student_visa": True, "household_income_band": "not_assessed"},
        ("enrolled",),
    ),
    (
        "Tom",
        "Okafor",
        "foundation",
        1,
        {"free_school_meals": True, "disabled": True},
        ("applicant", "offer_holder"),
    ),
    (
        "Zara",
        "Ali",
        "degree_apprenticeship",
        3,
        {"first_in_family": True, "household_income_band": "up_to_25000"},
        ("enrolled",),
    ),
    ("Josh", "Bennett", "undergraduate", 3, {"first_in_family": False}, ("enrolled", "completed")),
)


def student_email(first: str, last: str, provider: Organisation) -> str:
    """A student's address at their university (each university its own, so that one link
    signs in one student): "amina.rahman@qmul.students.example.ac.uk"."""
    words = provider.name.replace(",", " ").split()
    initials = "".join(word[0] for word in words if word not in {"of", "and"}).lower()
    return f"{first.lower()}.{last.lower()}@{initials}.students.example.ac.uk"


def _terms(year: AcademicYear) -> list[tuple[str, date, date]]:
    """Autumn, spring and summer terms of `year`, each starting on a Monday."""

    def monday_on_or_after(day: date) -> date:
        return day + timedelta(days=(7 - day.weekday()) % 7)

    first, second = year.start_year, year.start_year + 1
    autumn = monday_on_or_after(date(first, 9, 22))
    spring = monday_on_or_after(date(second, 1, 12))
    summer = monday_on_or_after(date(second, 4, 27))
    return [
        ("Autumn term", autumn, autumn + timedelta(weeks=12, days=-3)),
        ("Spring term", spring, spring + timedelta(weeks=11, days=-3)),
        ("Summer term", summer, summer + timedelta(weeks=7, days=-3)),
    ]


def demo_students_create(*, providers: Iterable[Organisation]) -> int:
    """Students and term dates at each of `providers`; answers how many students."""
    year = AcademicYear.current()
    today = timezone.localdate()
    made = 0
    for index, provider in enumerate(providers):
        if provider.organisation_type != OrganisationType.HE_PROVIDER:
            continue
        for name, starts_on, ends_on in _terms(year):
            term_dates_save(
                actor=DEMO,
                organisation=provider,
                academic_year=str(year),
                name=name,
                starts_on=starts_on,
                ends_on=ends_on,
            )
        postcodes = list(
            Learner.objects.filter(organisation=provider)
            .exclude(home_postcode="")
            .values_list("home_postcode", flat=True)[: len(STUDENTS)]
        )
        applied = []
        for number, (first, last, level, study_year, declared, story) in enumerate(STUDENTS):
            started = min(date(year.start_year - study_year + 1, 9, 22), today)
            before_start = story[0] in {StudentStatus.APPLICANT, StudentStatus.OFFER_HOLDER}
            since = started - timedelta(days=120) if before_start else started
            student = student_create(
                actor=DEMO,
                organisation=provider,
                details={
                    "student_number": f"{index + 1:02d}{number + 1:05d}",
                    "first_name": first,
                    "last_name": last,
                    "email": student_email(first, last, provider),
                    "home_postcode": postcodes[number] if number < len(postcodes) else "",
                    "course": "BSc Computer Science" if number % 2 else "BA History",
                    "level": level,
                    "mode": "full_time",
                    "year_of_study": study_year,
                    "starts_on": started,
                    "expected_end_on": date(started.year + 3, 6, 30),
                    **declared,
                },
                status=story[0],
                status_since=since,
                source=SOURCE,
            )
            if len(story) > 1:
                applied.append(
                    student_changes_apply(
                        student=student,
                        changes={"status": story[1]},
                        recorded_by=DEMO,
                        source=SOURCE,
                        status_changed_on=started
                        if story[1] == StudentStatus.ENROLLED
                        else max(since, today - timedelta(days=45)),
                    )
                )
            made += 1
        students_save_changed(actor=DEMO, applied=applied)
    return made


# How many of a university's students were its outreach learners, linked to their records.
LINKED_PER_PROVIDER = 2


def demo_students_link(*, provider: Organisation) -> list[Student]:
    """A few of `provider`'s learners in Year 13 who went on to study there: a student record
    for each (their names, date of birth, postcode and ULN), proposed and confirmed as the
    staff's page does, so their learner journey says "Enrolled at …"."""
    year = AcademicYear.current()
    today = timezone.localdate()
    # Year 13 this year: born from September 18 years before the year starts, to August.
    oldest, youngest = date(year.start_year - 18, 9, 1), date(year.start_year - 17, 8, 31)
    learners = list(
        Learner.objects.filter(
            processable_condition(), organisation=provider, date_of_birth__range=(oldest, youngest)
        )
        .exclude(uln="")
        .exclude(home_postcode="")
        .order_by("last_name", "first_name", "date_of_birth")[:LINKED_PER_PROVIDER]
    )
    started = min(date(year.start_year, 9, 22), today)
    made: list[Student] = []
    for number, learner in enumerate(learners, start=1):
        made.append(
            student_create(
                actor=DEMO,
                organisation=provider,
                details={
                    "student_number": f"L{number:06d}",
                    "first_name": learner.first_name,
                    "last_name": learner.last_name,
                    "date_of_birth": learner.date_of_birth,
                    "uln": learner.uln,
                    "email": student_email(learner.first_name, learner.last_name, provider),
                    "home_postcode": learner.home_postcode,
                    "course": "BSc Biomedical Science" if number % 2 else "BA English",
                    "level": "undergraduate",
                    "mode": "full_time",
                    "year_of_study": 1,
                    "starts_on": started,
                    "expected_end_on": date(started.year + 3, 6, 30),
                },
                status=StudentStatus.ENROLLED,
                status_since=started,
                source=SOURCE,
            )
        )
    learner_links_propose(actor=DEMO, provider=provider)
    for student, learner in zip(made, learners, strict=True):
        link = LearnerLink.objects.get(student=student, learner=learner, status=LinkStatus.PROPOSED)
        learner_link_confirm(actor=DEMO, link_id=link.pk)
    return made


def demo_students_delete(*, organisation_ids: Iterable[Any]) -> None:
    """The demo's students (their history goes with them); term dates go with the providers."""
    Student.objects.filter(organisation_id__in=list(organisation_ids)).delete()
