"""Academic years and school year groups (England and Wales rule).

Children born between 1 September and the following 31 August share a school year. In the academic
year that starts on 1 September Y, a child born in the cohort starting 1 September C is in
Year Y - C - 5 (Reception is 0). So Year 9 in 2026/27 is born 1 Sep 2012 - 31 Aug 2013.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

SEPTEMBER = 9


@dataclass(frozen=True, order=True)
class AcademicYear:
    start_year: int

    @classmethod
    def containing(cls, day: date) -> AcademicYear:
        return cls(day.year if day.month >= SEPTEMBER else day.year - 1)

    @classmethod
    def current(cls) -> AcademicYear:
        return cls.containing(timezone.localdate())

    @property
    def starts_on(self) -> date:
        return date(self.start_year, 9, 1)

    @property
    def ends_on(self) -> date:
        return date(self.start_year + 1, 8, 31)

    def __str__(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    def year_group_of(self, date_of_birth: date) -> int:
        """The school year group (0 = Reception) of a child born on `date_of_birth`."""
        birth_cohort = AcademicYear.containing(date_of_birth).start_year
        return self.start_year - birth_cohort - 5

    def birth_dates_for(self, year_group: int) -> tuple[date, date]:
        """First and last dates of birth of children in `year_group` this academic year."""
        cohort = self.start_year - year_group - 5
        return date(cohort, 9, 1), date(cohort + 1, 8, 31)


def age_on(date_of_birth: date, day: date) -> int:
    """Age in whole years on `day` (a 29 February birthday counts from 1 March in other years)."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return day.year - date_of_birth.year - int(before_birthday)
