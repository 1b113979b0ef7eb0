"""The demo partnership's organisations (real HE providers and schools, invented charities), the
partnership they make and its data-sharing agreements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from widen.core.academic_years import AcademicYear
from widen.demo.geography import SchoolRow
from widen.organisations.models import (
    DataSharingAgreement,
    LawfulBasis,
    Organisation,
    OrganisationType,
    Partnership,
    PartnershipMember,
    SpecialCategoryCondition,
)

PARTNERSHIP_NAME = "East London Uni Connect"
EQUALITY_OF_OPPORTUNITY = SpecialCategoryCondition.SUBSTANTIAL_PUBLIC_INTEREST_EQUALITY

QMUL = "Queen Mary University of London"
UEL = "University of East London"
CITY = "City, University of London"
LSE = "London School of Economics and Political Science"
LSE_UKPRN = "10004063"
NEXT_STEPS = "Next Steps East London"
NEWHAM = "London Borough of Newham"

# Name, UKPRN and the postcode of the main campus.
HE_PROVIDERS: tuple[tuple[str, str, str], ...] = (
    (QMUL, "10007775", "E1 4NS"),
    (UEL, "10007789", "E16 2RD"),
    (CITY, "10001478", "EC1V 0HB"),
    (LSE, LSE_UKPRN, "WC2A 2AE"),
    ("Birkbeck, University of London", "10007760", "WC1E 7HX"),
    ("Goldsmiths, University of London", "10002718", "SE14 6NW"),
    ("London Metropolitan University", "10004048", "N7 8DB"),
    ("Middlesex University", "10004351", "NW4 4BT"),
)
CHARITIES: tuple[str, ...] = (
    NEXT_STEPS,
    "First Generation Futures",
    "Bright Horizons Mentoring Trust",
)


def _create_organisations(*, schools: Sequence[SchoolRow]) -> dict[str, Organisation]:
    """Every member organisation: schools by URN, the others by name."""
    rows = [
        Organisation(
            name=name,
            organisation_type=OrganisationType.HE_PROVIDER,
            ukprn=ukprn,
            postcode=postcode,
        )
        for name, ukprn, postcode in HE_PROVIDERS
    ]
    rows += [
        Organisation(
            name=school.name,
            organisation_type=OrganisationType.SCHOOL,
            urn=school.urn,
            phase=school.phase,
            establishment_type=school.establishment_type,
            local_authority=school.la_name,
            postcode=school.postcode,
            percentage_fsm=school.percentage_fsm,
        )
        for school in schools
    ]
    rows += [
        Organisation(name=name, organisation_type=OrganisationType.CHARITY) for name in CHARITIES
    ]
    rows.append(
        Organisation(
            name=NEWHAM,
            organisation_type=OrganisationType.LOCAL_AUTHORITY,
            local_authority="Newham",
            postcode="E16 2QU",
        )
    )
    created = Organisation.objects.bulk_create(rows)
    return {organisation.urn or organisation.name: organisation for organisation in created}


def _create_agreements(
    *,
    partnership: Partnership,
    organisations: dict[str, Organisation],
    starts_on: date,
    progression_ends_on: date,
) -> None:
    core = DataSharingAgreement.objects.create(
        partnership=partnership,
        title="Core outreach data-sharing agreement",
        shares_identity=True,
        shares_characteristics=True,
        shares_special_category=True,
        purpose=(
            "To plan, deliver and evaluate sustained and progressive outreach for learners in "
            "Years 9 to 13 in East London, and to report on it to the Office for Students."
        ),
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        special_category_condition=EQUALITY_OF_OPPORTUNITY,
        starts_on=starts_on,
    )
    core.parties.set(
        [organisations[QMUL], organisations[UEL], organisations[NEWHAM]]
        + [organisations[charity] for charity in CHARITIES]
    )
    progression = DataSharingAgreement.objects.create(
        partnership=partnership,
        title="Progression tracking agreement",
        shares_identity=True,
        shares_characteristics=True,
        shares_special_category=False,
        covers_students=True,
        purpose=(
            "To follow the progression of learners who took part in outreach into further and "
            "higher education, and of the students they become."
        ),
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        starts_on=starts_on,
        ends_on=progression_ends_on,
    )
    progression.parties.set([organisations[QMUL], organisations[CITY]])


def demo_partnership_create(
    *, schools: Sequence[SchoolRow], academic_year: AcademicYear
) -> dict[str, Organisation]:
    """The partnership, led by QMUL, with every member organisation (returned: schools by URN,
    the others by name) and its agreements, all from the start of the last academic year."""
    agreements_start = AcademicYear(academic_year.start_year - 1).starts_on
    organisations = _create_organisations(schools=schools)
    partnership = Partnership.objects.create(
        name=PARTNERSHIP_NAME, lead_organisation=organisations[QMUL]
    )
    PartnershipMember.objects.bulk_create(
        PartnershipMember(
            partnership=partnership, organisation=organisation, joined_on=agreements_start
        )
        for organisation in organisations.values()
    )
    _create_agreements(
        partnership=partnership,
        organisations=organisations,
        starts_on=agreements_start,
        progression_ends_on=academic_year.ends_on,
    )
    return organisations


def agreement_describe(agreement: DataSharingAgreement) -> str:
    shared = [
        label
        for label, on in (
            ("identity", agreement.shares_identity),
            ("characteristics", agreement.shares_characteristics),
            ("special category", agreement.shares_special_category),
        )
        if on
    ]
    categories = ", ".join(shared[:-1]) + " and " + shared[-1] if len(shared) > 1 else shared[0]
    parties = "; ".join(sorted(party.name for party in agreement.parties.all()))
    until = f" to {_long_date(agreement.ends_on)}" if agreement.ends_on else ""
    whose = "learners' and students'" if agreement.covers_students else "learners'"
    return (
        f"{agreement.title} (from {_long_date(agreement.starts_on)}{until}): shares {whose} "
        f"{categories} between {parties}"
    )


def _long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
