"""Progression to higher education: of the partnership's learners old enough to have started a
course, those engaged (who attended any of the partnership's activities: the reach page's
"learners engaged") beside similar learners who were not engaged, and how many of each a person
confirmed as a student at an HE provider in Widen (`widen.students.linking`).

**Similar** means, exactly: held by a member of the partnership, not engaged, and in the same
*group* as at least one engaged learner, a group being the same school, the same school year
(date of birth) and the same answers to "free school meals, now or in the last six years" and
"first in family to go to higher education" (yes, no, not recorded). Learners whose processing
is restricted or who object to equality monitoring are not chosen as similar (they are chosen
by their characteristics). Anonymised records are left out of both.

**Progressed** means a confirmed link to a student record that has started a course (enrolled,
interrupted, withdrawn, completed or graduated): it covers only providers whose students are in
Widen, never the whole of higher education.

Small numbers are suppressed (`widen.core.small_numbers`): a count of fewer than 5 reads "fewer
than 5", and a progressed count is not shown when it, or the learners of the group who did not
progress, are fewer than 5 (either could be worked out from the other); nor is its share.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef

from widen.core.academic_years import AcademicYear
from widen.core.small_numbers import count_text, suppressed
from widen.learners.models import Learner
from widen.organisations.models import Partnership
from widen.reporting.models import LearnerEngagement
from widen.students.linking.services import NOT_STARTED
from widen.students.models import Student

# Year 13 ends before a course can start: learners in Year 14 or later of this academic year.
FIRST_YEAR_AFTER_SCHOOL = 14
PROGRESSION_HEADINGS = ["", "Learners", "Started higher education", "Share"]


@dataclass(frozen=True)
class ProgressionRow:
    label: str
    learners: int
    progressed: int

    @property
    def progressed_hidden(self) -> bool:
        return (
            suppressed(self.learners)
            or suppressed(self.progressed)
            or suppressed(self.learners - self.progressed)
        )

    @property
    def learners_text(self) -> str:
        return count_text(self.learners)

    @property
    def progressed_text(self) -> str:
        if self.progressed_hidden:
            return count_text(self.progressed) if suppressed(self.progressed) else "not shown"
        return f"{self.progressed:,}"

    @property
    def share_text(self) -> str:
        if self.progressed_hidden or not self.learners:
            return "not shown"
        return f"{self.progressed / self.learners:.0%}"

    def cells(self) -> list[str]:
        return [self.label, self.learners_text, self.progressed_text, self.share_text]


@dataclass(frozen=True)
class Progression:
    engaged: ProgressionRow
    similar: ProgressionRow
    providers: list[str]  # the HE providers in Widen whose students count
    born_before: date


def _cohort(born: date) -> int:
    return born.year if born.month >= 9 else born.year - 1  # noqa: PLR2004 - September


def _answer(*values: bool | None) -> str:
    if any(value is True for value in values):
        return "yes"
    if any(value is False for value in values):
        return "no"
    return ""


def progression(partnership: Partnership) -> Progression:
    """The two rows of the progression page (two queries, and one for the providers' names)."""
    year = AcademicYear.current()
    # Year group = start year - birth cohort - 5, so Year 14 or later: born before September of
    # (start year - 14 - 5 + 1).
    born_before = date(year.start_year - FIRST_YEAR_AFTER_SCHOOL - 5 + 1, 9, 1)
    started = Student.objects.filter(
        linked_learner=OuterRef("pk"), anonymised_at__isnull=True
    ).exclude(status__in=NOT_STARTED)
    engaged = LearnerEngagement.objects.filter(partnership=partnership, learner=OuterRef("pk"))
    rows = (
        Learner.objects.filter(
            organisation__in=partnership.members.values("pk"),
            date_of_birth__lt=born_before,
            anonymised_at__isnull=True,
        )
        .annotate(engaged=Exists(engaged), progressed=Exists(started))
        .values_list(
            "school_id",
            "date_of_birth",
            "free_school_meals",
            "ever_6_free_school_meals",
            "first_in_family",
            "engaged",
            "progressed",
            "restricted_at",
            "objects_to_equality_monitoring",
        )
    )
    engaged_groups: set[tuple[Any, int, str, str]] = set()
    tally: Counter[str] = Counter()
    candidates: list[tuple[tuple[Any, int, str, str], bool]] = []
    for school, born, fsm, ever_6, first, is_engaged, progressed, restricted, objects in rows:
        group = (school, _cohort(born), _answer(fsm, ever_6), _answer(first))
        if is_engaged:
            engaged_groups.add(group)
            tally["engaged"] += 1
            tally["engaged_progressed"] += bool(progressed)
        elif restricted is None and not objects:
            candidates.append((group, bool(progressed)))
    for candidate, started_course in candidates:
        if candidate in engaged_groups:
            tally["similar"] += 1
            tally["similar_progressed"] += started_course
    providers = sorted(
        set(
            Student.objects.filter(
                linked_learner__organisation__in=partnership.members.values("pk")
            ).values_list("organisation__name", flat=True)
        )
    )
    return Progression(
        engaged=ProgressionRow("Learners engaged", tally["engaged"], tally["engaged_progressed"]),
        similar=ProgressionRow(
            "Similar learners not engaged", tally["similar"], tally["similar_progressed"]
        ),
        providers=providers,
        born_before=born_before,
    )
