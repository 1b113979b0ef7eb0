"""Finding learners recorded twice: planted duplicates are found, twins never paired, and each
person's search and queue stay within the learners they may see by name."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import polars as pl
import pytest
from django.core.management import CommandError, call_command

from tests.dedup.conftest import MakeLearner, pending_pairs
from widen.accounts.models import Role, User
from widen.learners.duplicates.finding import COLUMNS, probable_duplicates
from widen.learners.duplicates.reviews import (
    duplicate_pair_list,
    duplicate_pair_reject,
    duplicates_find,
)
from widen.learners.models import DuplicateCandidate, DuplicateStatus
from widen.organisations.models import Organisation
from widen.testing.pupil_lists import valid_upn
from widen.testing.world import World

pytestmark = pytest.mark.django_db
UPN = valid_upn(316, 1)


def test_a_typo_in_a_name_is_found_with_what_agrees_and_differs(
    world: World, admin: User, make_learner: MakeLearner
) -> None:
    make_learner("Chidi", "Okonkwo", upn="")
    make_learner("Chidi", "Okonkow", postcode="E15 1DB")
    make_learner("Priya", "Raman", postcode="E6 2JJ")

    summary = duplicates_find(actor=admin, partnership=world.north)

    assert pending_pairs() == [("Chidi Okonkow", "Chidi Okonkwo")]
    assert summary.pairs_new == 1
    pair = DuplicateCandidate.objects.get()
    assert pair.match_probability > 0.9
    assert pair.reasons["first_name"] == "same"
    assert pair.reasons["last_name"] in {"nearly the same", "similar"}
    assert pair.reasons["date_of_birth"] == "same"
    assert pair.reasons["postcode"] == "same sector"
    assert pair.reasons["upn"] == "missing"


def test_the_same_child_recorded_by_two_schools_is_found(
    world: World, admin: User, make_learner: MakeLearner, second_school: Organisation
) -> None:
    make_learner("Oliwia", "Nowak", postcode="E13 0AB")
    make_learner("Oliwia", "Nowak", postcode="E13 8QS", school=second_school)

    duplicates_find(actor=admin, partnership=world.north)

    assert pending_pairs() == [("Oliwia Nowak", "Oliwia Nowak")]
    assert DuplicateCandidate.objects.get().reasons["school_id"] == "different"


def test_a_short_first_name_and_a_missing_upn_are_found(
    world: World, admin: User, make_learner: MakeLearner
) -> None:
    make_learner("Thomas", "Whitfield", upn=UPN)
    make_learner("Tom", "Whitfield")

    duplicates_find(actor=admin, partnership=world.north)

    assert pending_pairs() == [("Thomas Whitfield", "Tom Whitfield")]


def test_the_same_upn_is_certain_even_when_everything_else_differs(
    world: World, admin_of_alpha_and_beta: User, make_learner: MakeLearner
) -> None:
    make_learner("Yusuf", "Ali", upn=UPN, postcode="E1 6AN")
    make_learner(
        "Joseph",
        "Allie",
        holder=world.beta,
        upn=UPN,
        postcode="N1 9GU",
        school=None,
        born=date(2010, 1, 1),
    )

    duplicates_find(actor=admin_of_alpha_and_beta, partnership=world.north)

    pair = DuplicateCandidate.objects.get()
    assert pair.match_probability == 1.0
    assert pair.reasons["upn"] == "same"


def test_twins_are_never_proposed(world: World, admin: User, make_learner: MakeLearner) -> None:
    # Same date of birth, address and school; first names close enough to score highly.
    make_learner("Hassan", "Begum", postcode="E15 3AB")
    make_learner("Hussain", "Begum", postcode="E15 3AB")
    make_learner("Amelia", "Clarke", postcode="E15 3AD")
    make_learner("Amelie", "Clarke", postcode="E15 3AD")

    summary = duplicates_find(actor=admin, partnership=world.north)

    assert pending_pairs() == []
    assert summary.twins_set_aside >= 2  # noqa: PLR2004 (and the world's own look-alikes)


def test_the_twin_rule_is_what_keeps_twins_apart() -> None:
    """Splink alone scores twins as the same child: the explicit rule after scoring removes
    them, and keeps the same child whose first name was shortened."""
    born = date(2011, 4, 9)
    frame = _frame(
        [
            ("1", "Hassan", "Begum", born, "E15 3AB", "s", None),
            ("2", "Hussain", "Begum", born, "E15 3AB", "s", None),
            ("3", "Jessica", "Moore", born, "E7 0AA", "s", None),
            ("4", "Jess", "Moore", born, "E7 0AA", "s", None),
        ]
    )

    search = probable_duplicates(frame)

    assert search.pairs_scored == 2  # both scored above the threshold: the Begums and Moores
    assert search.twins_set_aside == 1
    assert search.pairs.select("learner_one", "learner_two").rows() == [("3", "4")]


def test_the_same_upn_outweighs_a_first_name_that_differs() -> None:
    """Twins never share a UPN: the same UPN with a mistyped first name is one child. Without
    a UPN, two first names people are given (Karen, Karin) are twins, and a misspelling that
    is no one's name (Ktren) is the same child."""
    born = date(2010, 2, 23)
    frame = _frame(
        [
            ("1", "Jeffrey", "Connolly", born, "E6 2SQ", "s", UPN),
            ("2", "Jeflrey", "Connolly", born, "E6 2SQ", "s", UPN),
            ("3", "Karen", "Hodgson", born, "W4 4NB", "s", None),
            ("4", "Karin", "Hodgson", born, "W4 4NB", "s", None),
            ("5", "Sharon", "Whitely", born, "W5 5NB", "s", None),
            ("6", "Shraon", "Whitely", born, "W5 5NB", "s", None),
        ]
    )

    search = probable_duplicates(frame)

    assert search.pairs.select("learner_one", "learner_two").rows() == [("1", "2"), ("5", "6")]
    assert search.twins_set_aside == 1


