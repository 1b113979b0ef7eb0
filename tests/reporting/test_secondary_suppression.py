"""Secondary suppression: a "fewer than 5" row cannot be worked out by subtracting the rows
shown from the total, on the dashboard page, in its CSV downloads or in its chart data."""

from __future__ import annotations

import csv
import io
import itertools
import re

import pytest
from django.urls import reverse

from conftest import signed_in_client
from tests.reporting.conftest import Delivery
from widen.accounts.models import Role
from widen.core.small_numbers import SMALL_COUNT, complementary_suppression
from widen.organisations.models import Organisation, OrganisationType
from widen.reporting.selectors import reach
from widen.testing.delivery import alpha_pupil, attend
from widen.testing.pupil_lists import in_letters

pytestmark = pytest.mark.django_db


def _feasible_values(total: int, rows: list[tuple[str, str]]) -> dict[str, set[int]]:
    """Every value each hidden row could hold, given the total and the rows shown (an attacker's
    view): 'fewer than 5' is 1 to 4, 'not shown' is 5 or more; the hidden rows add up to the
    total less the rows shown."""
    shown = sum(int(learners.replace(",", "")) for _, learners in rows if learners.isdigit())
    hidden = [(label, learners) for label, learners in rows if not learners.isdigit()]
    remainder = total - shown
    ranges = [
        range(1, SMALL_COUNT)
        if text == f"fewer than {SMALL_COUNT}"
        else range(SMALL_COUNT, remainder + 1)
        for _, text in hidden
    ]
    feasible: dict[str, set[int]] = {label: set() for label, _ in hidden}
    for values in itertools.product(*ranges):
        if sum(values) == remainder:
            for (label, _), value in zip(hidden, values, strict=True):
                feasible[label].add(value)
    return feasible


def _schools(delivery: Delivery, sizes: dict[str, int]) -> None:
    world = delivery.world
    for name, size in sizes.items():
        school = Organisation.objects.create(name=name, organisation_type=OrganisationType.SCHOOL)
        learners = [
            alpha_pupil(
                world, f"Pupil{in_letters(number)}", last_name=name.split()[0], school=school
            )
            for number in range(size)
        ]
        attend(delivery.sessions[0], learners)


@pytest.mark.parametrize(
    "sizes",
    [
        {"Bigley Academy": 12, "Middleton School": 7, "Smallwood School": 2},
        {"Bigley Academy": 30, "Middleton School": 5, "Smallwood School": 1},
        {"Bigley Academy": 9, "Middleton School": 6, "Smallwood School": 4, "Tiny School": 3},
        {"Bigley Academy": 8, "Smallwood School": 1},
    ],
)
def test_no_small_school_can_be_worked_out_from_the_csv_and_the_total(
    delivery: Delivery, sizes: dict[str, int]
) -> None:
    _schools(delivery, sizes)
    client = signed_in_client(delivery.world.users[Role.OUTREACH_OFFICER])
    url = reverse("reporting:dashboard", args=[delivery.world.north.pk])
    page = client.get(url).content.decode()
    total = int(re.search(r"<dt>Learners engaged</dt><dd>([\d,]+)</dd>", page)[1].replace(",", ""))  # type: ignore[index]
    download = client.get(url, {"format": "csv", "table": "schools"})
    content = b"".join(download.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    rows = [(row[0], row[1]) for row in list(csv.reader(io.StringIO(content)))[1:]]
    feasible = _feasible_values(total, rows)
    small = [name for name, size in sizes.items() if size < SMALL_COUNT]
    assert set(small) <= set(feasible), "every small school is hidden"
    for label, values in feasible.items():
        assert len(values) >= 2, f"{label} can be worked out: {values}"
    # The page's table and its chart show the same: nothing more than the CSV.
    for label, learners in rows:
        if not learners.isdigit():
            cell = re.search(rf'<th scope="row">{label}</th><td>([^<]*)</td>', page)
            assert cell is not None
            assert cell[1] == learners
    chart_rows = {row.label: row.suppressed for row in reach(delivery.world.north).schools}
    assert {label for label, hidden in chart_rows.items() if hidden} == set(feasible)


def test_before_any_withholding_the_attack_works() -> None:
    """The check above can fail: with only the small row hidden it is pinned exactly."""
    assert _feasible_values(
        21, [("Bigley", "12"), ("Middleton", "7"), ("Smallwood", "fewer than 5")]
    ) == {"Smallwood": {2}}


def test_hidden_rows_are_listed_last_in_name_order_so_their_place_says_nothing(
    delivery: Delivery,
) -> None:
    _schools(delivery, {"Aardvark School": 40, "Zebra School": 6, "Beech School": 2})
    labels = [row.label for row in reach(delivery.world.north).schools]
    assert labels[-2:] == ["Beech School", "Zebra School"]


@pytest.mark.parametrize(
    "counts",
    [[12, 7, 2], [30, 5, 1], [9, 6, 4, 3], [8, 1], [5, 5, 5, 1], [100, 50, 6, 1, 1], [3, 2]],
)
def test_complementary_suppression_leaves_every_hidden_row_uncertain(counts: list[int]) -> None:
    withheld, safe = complementary_suppression(counts)
    rows = [
        (
            str(index),
            "not shown"
            if index in withheld
            else (f"fewer than {SMALL_COUNT}" if 0 < count < SMALL_COUNT else str(count)),
        )
        for index, count in enumerate(counts)
    ]
    feasible = _feasible_values(sum(counts), rows)
    pinned = {label: values for label, values in feasible.items() if len(values) < 2}
    if safe:
        assert not pinned, (counts, pinned)
    else:
        # Not protectable: every row is hidden, and the total is then withheld too.
        assert len(withheld) + sum(0 < c < SMALL_COUNT for c in counts) == len(counts)


def test_a_table_that_cannot_be_protected_withholds_the_total(delivery: Delivery) -> None:
    """Two schools: 5 and 1 learners. Hiding both still gives them away with the total, so the
    total is not shown either."""
    _schools(delivery, {"Bigley Academy": 5, "Smallwood School": 1})
    figures = reach(delivery.world.north)
    assert all(row.suppressed for row in figures.schools)
    assert figures.total.learners_text == "not shown"
