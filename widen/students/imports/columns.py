"""The columns of a student record system's export, and the codes they hold.

Three styles of heading are recognised, compared without case, spaces or punctuation (as pupil
lists' are, `widen.learners.imports.columns.heading_key`):

* **SITS-style** (Tribal SITS:Vision's field names): STU_CODE, STU_FNM1, STU_SURN, STU_DOB,
  STU_CAEM, STU_GEND, STU_ETHC, STU_DSBC, STU_HAPC, STU_ULN, SCE_STAC, SCE_BLOK …
* **HESA-style** (the HESA Student record and Data Futures field names): OWNSTU, FNAMES,
  SURNAME, BIRTHDTE, ULN, POSTCODE, TTPCODE, SEXID, ETHNIC, DISABLE, CARELEAVER, PARED, MODE,
  YEARPRG, COMDATE, EXPECTEDENDDATE …
* **Plain English**: "Student number", "First name", "Date of birth", "Status" …

Coded values (HESA's SEXID, ETHNIC, DISABLE and DISABILITY, CARELEAVER, PARED, MODE; common
level and status words) become the choices a student record holds; README ("Importing
students") has the table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from widen.learners.imports.cells import NO, YES
from widen.learners.imports.columns import heading_key
from widen.learners.models import Ethnicity, Sex
from widen.students.models import EntryRoute, IncomeBand, StudentStatus, StudyLevel, StudyMode

STATUS_DATE = "status_date"  # when the status in the file began (not a field of its own)


@dataclass(frozen=True)
class StudentColumn:
    field: str
    label: str  # what the preview calls it
    kind: str  # reference, name, date, birth_date, email, phone, postcode, uln, text, year,
    # or a coded kind: one of CODES
    headings: tuple[str, ...]
    max_length: int = 100


# --- Coded values --------------------------------------------------------------------------------
# Each maps a folded cell (lower case) to the value stored; "" is a valid answer that records
# nothing ("not known", "information refused"), so the record keeps what it has.

NOT_RECORDED = ""
_YES_NO: dict[str, str] = {
    **dict.fromkeys(YES, "yes"),
    **dict.fromkeys(NO, "no"),
    "unknown": NOT_RECORDED,
    "not known": NOT_RECORDED,
}

SEX_CODES: dict[str, str] = {
    "10": Sex.FEMALE,  # HESA SEXID
    "11": Sex.MALE,
    "12": NOT_RECORDED,  # "Other": Widen records female or male only
    "96": NOT_RECORDED,  # information refused
    "99": NOT_RECORDED,  # not available
    "1": Sex.MALE,  # SITS/ISO 5218 numeric
    "2": Sex.FEMALE,
    "f": Sex.FEMALE,
    "female": Sex.FEMALE,
    "m": Sex.MALE,
    "male": Sex.MALE,
}

# HESA ETHNIC: Data Futures (three digits, from 2022/23) and the earlier Student record (two).
ETHNICITY_CODES: dict[str, str] = {
    "100": Ethnicity.ASIAN_BANGLADESHI,
    "101": Ethnicity.ASIAN_CHINESE,
    "103": Ethnicity.ASIAN_INDIAN,
    "104": Ethnicity.ASIAN_PAKISTANI,
    "119": Ethnicity.ASIAN_OTHER,
    "120": Ethnicity.BLACK_AFRICAN,
    "121": Ethnicity.BLACK_CARIBBEAN,
    "139": Ethnicity.BLACK_OTHER,
    "140": Ethnicity.MIXED_WHITE_ASIAN,
    "141": Ethnicity.MIXED_WHITE_BLACK_AFRICAN,
    "142": Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN,
    "159": Ethnicity.MIXED_OTHER,
    "160": Ethnicity.WHITE_BRITISH,
    "163": Ethnicity.WHITE_GYPSY_IRISH_TRAVELLER,
    "166": Ethnicity.WHITE_IRISH,
    "168": Ethnicity.WHITE_ROMA,
    "179": Ethnicity.WHITE_OTHER,
    "180": Ethnicity.OTHER_ARAB,
    "899": Ethnicity.OTHER_ANY,
    "997": Ethnicity.NOT_KNOWN,
    "998": Ethnicity.PREFER_NOT_TO_SAY,
    "999": Ethnicity.NOT_KNOWN,
    "10": Ethnicity.WHITE_BRITISH,
    "15": Ethnicity.WHITE_GYPSY_IRISH_TRAVELLER,
    "21": Ethnicity.BLACK_CARIBBEAN,
    "22": Ethnicity.BLACK_AFRICAN,
    "29": Ethnicity.BLACK_OTHER,
    "31": Ethnicity.ASIAN_INDIAN,
    "32": Ethnicity.ASIAN_PAKISTANI,
    "33": Ethnicity.ASIAN_BANGLADESHI,
    "34": Ethnicity.ASIAN_CHINESE,
    "39": Ethnicity.ASIAN_OTHER,
    "41": Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN,
    "42": Ethnicity.MIXED_WHITE_BLACK_AFRICAN,
    "43": Ethnicity.MIXED_WHITE_ASIAN,
    "49": Ethnicity.MIXED_OTHER,
    "50": Ethnicity.OTHER_ARAB,
    "80": Ethnicity.OTHER_ANY,
    "90": Ethnicity.NOT_KNOWN,
    "98": Ethnicity.PREFER_NOT_TO_SAY,
    **{str(choice.value): str(choice.value) for choice in Ethnicity},
    **{str(choice.label).casefold(): str(choice.value) for choice in Ethnicity},
}

# HESA DISABLE (Student record) and DISABILITY (Data Futures): any impairment, condition or
# learning difference is "disabled"; none known is not; refused or not available records nothing.
DISABILITY_CODES: dict[str, str] = {
    **_YES_NO,
    "00": "no",
    "95": "no",
    **dict.fromkeys(("08", "51", "53", "54", "55", "56", "57", "58", "59", "96"), "yes"),
    "97": NOT_RECORDED,
    "98": NOT_RECORDED,
    "99": NOT_RECORDED,
}
# HESA CARELEAVER: care leaver (or care experienced) codes 01, 02 and 04; not, 03 and 05.
CARE_LEAVER_CODES: dict[str, str] = {
    **_YES_NO,
    **dict.fromkeys(("01", "02", "04"), "yes"),
    **dict.fromkeys(("03", "05"), "no"),
    "98": NOT_RECORDED,
    "99": NOT_RECORDED,
}
# HESA PARED asks whether a parent holds a higher-education qualification: "yes" (01) means the
# student is NOT first in their family.
PARENTAL_EDUCATION_CODES: dict[str, str] = {
    "01": "no",
    "02": "yes",
    "03": NOT_RECORDED,
    "04": NOT_RECORDED,
    "99": NOT_RECORDED,
}

MODE_CODES: dict[str, str] = {
    "01": StudyMode.FULL_TIME,  # HESA MODE
    "02": StudyMode.FULL_TIME,
    "23": StudyMode.SANDWICH,
    "24": StudyMode.SANDWICH,
    "31": StudyMode.PART_TIME,
    "ft": StudyMode.FULL_TIME,
    "full time": StudyMode.FULL_TIME,
    "full-time": StudyMode.FULL_TIME,
    "pt": StudyMode.PART_TIME,
    "part time": StudyMode.PART_TIME,
    "part-time": StudyMode.PART_TIME,
    "sw": StudyMode.SANDWICH,
    "sandwich": StudyMode.SANDWICH,
    **{str(choice.value): str(choice.value) for choice in StudyMode},
}
LEVEL_CODES: dict[str, str] = {
    "fd": StudyLevel.FOUNDATION,
    "foundation": StudyLevel.FOUNDATION,
    "foundation year": StudyLevel.FOUNDATION,
    "ug": StudyLevel.UNDERGRADUATE,
    "undergraduate": StudyLevel.UNDERGRADUATE,
    "pg": StudyLevel.POSTGRADUATE,
    "pgt": StudyLevel.POSTGRADUATE,
    "pgr": StudyLevel.POSTGRADUATE,
    "postgraduate": StudyLevel.POSTGRADUATE,
    "postgraduate taught": StudyLevel.POSTGRADUATE,
    "postgraduate research": StudyLevel.POSTGRADUATE,
    "da": StudyLevel.DEGREE_APPRENTICESHIP,
    "degree apprenticeship": StudyLevel.DEGREE_APPRENTICESHIP,
    **{str(choice.value): str(choice.value) for choice in StudyLevel},
}
# Entry route: the route's words, its value, or a common short form. HESA's QUALENT3 (highest
# qualification on entry) is not read: a qualification is not the route ("P50" A levels may come
# with a foundation year), so a file gives the route in a column of its own.
ENTRY_ROUTE_CODES: dict[str, str] = {
    **{str(choice.value): str(choice.value) for choice in EntryRoute},
    **{str(choice.label).casefold(): str(choice.value) for choice in EntryRoute},
    "a level": EntryRoute.A_LEVELS,
    "a-levels": EntryRoute.A_LEVELS,
    "a-level": EntryRoute.A_LEVELS,
    "btec": EntryRoute.VOCATIONAL,
    "vocational": EntryRoute.VOCATIONAL,
    "btec/vocational": EntryRoute.VOCATIONAL,
    "t level": EntryRoute.VOCATIONAL,
    "t levels": EntryRoute.VOCATIONAL,
    "access": EntryRoute.ACCESS_TO_HE,
    "access to he": EntryRoute.ACCESS_TO_HE,
    "foundation": EntryRoute.FOUNDATION_YEAR,
    "apprenticeship": EntryRoute.DEGREE_APPRENTICESHIP,
    "international": EntryRoute.INTERNATIONAL,
    "ib": EntryRoute.INTERNATIONAL,
    "other": EntryRoute.OTHER,
    "not known": NOT_RECORDED,
    "unknown": NOT_RECORDED,
}
STATUS_CODES: dict[str, str] = {
    **{str(choice.value): str(choice.value) for choice in StudentStatus},
    **{str(choice.label).casefold(): str(choice.value) for choice in StudentStatus},
    "app": StudentStatus.APPLICANT,
    "offer": StudentStatus.OFFER_HOLDER,
    "c": StudentStatus.ENROLLED,  # SITS "current"
    "current": StudentStatus.ENROLLED,
    "registered": StudentStatus.ENROLLED,
    "active": StudentStatus.ENROLLED,
    "i": StudentStatus.INTERRUPTED,
    "suspended": StudentStatus.INTERRUPTED,
    "intermitted": StudentStatus.INTERRUPTED,
    "w": StudentStatus.WITHDRAWN,
    "left": StudentStatus.WITHDRAWN,
    "completed": StudentStatus.COMPLETED,
    "g": StudentStatus.GRADUATED,
    "awarded": StudentStatus.GRADUATED,
}
INCOME_CODES: dict[str, str] = {
    **{str(choice.value): str(choice.value) for choice in IncomeBand},
    **{str(choice.label).casefold(): str(choice.value) for choice in IncomeBand},
    "0-25000": IncomeBand.UP_TO_25000,
    "up to 25000": IncomeBand.UP_TO_25000,
    "25001-42875": IncomeBand.UP_TO_42875,
    "42876+": IncomeBand.ABOVE_42875,
    "above 42875": IncomeBand.ABOVE_42875,
}

# kind → (codes, what to write instead)
CODES: dict[str, tuple[dict[str, str], str]] = {
    "yes_no": (_YES_NO, "is not yes or no: write Y or N (or leave it empty)."),
    "sex": (SEX_CODES, "is not a sex Widen records: write F or M, or a HESA SEXID code (10, 11)."),
    "ethnicity": (
        ETHNICITY_CODES,
        "is not an ethnicity Widen knows: use a HESA ETHNIC code (such as 160) or an ONS 2021 "
        "category.",
    ),
    "disability": (
        DISABILITY_CODES,
        "is not a disability answer: write Y or N, or a HESA DISABLE code (such as 00 or 51).",
    ),
    "care_leaver": (
        CARE_LEAVER_CODES,
        "is not a care leaver answer: write Y or N, or a HESA CARELEAVER code (01 or 03).",
    ),
    "parental_education": (
        PARENTAL_EDUCATION_CODES,
        "is not a HESA PARED code: 01 (a parent has a degree) or 02 (no parent has one).",
    ),
    "mode": (MODE_CODES, "is not a mode of study: write full-time, part-time or sandwich."),
    "level": (
        LEVEL_CODES,
        "is not a level of study: write foundation, undergraduate, postgraduate or degree "
        "apprenticeship.",
    ),
    "entry_route": (
        ENTRY_ROUTE_CODES,
        "is not an entry route: write A levels, BTEC, Access to HE, foundation year, degree "
        "apprenticeship, international or other.",
    ),
    "status": (
        STATUS_CODES,
        "is not a student status: write applicant, offer holder, enrolled, interrupted, "
        "withdrawn, completed or graduated.",
    ),
    "income": (
        INCOME_CODES,
        "is not a household income band: write up to £25,000, £25,001 to £42,875, above "
        "£42,875 or not assessed.",
    ),
}

STUDENT_COLUMNS: tuple[StudentColumn, ...] = (
    StudentColumn(
        "student_number",
        "student number",
        "reference",
        ("Student number", "Student ID", "Student no", "STU_CODE", "SPR_CODE", "OWNSTU"),
        max_length=20,
    ),
    StudentColumn(
        "first_name",
        "first name",
        "name",
        ("First name", "Forename", "Forenames", "Given name", "STU_FNM1", "FNAMES", "FORENAMES"),
    ),
    StudentColumn(
        "last_name", "last name", "name", ("Last name", "Surname", "Family name", "STU_SURN")
    ),
    StudentColumn(
        "preferred_name",
        "preferred name",
        "name",
        ("Preferred name", "Known as", "Chosen name", "STU_FUSD", "STU_KNOW", "PREFNAME"),
    ),
    StudentColumn(
        "date_of_birth",
        "date of birth",
        "birth_date",
        ("Date of birth", "DOB", "Birth date", "STU_DOB", "BIRTHDTE"),
        max_length=30,
    ),
    StudentColumn(
        "email",
        "contact e-mail",
        "email",
        ("E-mail", "Email", "Contact e-mail", "Email address", "STU_CAEM", "STU_INEM", "NETID"),
        max_length=254,
    ),
    StudentColumn(
        "phone",
        "phone",
        "phone",
        ("Phone", "Mobile", "Telephone", "Phone number", "STU_CAT1", "STU_HAT1"),
        max_length=30,
    ),
    StudentColumn(
        "home_postcode",
        "home postcode",
        "postcode",
        ("Home postcode", "Postcode", "Permanent postcode", "STU_HAPC", "POSTCODE"),
        max_length=20,
    ),
    StudentColumn(
        "term_postcode",
        "term-time postcode",
        "postcode",
        ("Term-time postcode", "Term postcode", "STU_CAPC", "TTPCODE"),
        max_length=20,
    ),
    StudentColumn("uln", "ULN", "uln", ("ULN", "Unique Learner Number", "STU_ULN"), max_length=10),
    StudentColumn(
        "course",
        "course",
        "text",
        ("Course", "Course name", "Programme", "Course title", "CRS_NAME", "COURSETITLE"),
        max_length=200,
    ),
    StudentColumn(
        "level",
        "level",
        "level",
        ("Level", "Level of study", "Study level", "CRS_LEVEL"),
        max_length=40,
    ),
    StudentColumn(
        "mode", "mode", "mode", ("Mode", "Mode of study", "SCE_MOAC", "MODE"), max_length=30
    ),
    StudentColumn(
        "entry_route",
        "entry route",
        "entry_route",
        ("Entry route", "Route of entry", "Entry qualification route", "Route into HE"),
        max_length=60,
    ),
    StudentColumn(
        "year_of_study",
        "year of study",
        "year",
        ("Year of study", "Year", "Study year", "SCE_BLOK", "YEARPRG", "YEARSTU"),
        max_length=10,
    ),
    StudentColumn(
        "starts_on",
        "course start",
        "date",
        ("Course start", "Start date", "SCJ_BEGD", "COMDATE", "ENGSTARTDATE"),
        max_length=30,
    ),
    StudentColumn(
        "expected_end_on",
        "expected end",
        "date",
        ("Expected end", "Expected end date", "End date", "SCJ_EEND", "EXPECTEDENDDATE"),
        max_length=30,
    ),
    StudentColumn(
        "status", "status", "status", ("Status", "Student status", "SCE_STAC", "SCJ_STAC")
    ),
    StudentColumn(
        STATUS_DATE,
        "status date",
        "date",
        ("Status date", "Status since", "Status from", "SCE_STAD"),
        max_length=30,
    ),
    StudentColumn("sex", "sex", "sex", ("Sex", "Legal sex", "Gender", "STU_GEND", "SEXID")),
    StudentColumn(
        "ethnicity",
        "ethnicity",
        "ethnicity",
        ("Ethnicity", "Ethnic group", "STU_ETHC", "ETHNIC"),
        max_length=120,
    ),
    StudentColumn(
        "disabled",
        "disabled",
        "disability",
        ("Disabled", "Disability", "STU_DSBC", "DISABLE", "DISABILITY"),
    ),
    StudentColumn(
        "care_experienced",
        "care experienced",
        "care_leaver",
        ("Care experienced", "Care leaver", "CARELEAVER"),
    ),
    StudentColumn("estranged", "estranged", "yes_no", ("Estranged", "Estranged student")),
    StudentColumn(
        "young_adult_carer",
        "young adult carer",
        "yes_no",
        ("Young adult carer", "Carer", "Young carer"),
    ),
    StudentColumn(
        "first_in_family",
        "first in family",
        "yes_no",
        ("First in family", "First in family to go to HE", "First generation"),
    ),
    StudentColumn(
        "first_in_family_pared",
        "first in family",
        "parental_education",
        ("PARED", "Parental education"),
    ),
    StudentColumn(
        "household_income_band",
        "household income band",
        "income",
        ("Household income band", "Household income", "Income band"),
    ),
    StudentColumn(
        "free_school_meals",
        "free school meals at school",
        "yes_no",
        ("Free school meals", "FSM", "Free school meals at school"),
    ),
    StudentColumn(
        "student_visa",
        "Student visa",
        "yes_no",
        ("Student visa", "Holds a Student visa", "Visa", "Tier 4"),
    ),
)
COLUMNS_BY_FIELD: dict[str, StudentColumn] = {column.field: column for column in STUDENT_COLUMNS}
# A column that gives the same field as another (PARED gives first in family, inverted).
STORED_AS: dict[str, str] = {"first_in_family_pared": "first_in_family"}
_FIELD_BY_HEADING: dict[str, str] = {
    heading_key(heading): column.field
    for column in STUDENT_COLUMNS
    for heading in (column.label, *column.headings)
}


def field_of_heading(heading: str) -> str | None:
    return _FIELD_BY_HEADING.get(heading_key(heading))


def stored_field(field: str) -> str:
    return STORED_AS.get(field, field)


def looks_like_student_header(cells: Sequence[str]) -> bool:
    """A row naming at least two columns we know is the header (title lines are skipped)."""
    return sum(1 for cell in cells if cell and field_of_heading(cell)) >= 2