def _frame(rows: list[tuple[object, ...]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=list(COLUMNS), orient="row")


def _found(frame: pl.DataFrame) -> set[tuple[str, str]]:
    return set(probable_duplicates(frame).pairs.select("learner_one", "learner_two").rows())


@pytest.mark.parametrize(
    ("full", "short"),
    [
        ("Jakub", "Kuba"),
        ("Isabella", "Bella"),
        ("Henry", "Harry"),
        ("Sophia", "Sophie"),
        ("Oliver", "Ollie"),
    ],
)
def test_short_forms_and_other_forms_of_a_first_name_are_found(full: str, short: str) -> None:
    """Another form of the name, a new home postcode and no school: still one child, and said
    so in words."""
    born = date(2011, 3, 14)
    frame = _frame(
        [
            ("1", full, "Kowalczyk", born, "E6 2SQ", "s", None),
            ("2", short, "Kowalczyk", born, "N4 1AA", None, None),
            ("3", "Priya", "Raman", date(2011, 5, 1), "E6 2JJ", "s", None),
        ]
    )

    search = probable_duplicates(frame)

    assert search.pairs.select("learner_one", "learner_two").rows() == [("1", "2")]
    assert search.pairs["first_name"].to_list() == ["another form of the name"]
    assert search.pairs["kind"].to_list() == ["name_variant"]


def test_a_family_that_moved_house_is_found_in_a_large_population() -> None:
    """Same name and date of birth, another postcode, no school given, among thousands of
    others (where the prior chance of a match is small)."""
    rows: list[tuple[object, ...]] = [
        (
            str(number),
            f"First{number}",
            f"Last{number}",
            date(2009, 1, 1) + timedelta(days=number % 1800),
            f"E{number % 20} {number % 9}AA",
            f"school-{number % 20}",
            None,
        )
        for number in range(3, 3000)
    ]
    rows += [
        ("1", "Maisie", "Harrington", date(2010, 6, 3), "LS6 2AB", "school-1", None),
        ("2", "Maisie", "Harrington", date(2010, 6, 3), "BD7 1DP", None, None),
    ]

    search = probable_duplicates(_frame(rows))

    assert ("1", "2") in set(search.pairs.select("learner_one", "learner_two").rows())
    assert search.kinds()["moved_house"] == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [("Siân", "Sian"), ("Zoë", "ZOE"), ("Łukasz", "Lukasz")],
)
def test_accents_are_folded_not_deleted(first: str, second: str) -> None:
    born = date(2012, 9, 30)
    frame = _frame(
        [
            ("1", first, "Müller", born, "CF10 1AA", "s", None),
            ("2", second, "Muller", born, "CF10 1AA", "s", None),
        ]
    )

    search = probable_duplicates(frame)

    assert search.pairs.select("learner_one", "learner_two").rows() == [("1", "2")]
    assert search.twins_set_aside == 0
    assert search.pairs["first_name"].to_list() == ["same"]


@pytest.mark.parametrize(
    "twist",
    ["day and month swapped", "another postcode", "no school or postcode", "all of these"],
)
def test_twins_are_never_proposed_whatever_else_differs(twist: str) -> None:
    born = date(2011, 4, 9)
    swapped = date(2011, 9, 4)
    second = {
        "day and month swapped": ("2", "Callum", "Reid", swapped, "G1 1AA", "s", None),
        "another postcode": ("2", "Callum", "Reid", born, "EH3 9ZZ", "s", None),
        "no school or postcode": ("2", "Callum", "Reid", born, None, None, None),
        "all of these": ("2", "Callum", "Reid", swapped, "EH3 9ZZ", None, None),
    }[twist]
    frame = _frame([("1", "Rebecca", "Reid", born, "G1 1AA", "s", None), second])

    assert _found(frame) == set()


