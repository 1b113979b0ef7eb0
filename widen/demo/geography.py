"""The real places the demo stands on: the schools and colleges and the home postcodes it ships
(see `data/ATTRIBUTION.md`), read from `data/`."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path

from widen.learners.models import Sex

DATA_DIR = Path(__file__).parent / "data"
SCHOOLS_CSV = DATA_DIR / "schools.csv"
POSTCODES_CSV = DATA_DIR / "postcodes.csv"
IOD2019_CSV = DATA_DIR / "iod2019_lsoa11.csv"
YEAR_GROUPS = range(9, 14)

# Single-sex schools whose name does not say so (GIAS's gender column is not in schools.csv).
# Their sixth forms are taken to be mixed, as many in East London are.
GIRLS_SCHOOLS = frozenset({"102782", "102786", "142644"})  # Plashet, St Angela's, Sarah Bonnell
BOYS_SCHOOLS = frozenset({"102787", "143385"})  # St Bonaventure's, Norlington
SIXTEEN_PLUS = "16 plus"
# Year groups each phase teaches, to share a school's pupils between its year groups.
YEARS_TAUGHT = {SIXTEEN_PLUS: 2, "All-through": 14, "Secondary": 7}
DEFAULT_PUPILS = {SIXTEEN_PLUS: 1200, "All-through": 1500, "Secondary": 1000}


@dataclass(frozen=True)
class SchoolRow:
    urn: str
    name: str
    establishment_type: str
    phase: str
    la_code: str
    la_name: str
    postcode: str
    percentage_fsm: Decimal | None
    number_of_pupils: int | None

    @property
    def year_groups(self) -> range:
        return range(12, 14) if self.phase == SIXTEEN_PLUS else YEAR_GROUPS

    @property
    def single_sex(self) -> str | None:
        """The sex a single-sex school teaches in Years 7 to 11, or None if it is mixed."""
        if self.urn in GIRLS_SCHOOLS or "girls" in self.name.lower():
            return Sex.FEMALE
        if self.urn in BOYS_SCHOOLS:
            return Sex.MALE
        return None

    @property
    def pupils_per_year(self) -> float:
        pupils = self.number_of_pupils or DEFAULT_PUPILS.get(self.phase, 1000)
        return pupils / YEARS_TAUGHT.get(self.phase, 7)


# The columns of `data/schools.csv` read as they stand: the school's text fields.
SCHOOL_TEXT_COLUMNS = tuple(column.name for column in fields(SchoolRow) if column.type == "str")


def read_schools() -> list[SchoolRow]:
    """The schools and colleges in `data/schools.csv`, in file order (by URN)."""
    with SCHOOLS_CSV.open(newline="", encoding="utf-8") as handle:
        return [
            SchoolRow(
                **{column: row[column] for column in SCHOOL_TEXT_COLUMNS},
                percentage_fsm=Decimal(row["percentage_fsm"]) if row["percentage_fsm"] else None,
                number_of_pupils=int(row["number_of_pupils"]) if row["number_of_pupils"] else None,
            )
            for row in csv.DictReader(handle)
        ]


def read_postcodes() -> dict[str, list[str]]:
    """The postcodes in `data/postcodes.csv`, by local authority name."""
    by_authority: dict[str, list[str]] = {}
    with POSTCODES_CSV.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_authority.setdefault(row["ladnm"], []).append(row["postcode"])
    return by_authority


NOT_REACHED_PER_AUTHORITY = 2


def not_reached_yet(schools: Sequence[SchoolRow]) -> list[SchoolRow]:
    """Member schools the partnership has no learners at yet (its cold spots to plan for): in
    each local authority, the secondary schools with fewest pupils a year (ties by URN)."""
    holding = self_holding_school(schools)
    chosen: list[SchoolRow] = []
    for authority in sorted({school.la_name for school in schools}):
        candidates = sorted(
            (
                school
                for school in schools
                if school.la_name == authority
                and school.phase == "Secondary"
                and school.urn != holding.urn
            ),
            key=lambda school: (school.pupils_per_year, school.urn),
        )
        chosen += candidates[:NOT_REACHED_PER_AUTHORITY]
    return chosen


def self_holding_school(schools: Sequence[SchoolRow]) -> SchoolRow:
    """The school that holds its own pupils' records: the secondary with most pupils a year.

    The school staff demo user works there and sees just those pupils.
    """
    return max(
        (school for school in schools if school.phase == "Secondary"),
        key=lambda school: (school.pupils_per_year, school.urn),
    )
