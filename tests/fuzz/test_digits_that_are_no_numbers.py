"""Characters Python calls digits but cannot read as a number ("²", "⑤") in the numbers pages and
files take (a year group, a count, an item's place): refused or ignored, never a server error.
Found by the scale-import fuzz run (a file of scale items with "²" as an item's place)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from conftest import signed_in_client
from tests.evaluation.support import activity_with_register
from widen.accounts.models import Role
from widen.core.tabular import Table
from widen.evaluation.imports import scale_table_check
from widen.programmes.models import Programme
from widen.testing.world import World

pytestmark = pytest.mark.django_db

NOT_NUMBERS = ["²", "⑤", "1²", "¹⁰"]


@pytest.mark.parametrize("digit", NOT_NUMBERS)
def test_pages_reading_a_number_from_a_query_or_a_form_never_fail(
    world: World, digit: str, record_property: Any
) -> None:
    client = signed_in_client(world.users[Role.PARTNERSHIP_ADMIN])
    session = activity_with_register(world)
    programme = Programme.objects.create(partnership=world.north, name="LPP")
    answers = [
        client.get(reverse("learners:list"), {"year_group": digit}),
        client.get(
            reverse("activities:progress", kwargs={"programme_id": programme.pk}),
            {"year": digit, "missing": digit},
        ),
        client.get(
            reverse("activities:register", kwargs={"session_id": session.pk}),
            {"year": digit, "filtered": "1"},
        ),
    ]
    record_property("bad_inputs_tried", len(answers))
    assert [answer.status_code for answer in answers] == [200, 200, 200]


@pytest.mark.parametrize("digit", NOT_NUMBERS)
def test_a_scale_items_place_that_is_no_number_is_a_problem_on_its_row(
    world: World, digit: str, record_property: Any
) -> None:
    table = Table(
        headers=["scale", "position", "text"],
        rows=[["Belonging", digit, "I feel I belong here."]],
        row_numbers=[2],
        file_format="csv",
    )
    checked = scale_table_check(table, world.north)
    record_property("bad_inputs_tried", 1)
    assert {"row": 2, "column": "position"}.items() <= checked.problems[0].items()
    assert checked.problems[0]["message"] == "Give the item's place as a whole number from 1."