def test_a_date_of_birth_mistyped_is_found_and_said_how() -> None:
    frame = _frame(
        [
            ("1", "Trevor", "Longbottom", date(2013, 8, 5), "E6 3AA", "s", None),
            ("2", "Trevor", "Longbottom", date(2013, 5, 8), "E6 3AA", "s", None),
            ("3", "Maryam", "Abubakar", date(2012, 3, 4), "E7 9AA", "s", None),
            ("4", "Maryam", "Abubakar", date(2012, 3, 17), "E7 9AA", "s", None),
        ]
    )

    search = probable_duplicates(frame)

    reasons = dict(search.pairs.select("learner_one", "date_of_birth").rows())
    assert reasons == {"1": "day and month swapped", "3": "within a month"}


@pytest.mark.parametrize("size", [0, 1, 2])
def test_tiny_populations_do_not_crash(size: int) -> None:
    people = [("Sam", "Okafor", "E1 6AN"), ("Ruby", "Lindqvist", "N7 8DB")]
    rows = [
        (str(i), first, last, date(2011, 1, 1) + timedelta(days=400 * i), postcode, None, None)
        for i, (first, last, postcode) in enumerate(people[:size])
    ]
    frame = _frame(rows)

    search = probable_duplicates(frame)

    assert search.learners_compared == size
    assert search.pairs.height == 0


def test_a_rejected_pair_is_not_proposed_again(
    world: World, admin: User, make_learner: MakeLearner
) -> None:
    make_learner("Kofi", "Mensah")
    make_learner("Kofi", "Mensah", postcode="E15 1DB")
    duplicates_find(actor=admin, partnership=world.north)
    pair = DuplicateCandidate.objects.get()

    duplicate_pair_reject(actor=admin, pair_id=pair.pk)
    summary = duplicates_find(actor=admin, partnership=world.north)

    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.REJECTED
    assert pair.decided_by == admin
    assert pair.decided_at is not None
    assert summary.pairs_already_decided == 1
    assert summary.pairs_new == 0
    assert pending_pairs() == []


def test_a_person_never_sees_a_pair_involving_a_learner_they_cannot_see(
    world: World, admin: User, admin_of_alpha_and_beta: User, make_learner: MakeLearner
) -> None:
    # Alpha's admin sees Beta's learners under the agreement, so the search compares them...
    make_learner("Grace", "Adeyemi")
    make_learner("Grace", "Adeyemi", holder=world.beta, postcode="E15 1DB")
    # ...but never Gamma's, in another partnership.
    make_learner("Grace", "Adeyemi", holder=world.gamma)
    duplicates_find(actor=admin, partnership=world.north)

    assert DuplicateCandidate.objects.count() == 1
    gamma_learner = world.gamma.learners.get(first_name="Grace")
    assert not DuplicateCandidate.objects.filter(learner_one_key=gamma_learner.pk).exists()
    assert not DuplicateCandidate.objects.filter(learner_two_key=gamma_learner.pk).exists()
    # Beta's record is not Alpha's admin's to merge away: only an admin of both decides.
    assert list(duplicate_pair_list(actor=admin)) == []
    assert duplicate_pair_list(actor=admin_of_alpha_and_beta).count() == 1
    for role in (Role.OUTREACH_OFFICER, Role.SCHOOL_STAFF, Role.EVALUATOR, Role.READ_ONLY):
        assert list(duplicate_pair_list(actor=world.users[role])) == []


def test_only_admins_look_for_duplicates(world: World) -> None:
    from widen.core.exceptions import ApplicationError  # noqa: PLC0415

    with pytest.raises(ApplicationError):
        duplicates_find(actor=world.users[Role.OUTREACH_OFFICER], partnership=world.north)
    with pytest.raises(ApplicationError):
        duplicates_find(actor=world.users[Role.PARTNERSHIP_ADMIN], partnership=world.south)


def test_the_command_fills_the_review_queue(
    world: World, admin: User, make_learner: MakeLearner
) -> None:
    make_learner("Zara", "Hussain")
    make_learner("Zarah", "Hussain", postcode="E15 1DB")
    out = StringIO()

    call_command("learners", "find-duplicates", "--user", admin.username, stdout=out)

    assert "North: compared" in out.getvalue()
    assert "1 probable duplicates (1 new" in out.getvalue()
    assert pending_pairs() == [("Zara Hussain", "Zarah Hussain")]
    with pytest.raises(CommandError, match="only partnership and organisation admins"):
        call_command(
            "learners", "find-duplicates", "--user", world.users[Role.OUTREACH_OFFICER].username
        )
