"""A provider's term and vacation dates: kept per academic year, never overlapping, and the
term-time weeks later hour caps count."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import signed_in_client
from tests.students.records import DEMO
from widen.accounts.models import Role
from widen.audit.models import AuditEvent
from widen.core.exceptions import ApplicationError, NotFound
from widen.students.models import TermDates
from widen.students.selectors import is_term_week, term_days, term_weeks
from widen.students.services import term_dates_delete, term_dates_save
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def autumn(world: World, **overrides: object) -> TermDates:
    values: dict[str, object] = {
        "academic_year": "2025/26",
        "name": "Autumn term",
        "starts_on": date(2025, 9, 22),
        "ends_on": date(2025, 12, 12),
    }
    values.update(overrides)
    return term_dates_save(actor=DEMO, organisation=world.alpha, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"name": "Spring term", "starts_on": date(2025, 12, 1), "ends_on": date(2026, 3, 20)},
            "These dates overlap Autumn term 2025/26 (22 September 2025 to 12 December 2025): "
            "a day is in one term at most.",
        ),
        (
            {"name": "Spring term", "starts_on": date(2026, 3, 20), "ends_on": date(2026, 1, 12)},
            "The term must end on or after the day it starts.",
        ),
        ({"name": "autumn TERM", "starts_on": date(2026, 1, 12)}, None),
        (
            {"academic_year": "2025-26", "name": "Spring term"},
            "Give the academic year as its two years, like 2026/27.",
        ),
        (
            {"name": "Summer", "starts_on": date(2026, 7, 1), "ends_on": date(2026, 8, 14)},
            "A term of 2025/26 falls between 1 August 2025 and 31 July 2026.",
        ),
        ({"name": "  "}, "Give the term a name, like Autumn term."),
    ],
)
def test_a_term_that_does_not_fit_is_refused(
    world: World, overrides: dict[str, object], message: str | None
) -> None:
    autumn(world)
    values: dict[str, object] = {"ends_on": date(2026, 3, 20), **overrides}
    with pytest.raises(ApplicationError) as refused:
        autumn(world, **values)
    expected = message or "Alpha University already has a term called Autumn term in 2025/26."
    assert refused.value.message == expected
    assert TermDates.objects.count() == 1


def test_terms_are_added_changed_and_removed_on_their_page(world: World) -> None:
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    base = f"/students/providers/{world.alpha.id}/terms/"
    added = officer.post(
        f"{base}new/",
        {
            "academic_year": "2025/26",
            "name": "Autumn term",
            "starts_on": "2025-09-22",
            "ends_on": "2025-12-12",
        },
    )
    assert added.status_code == 302
    term = TermDates.objects.get()
    assert AuditEvent.objects.filter(object_type="students.termdates", action="create").exists()
    overlapping = officer.post(
        f"{base}new/",
        {
            "academic_year": "2025/26",
            "name": "Spring term",
            "starts_on": "2025-12-08",
            "ends_on": "2026-03-20",
        },
    )
    assert overlapping.status_code == 200
    page = overlapping.content.decode()
    assert "These dates overlap Autumn term 2025/26" in page
    assert 'value="Spring term"' in page
    changed = officer.post(
        f"/students/terms/{term.id}/edit/",
        {
            "academic_year": "2025/26",
            "name": "Michaelmas term",
            "starts_on": "2025-09-29",
            "ends_on": "2025-12-12",
        },
    )
    assert changed.status_code == 302
    term.refresh_from_db()
    assert (term.name, term.starts_on) == ("Michaelmas term", date(2025, 9, 29))
    listed = officer.get(base).content.decode()
    assert "Michaelmas term" in listed
    assert "Mon 29 Sep 2025" in listed
    officer.post(f"/students/terms/{term.id}/delete/")
    assert not TermDates.objects.exists()


def test_only_the_providers_managers_change_its_terms(world: World) -> None:
    term = autumn(world)
    read_only = signed_in_client(world.users[Role.READ_ONLY])
    page = read_only.get(f"/students/providers/{world.alpha.id}/terms/").content.decode()
    assert "Autumn term" in page
    assert "Add a term" not in page
    assert read_only.post(f"/students/terms/{term.id}/delete/").status_code == 404
    with pytest.raises(NotFound):
        term_dates_delete(actor=world.users[Role.READ_ONLY], term=term)
    with pytest.raises(NotFound):
        term_dates_save(
            actor=world.users[Role.OUTREACH_OFFICER],
            organisation=world.beta,
            academic_year="2025/26",
            name="Autumn term",
            starts_on=date(2025, 9, 22),
            ends_on=date(2025, 12, 12),
        )
    assert TermDates.objects.count() == 1


def test_term_weeks_for_hour_caps(world: World) -> None:
    # Autumn term from Wednesday 24 September to Friday 12 December 2025.
    autumn(world, starts_on=date(2025, 9, 24))
    weeks = term_weeks(
        organisation=world.alpha, starts_on=date(2025, 9, 1), ends_on=date(2026, 1, 4)
    )
    # A week part in term (Monday 22 September) counts; the vacation weeks around do not.
    assert min(weeks) == date(2025, 9, 22)
    assert max(weeks) == date(2025, 12, 8)
    assert date(2025, 9, 15) not in weeks
    assert date(2025, 12, 15) not in weeks
    assert len(weeks) == 12
    assert is_term_week(organisation=world.alpha, day=date(2025, 9, 21)) is False  # a Sunday
    assert is_term_week(organisation=world.alpha, day=date(2025, 9, 22)) is True
    days = term_days(
        organisation=world.alpha, starts_on=date(2025, 12, 10), ends_on=date(2025, 12, 20)
    )
    assert days == {date(2025, 12, 10), date(2025, 12, 11), date(2025, 12, 12)}
    # Another provider's terms are its own.
    assert not term_weeks(
        organisation=world.beta, starts_on=date(2025, 9, 1), ends_on=date(2026, 1, 4)
    )
