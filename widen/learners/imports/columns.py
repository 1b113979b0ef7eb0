"""The columns a pupil list may have, and the headings school MIS exports give them.

SIMS, Arbor, Bromcom and others each name columns their own way ("Legal Surname", "Forename",
"DOB", "NC Year", "FSM Eligible"). Headings are compared without case, spaces or punctuation, so
"Date of Birth", "date_of_birth" and "D.O.B." all mean the date of birth.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from widen.learners.models import (
    CHARACTERISTIC_FIELDS,
    IDENTITY_FIELDS,
    SPECIAL_CATEGORY_FIELDS,
)

# Mapping a column to this means "do not import it".
IGNORE = ""


@dataclass(frozen=True)
class ImportColumn:
    field: str
    label: str  # the template's heading
    kind: str  # name, date, postcode, upn, uln, yes_no, sex, ethnicity, year_group
    headings: tuple[str, ...]
    max_length: int = 100
    required: bool = False
    stored: bool = True  # False: checked against the record, not kept
    example: str = ""


IMPORT_COLUMNS: tuple[ImportColumn, ...] = (
    ImportColumn(
        "upn",
        "UPN",
        "upn",
        ("UPN", "Unique Pupil Number", "Pupil UPN"),
        max_length=13,
        example="A801200000013",
    ),
    ImportColumn(
        "first_name",
        "Legal first name",
        "name",
        (
            "Legal first name",
            "Legal Forename",
            "Forename",
            "Forenames",
            "First name",
            "Firstname",
            "Given name",
            "Legal Given Name",
        ),
        required=True,
        example="Amira",
    ),
    ImportColumn(
        "last_name",
        "Legal last name",
        "name",
        (
            "Legal last name",
            "Legal Surname",
            "Surname",
            "Last name",
            "Lastname",
            "Family name",
        ),
        required=True,
        example="Begum",
    ),
    ImportColumn(
        "preferred_name",
        "Preferred name",
        "name",
        (
            "Preferred name",
            "Preferred Forename",
            "Preferred first name",
            "Known as",
            "Chosen name",
        ),
        example="Amy",
    ),
    ImportColumn(
        "date_of_birth",
        "Date of birth",
        "date",
        ("Date of birth", "DOB", "D.O.B.", "Birth date", "Birthdate"),
        max_length=30,
        required=True,
        example="04/03/2012",
    ),
    ImportColumn(
        "year_group",
        "Year group",
        "year_group",
        ("Year group", "Year", "NC Year", "National Curriculum Year", "Curriculum year", "Yr"),
        max_length=20,
        stored=False,
        example="Year 9",
    ),
    ImportColumn(
        "home_postcode",
        "Home postcode",
        "postcode",
        ("Home postcode", "Postcode", "Post code", "Home post code", "Address postcode"),
        max_length=20,
        example="E6 3SQ",
    ),
    ImportColumn(
        "reference",
        "Reference",
        "reference",
        (
            "Reference",
            "Your reference",
            "Pupil reference",
            "Student reference",
            "Learner reference",
            "Partner reference",
        ),
        max_length=50,
        example="NTH-00417",
    ),
    ImportColumn(
        "school_urn",
        "School URN",
        "urn",
        ("School URN", "URN", "School number", "Establishment URN"),
        max_length=7,
        stored=False,
        example="100001",
    ),
    ImportColumn(
        "uln",
        "ULN",
        "uln",
        ("ULN", "Unique Learner Number"),
        max_length=10,
        example="",
    ),
    ImportColumn(
        "sex",
        "Sex",
        "sex",
        ("Sex", "Gender", "Legal sex"),
        max_length=20,
        example="F",
    ),
    ImportColumn(
        "free_school_meals",
        "Free school meals",
        "yes_no",
        (
            "Free school meals",
            "FSM",
            "FSM Eligible",
            "FSM Eligibility",
            "Eligible for FSM",
            "Eligible for free school meals",
            "FSM Status",
        ),
        max_length=20,
        example="Y",
    ),
    ImportColumn(
        "ever_6_free_school_meals",
        "Ever-6 FSM",
        "yes_no",
        ("Ever-6 FSM", "Ever 6 FSM", "FSM Ever 6", "FSM6", "Ever6", "Ever FSM 6", "FSM Ever6"),
        max_length=20,
        example="Y",
    ),
    ImportColumn(
        "young_carer",
        "Young carer",
        "yes_no",
        ("Young carer", "Carer", "Is young carer"),
        max_length=20,
        example="N",
    ),
    ImportColumn(
        "estranged",
        "Estranged",
        "yes_no",
        ("Estranged", "Estranged from family"),
        max_length=20,
        example="N",
    ),
    ImportColumn(
        "first_in_family",
        "First in family to go to HE",
        "yes_no",
        ("First in family to go to HE", "First in family", "First generation", "Parental HE"),
        max_length=20,
        example="Y",
    ),
    ImportColumn(
        "care_experienced",
        "Care experienced",
        "yes_no",
        (
            "Care experienced",
            "Care leaver",
            "Looked after",
            "In care",
            "CLA",
            "LAC",
            "Child looked after",
            "Looked after child",
        ),
        max_length=20,
        example="N",
    ),
    ImportColumn(
        "disability",
        "Disabled",
        "yes_no",
        ("Disabled", "Disability"),
        max_length=20,
        example="N",
    ),
    ImportColumn(
        "ethnicity",
        "Ethnicity",
        "ethnicity",
        ("Ethnicity", "Ethnic group", "Ethnic origin", "Ethnicity code"),
        max_length=120,
        example="WBRI",
    ),
)
COLUMNS_BY_FIELD: dict[str, ImportColumn] = {column.field: column for column in IMPORT_COLUMNS}

# Headings MIS exports carry that Widen deliberately does not keep.
NOT_KEPT_HEADINGS: dict[str, str] = {
    heading: why
    for why, headings in {
        "Widen does not keep registration groups": (
            "Reg",
            "Reg group",
            "Registration group",
            "Registration form",
            "Form",
            "Tutor group",
            "Form group",
        ),
        "Widen does not keep admission numbers": ("Adno", "Admission number", "Adm No"),
        "Widen does not keep houses": ("House",),
        "Widen's note on a rejected row": ("Problem",),
    }.items()
    for heading in headings
}


def heading_key(heading: str) -> str:
    """'Legal Surname', 'legal_surname' and 'LEGAL SURNAME' all give 'legalsurname'."""
    return re.sub(r"[^0-9a-z]", "", heading.casefold())


_FIELD_BY_HEADING: dict[str, str] = {
    heading_key(heading): column.field
    for column in IMPORT_COLUMNS
    for heading in (column.field, column.label, *column.headings)
}
_NOT_KEPT_BY_HEADING: dict[str, str] = {
    heading_key(heading): why for heading, why in NOT_KEPT_HEADINGS.items()
}


def field_for_heading(heading: str) -> str | None:
    return _FIELD_BY_HEADING.get(heading_key(heading))


def not_kept_reason(heading: str) -> str | None:
    return _NOT_KEPT_BY_HEADING.get(heading_key(heading))


def looks_like_header(cells: Sequence[str]) -> bool:
    """A row naming at least two columns we know is the header (title lines above are skipped)."""
    return sum(1 for cell in cells if cell and field_for_heading(cell)) >= 2


def category_of(field: str) -> str | None:
    from widen.organisations.models import DataCategory  # noqa: PLC0415

    if field in IDENTITY_FIELDS:
        return DataCategory.IDENTITY
    if field in CHARACTERISTIC_FIELDS:
        return DataCategory.CHARACTERISTICS
    if field in SPECIAL_CATEGORY_FIELDS:
        return DataCategory.SPECIAL_CATEGORY
    return None


@dataclass(frozen=True)
class ColumnChoice:
    """What one column of the file becomes."""

    heading: str
    field: str  # IGNORE when not imported
    how: str  # "recognised", "mapped", "not kept", "unknown"
    note: str = ""


def choose_columns(
    headings: Sequence[str], saved_mapping: Mapping[str, str | None] | None = None
) -> list[ColumnChoice]:
    """Decide each column: a saved choice first, then a heading we recognise.

    Columns that are neither are "unknown": the person must map them (or choose not to import
    them) before anything is validated. A saved choice of None means "not decided yet".
    """
    saved = {heading_key(k): v for k, v in (saved_mapping or {}).items()}
    choices: list[ColumnChoice] = []
    for heading in headings:
        chosen = saved.get(heading_key(heading))
        recognised = field_for_heading(heading)
        why = not_kept_reason(heading)
        if chosen is not None and (chosen == IGNORE or chosen in COLUMNS_BY_FIELD):
            if chosen == IGNORE:
                how = "not kept" if why else "skipped"
                choices.append(ColumnChoice(heading, IGNORE, how, why or "you chose to skip it"))
            else:
                how = "recognised" if chosen == recognised else "mapped"
                choices.append(ColumnChoice(heading, chosen, how))
        elif recognised:
            choices.append(ColumnChoice(heading, recognised, "recognised"))
        elif why:
            choices.append(ColumnChoice(heading, IGNORE, "not kept", why))
        else:
            choices.append(ColumnChoice(heading, IGNORE, "unknown"))
    return choices
