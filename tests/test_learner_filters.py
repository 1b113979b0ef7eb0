"""A filter, search or saved search on a learner's field considers only learners whose field the
person may see, by one route that shows every field it uses (issue 14, 1.1); the learner list
filters by rule-set eligibility and engagement and finds "Adams, Kerry" (issue 14, 2).

Every world learner is at the school, in Year 10, has an "a" in their name and every yes/no fact
set, so a filter that considers a learner always finds them: who appears is exactly who the
filter may consider.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import signed_in_client
from tests.evaluation.support import activity_with_register
from widen.accounts.models import Role
from widen.learners.models import FILTERABLE_CHARACTERISTICS, Learner, SavedSearch
from widen.learners.saved_searches import saved_search_learners
from widen.programmes.models import Programme
from widen.targeting.models import LearnerEligibility, RuleSet, RuleSetVersion
from widen.targeting.schools import school_targeting
from widen.testing.world import World

pytestmark = pytest.mark.django_db

ID, CH, SC = "identity", "characteristics", "special_category"

# What each person sees of each learner (A: held by Alpha, B: by Beta, S: by the school), by
# relation. The officer and evaluator work at Alpha, the school staff at the school; the
# agreement joins Alpha, Beta and the school.
RELATIONS: dict[str, dict[str, Any]] = {
    # Own learners: everything the role allows; partners' under an agreement sharing everything.
    "own and partner with special category": {
        "role": Role.OUTREACH_OFFICER,
        "special_shared": True,
        "sees": {"A": {ID, CH, SC}, "B": {ID, CH, SC}, "S": {ID, CH, SC}},
    },
    # The case: the agreement shares identity and characteristics, not special category.
    "partner without special category": {
        "role": Role.OUTREACH_OFFICER,
        "special_shared": False,
        "sees": {"A": {ID, CH, SC}, "B": {ID, CH}, "S": {ID, CH}},
    },
    # Pseudonymised: no names, dates of birth or school.
    "evaluator": {
        "role": Role.EVALUATOR,
        "special_shared": True,
        "sees": {"A": {CH, SC}, "B": {CH, SC}, "S": {CH, SC}},
    },
    # School staff: their own pupils and partners' records of them, never special category.
    "school staff": {
        "role": Role.SCHOOL_STAFF,
        "special_shared": True,
        "sees": {"A": {ID, CH}, "B": {ID, CH}, "S": {ID, CH}},
    },
}

# Each filterable field: its query parameters and the categories it reads.
FIELDS: dict[str, tuple[dict[str, str], set[str]]] = {
    **{
        name: ({"characteristic": name}, {category})
        for name, category in FILTERABLE_CHARACTERISTICS.items()
    },
    "search": ({"q": "a"}, {ID}),
    "school": ({"school": "SCHOOL"}, {ID}),
    "year group": ({"year_group": "10"}, set()),
    # Two fields at once: one route must show both (a name search for care-experienced learners).
    "search and care experienced": ({"q": "a", "characteristic": "care_experienced"}, {ID, SC}),
}


def _prepare(world: World, relation: str) -> tuple[dict[str, Learner], Any]:
    setup = RELATIONS[relation]
    if not setup["special_shared"]:
        world.agreement.shares_special_category = False
        world.agreement.save()
    facts = dict.fromkeys(FILTERABLE_CHARACTERISTICS, True)
    for learner in (world.learner_alpha, world.learner_beta, world.learner_school):
        for name, value in facts.items():
            setattr(learner, name, value)
        learner.save()
    learners = {"A": world.learner_alpha, "B": world.learner_beta, "S": world.learner_school}
    return learners, world.users[setup["role"]]


def _params(world: World, field: str) -> dict[str, str]:
    params = dict(FIELDS[field][0])
    if params.get("school") == "SCHOOL":
        params["school"] = str(world.school.id)
    return params


def _expected(relation: str, field: str) -> set[str]:
    needed = FIELDS[field][1]
    sees: dict[str, set[str]] = RELATIONS[relation]["sees"]
    return {key for key, categories in sees.items() if needed <= categories}


def _keys(learners: dict[str, Learner], ids: set[str]) -> set[str]:
    return {key for key, learner in learners.items() if str(learner.id) in ids}


def _page_ids(client: Client, params: dict[str, str]) -> set[str]:
    response = client.get("/learners/", params)
    assert response.status_code == 200
    body = response.content.decode()
    return {part[:36] for part in body.split('href="/learners/')[1:] if part[36:37] == "/"}


@pytest.mark.parametrize("field", list(FIELDS))
@pytest.mark.parametrize("relation", list(RELATIONS))
def test_a_filter_considers_only_learners_whose_field_the_person_may_see(
    world: World, relation: str, field: str
) -> None:
    learners, user = _prepare(world, relation)
    params = _params(world, field)
    expected = _expected(relation, field)
    role = RELATIONS[relation]["role"]

    page = _keys(learners, _page_ids(signed_in_client(user), params))
    assert page == expected, ("page", relation, field)

    response = Client().get(
        "/api/v1/learners", params, headers={"Authorization": f"Bearer {world.tokens[role]}"}
    )
    assert response.status_code == 200
    assert response.json()["count"] == len(expected)
    api = _keys(learners, {row["id"] for row in response.json()["results"]})
    assert api == expected, ("API", relation, field)

    search = SavedSearch.objects.create(owner=user, name="probe", filters=params)
    saved = _keys(
        learners,
        {
            str(pk)
            for pk in saved_search_learners(actor=user, search=search).values_list("pk", flat=True)
        },
    )
    assert saved == expected, ("saved search", relation, field)


def _names(client: Client, params: dict[str, str]) -> set[str]:
    body = client.get("/learners/", params).content.decode()
    return {
        name
        for name in ("Alphason", "Betterton", "Schoolman", "Gammage", "Adams")
        if f"{name}</a>" in body or f" {name}<" in body
    }


def test_a_search_in_the_order_school_systems_export_finds_the_learner(world: World) -> None:
    kerry = Learner.objects.create(
        organisation=world.alpha,
        first_name="Kerry",
        last_name="Adams",
        date_of_birth=world.learner_alpha.date_of_birth,
        reference="MIS-00417",
    )
    Learner.objects.create(
        organisation=world.alpha,
        first_name="Adams",
        last_name="Kerrigan",
        date_of_birth=world.learner_alpha.date_of_birth,
    )
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    for search in ("Adams, Kerry", "adams,kerry", "Kerry Adams", "mis-00417"):
        response = client.get("/learners/", {"q": search})
        ids = _page_ids(client, {"q": search})
        assert ids == {str(kerry.id)}, search
        assert response.status_code == 200
    api = Client().get(
        "/api/v1/learners",
        {"q": "Adams, Kerry"},
        headers={"Authorization": f"Bearer {world.tokens[Role.OUTREACH_OFFICER]}"},
    )
    assert [row["id"] for row in api.json()["results"]] == [str(kerry.id)]
    # A partner's own reference is identity: the evaluator (pseudonymised) finds nobody by it.
    evaluator = signed_in_client(world.users[Role.EVALUATOR])
    assert _page_ids(evaluator, {"q": "MIS-00417"}) == set()


def _rule_set(world: World, name: str, *, special: bool) -> Any:
    rule_set = RuleSet.objects.create(partnership=world.north, name=name)
    RuleSetVersion.objects.create(
        rule_set=rule_set,
        number=1,
        definition={"any": [{"all": [{"criterion": "care_experienced" if special else "fsm"}]}]},
        uses_special_category=special,
    )
    return rule_set


def _results(rule_set: Any, outcomes: dict[Learner, bool]) -> None:
    version = rule_set.versions.get()
    LearnerEligibility.objects.bulk_create(
        LearnerEligibility(
            rule_set=rule_set, learner=learner, version=version, eligible=eligible, explanation="x"
        )
        for learner, eligible in outcomes.items()
    )


def test_the_list_filters_by_a_rule_sets_eligibility(world: World) -> None:
    fsm = _rule_set(world, "Free school meals", special=False)
    _results(
        fsm, {world.learner_alpha: True, world.learner_beta: False, world.learner_school: True}
    )
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    page = officer.get("/learners/").content.decode()
    assert '<label for="learner-eligibility">Rule set eligibility</label>' in page
    assert f'<option value="{fsm.pk}:eligible">Free school meals: eligible</option>' in page
    both = {"A": world.learner_alpha, "B": world.learner_beta, "S": world.learner_school}
    assert _keys(both, _page_ids(officer, {"eligibility": f"{fsm.pk}:eligible"})) == {"A", "S"}
    assert _keys(both, _page_ids(officer, {"eligibility": f"{fsm.pk}:not_eligible"})) == {"B"}
    api = (
        Client()
        .get(
            "/api/v1/learners",
            {"eligibility": f"{fsm.pk}:not_eligible"},
            headers={"Authorization": f"Bearer {world.tokens[Role.OUTREACH_OFFICER]}"},
        )
        .json()
    )
    assert [row["id"] for row in api["results"]] == [str(world.learner_beta.id)]
    # Another partnership's rule set is not one to choose, and finds nobody.
    south = RuleSet.objects.create(partnership=world.south, name="South only")
    assert _page_ids(officer, {"eligibility": f"{south.pk}:eligible"}) == set()
    assert "South only" not in page


def test_eligibility_from_special_category_data_considers_only_learners_whose_data_is_seen(
    world: World,
) -> None:
    care = _rule_set(world, "Care leavers", special=True)
    _results(
        care, {world.learner_alpha: True, world.learner_beta: True, world.learner_school: True}
    )
    world.agreement.shares_special_category = False
    world.agreement.save()
    both = {"A": world.learner_alpha, "B": world.learner_beta, "S": world.learner_school}
    value = f"{care.pk}:eligible"
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    assert _keys(both, _page_ids(officer, {"eligibility": value})) == {"A"}
    assert _keys(both, _page_ids(officer, {"eligibility": value, "q": "a"})) == {"A"}
    search = SavedSearch.objects.create(
        owner=world.users[Role.OUTREACH_OFFICER], name="care", filters={"eligibility": value}
    )
    found = saved_search_learners(actor=world.users[Role.OUTREACH_OFFICER], search=search)
    assert list(found) == [world.learner_alpha]
    # School staff see no special category data: the rule set is not offered and finds nobody.
    staff = signed_in_client(world.users[Role.SCHOOL_STAFF])
    assert "Care leavers" not in staff.get("/learners/").content.decode()
    assert _page_ids(staff, {"eligibility": value}) == set()


def test_the_list_filters_by_engagement(world: World) -> None:
    activity_with_register(world)  # Alpha's and the school's learners attended, Beta's absent
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    page = officer.get("/learners/").content.decode()
    assert '<label for="learner-engagement">Engagement</label>' in page
    both = {"A": world.learner_alpha, "B": world.learner_beta, "S": world.learner_school}
    assert _keys(both, _page_ids(officer, {"engagement": "engaged"})) == {"A", "S"}
    assert _keys(both, _page_ids(officer, {"engagement": "not_engaged"})) == {"B"}
    api = (
        Client()
        .get(
            "/api/v1/learners",
            {"engagement": "not_engaged"},
            headers={"Authorization": f"Bearer {world.tokens[Role.OUTREACH_OFFICER]}"},
        )
        .json()
    )
    assert [row["id"] for row in api["results"]] == [str(world.learner_beta.id)]
    # Kept with a saved search, and offered again from it.
    officer.post("/learners/searches/new/", {"name": "Not yet", "engagement": "not_engaged"})
    search = SavedSearch.objects.get(name="Not yet")
    assert search.filters == {"engagement": "not_engaged"}


@pytest.mark.parametrize(
    ("relation", "special", "counted"),
    [
        ("own and partner with special category", True, 3),
        ("partner without special category", True, 1),  # only Alpha's own learner
        ("partner without special category", False, 3),
        ("evaluator", True, 3),
        ("school staff", True, 0),  # school staff see no special category data
        ("school staff", False, 3),
    ],
)
def test_school_targeting_counts_only_learners_whose_eligibility_the_person_may_see(
    world: World, relation: str, special: bool, counted: int
) -> None:
    _, user = _prepare(world, relation)
    rule_set = _rule_set(world, "Target", special=special)
    _results(
        rule_set, {world.learner_alpha: True, world.learner_beta: True, world.learner_school: True}
    )
    row = next(
        row
        for row in school_targeting(world.north, rule_set, actor=user)
        if row.name == "Sixth Form School"
    )
    assert (row.learners, row.eligible, row.reached) == (counted, counted, True)
    page = signed_in_client(user).get(
        "/targeting/schools/", {"partnership": str(world.north.pk), "rule_set": str(rule_set.pk)}
    )
    assert page.status_code == 200


def test_dashboard_counts_by_a_special_category_rule_set_only_for_those_who_may_see_it(
    world: World,
) -> None:
    care = _rule_set(world, "Care leavers", special=True)
    _rule_set(world, "Free school meals", special=False)
    _results(care, {world.learner_alpha: True, world.learner_school: True})
    url = reverse("reporting:targets", args=[world.north.pk])
    officer = signed_in_client(world.users[Role.OUTREACH_OFFICER]).get(url, {"rule_set": care.pk})
    assert "Care leavers" in officer.content.decode()
    staff = signed_in_client(world.users[Role.SCHOOL_STAFF]).get(url, {"rule_set": care.pk})
    assert staff.status_code == 200
    body = staff.content.decode()
    assert "Care leavers" not in body
    assert "Free school meals" in body


@pytest.mark.parametrize(("special_shared", "elsewhere"), [(True, 2), (False, 0)])
def test_a_programmes_count_of_eligible_learners_elsewhere_counts_only_those_seen(
    world: World, special_shared: bool, elsewhere: int
) -> None:
    world.agreement.shares_special_category = special_shared
    world.agreement.save()
    care = _rule_set(world, "Care leavers", special=True)
    _results(
        care, {world.learner_alpha: True, world.learner_beta: True, world.learner_school: True}
    )
    programme = Programme.objects.create(partnership=world.north, name="LPP", rule_set=care)
    page = signed_in_client(world.users[Role.OUTREACH_OFFICER]).get(
        reverse("programmes:detail", kwargs={"programme_id": programme.pk})
    )
    body = page.content.decode()
    assert "1 eligible learner not enrolled" in body
    if elsewhere:
        assert f"{elsewhere} more eligible learners held by other members" in body
    else:
        assert "more eligible learner" not in body


@pytest.mark.parametrize(
    ("relation", "counted"),
    [
        ("own and partner with special category", "3 of 3"),
        ("partner without special category", "1 of 1"),  # only Alpha's own learner
        ("evaluator", "3 of 3"),
        ("school staff", "Not worked out yet"),  # no special category data at all
    ],
)
def test_rule_set_pages_count_only_results_the_person_may_see(
    world: World, relation: str, counted: str
) -> None:
    _, user = _prepare(world, relation)
    care = _rule_set(world, "Care leavers", special=True)
    _results(
        care, {world.learner_alpha: True, world.learner_beta: True, world.learner_school: True}
    )
    client = signed_in_client(user)
    listing = client.get(reverse("targeting:rule_sets")).content.decode()
    assert f"<td>{counted}</td>" in listing
    headers = {"Authorization": f"Bearer {world.tokens[RELATIONS[relation]['role']]}"}
    api = Client().get(f"/api/v1/rule-sets/{care.pk}", headers=headers).json()
    number = 0 if counted.startswith("Not") else int(counted.split()[0])
    assert (api["eligible"], api["worked_out"]) == (number, number)
    detail = client.get(reverse("targeting:rule_set", args=[care.pk])).content.decode()
    school_row = "<tr><td>Sixth Form School</td>"
    if counted.startswith("Not"):
        assert school_row not in detail
    else:
        number = counted.split()[0]
        assert f"{school_row}<td>{number}</td><td>{number}</td></tr>" in detail
