"""A student's entry route (A levels, BTEC, Access to HE…) read from a student record export."""

from __future__ import annotations

import pytest

from tests.students.imports.test_student_import import check, commit, csv_file, problems_of
from widen.core.exceptions import ApplicationError
from widen.students.models import EntryRoute, Student
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def test_entry_routes_are_read_from_their_words_and_short_forms(world: World) -> None:
    rows = [
        ["Student number", "First name", "Last name", "Entry route"],
        ["E1", "Ann", "Lee", "A levels"],
        ["E2", "Bo", "Ng", "BTEC"],
        ["E3", "Cy", "Ola", "access to HE"],
        ["E4", "Di", "Roy", "Foundation year"],
        ["E5", "Ed", "Poe", ""],
    ]
    commit(world, csv_file(rows))
    routes = dict(Student.objects.values_list("student_number", "entry_route"))
    assert routes == {
        "E1": EntryRoute.A_LEVELS,
        "E2": EntryRoute.VOCATIONAL,
        "E3": EntryRoute.ACCESS_TO_HE,
        "E4": EntryRoute.FOUNDATION_YEAR,
        "E5": "",
    }


def test_an_empty_or_unknown_route_keeps_what_is_held(world: World) -> None:
    header = ["Student number", "First name", "Last name", "Route of entry"]
    commit(world, csv_file([header, ["E1", "Ann", "Lee", "Degree apprenticeship"]]))
    with pytest.raises(ApplicationError, match="already holds what this file says"):
        commit(world, csv_file([header, ["E1", "Ann", "Lee", "not known"]]), name="again.csv")
    assert Student.objects.get(student_number="E1").entry_route == (
        EntryRoute.DEGREE_APPRENTICESHIP
    )


def test_a_route_widen_does_not_know_is_reported_with_what_to_write(world: World) -> None:
    rows = [
        ["Student number", "First name", "Last name", "Entry route"],
        ["E1", "Ann", "Lee", "clearing"],
    ]
    report = check(world, csv_file(rows))
    [(row, column, reason)] = problems_of(report)
    assert (row, column) == (2, "Entry route")
    assert reason.startswith("'clearing' is not an entry route: write A levels")
