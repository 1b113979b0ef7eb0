"""The authorisation matrix: every URL × method × role × relation (SECURITY 3, 4, 5, 9, 10).

Each cell makes a real request as a real signed-in (or anonymous) person against a small world
(`widen.testing.world`) and checks the status, that a denied write changed nothing, that an
allowed write did change something, and that the response carries the security headers. What a
cell expects follows the capability registry (`GRANTS`): each rule names the capability it needs
(tests/authz/rules.py), so a role given a capability must then be let in wherever it is asked for.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import resolve, reverse

from conftest import signed_in_client
from tests.authz.bodies import request_body
from tests.authz.matrix import (
    CONCRETE_NAMES,
    MATRIX,
    Cell,
    all_url_names,
    classified,
    matrix_cells,
    url_for,
)
from tests.authz.requests import (
    assert_security_headers,
    client_for_role,
    enrolment_checksum,
    learner_data_checksum,
    send,
)
from tests.authz.rules import (
    ANONYMOUS,
    NOT_ASKED_FOR,
    ROLES,
    RULES,
    expected_status,
)
from tests.authz.targets import target_kwargs
from widen.accounts.capabilities import GRANTS, Capability
from widen.accounts.models import ROLE_CAPABILITIES, Role
from widen.learners.models import FILTERABLE_CHARACTERISTICS, Learner
from widen.organisations.models import DataCategory
from widen.testing.world import World

WIDEN = Path(__file__).parent.parent / "widen"


def test_every_url_is_classified() -> None:
    unclassified = sorted(name for name in all_url_names() if not classified(name))
    assert not unclassified, f"URLs missing from tests/authz_matrix.yaml: {unclassified}"
    stale = sorted(name for name in MATRIX if name != "admin:*" and name not in all_url_names())
    assert not stale, f"tests/authz_matrix.yaml lists URLs that no longer exist: {stale}"


def test_every_rule_names_the_capability_it_needs_or_none() -> None:
    used = {entry["rule"] for entry in MATRIX.values()}
    unknown = sorted(used - set(RULES))
    assert not unknown, f"rules with no line in tests/authz/rules.py's RULES: {unknown}"
    unused = sorted(set(RULES) - used)
    assert not unused, f"rules no URL of tests/authz_matrix.yaml uses: {unused}"


def test_every_capability_is_asked_for_by_some_rule() -> None:
    """A new area's capability cannot go untested: some rule of the matrix must need it."""
    asked = set().union(*(rule.capabilities() for rule in RULES.values()))
    untested = sorted(set(Capability) - asked - set(NOT_ASKED_FOR))
    assert not untested, f"capabilities no rule of the matrix needs: {untested}"
    assert not asked & set(NOT_ASKED_FOR), "a capability a rule needs is listed as not asked for"


@pytest.mark.parametrize("capability", sorted(NOT_ASKED_FOR))
def test_a_capability_not_asked_for_is_asked_for_nowhere(capability: Capability) -> None:
    """The day code asks for one, a rule of the matrix must need it."""
    asking = re.compile(
        rf"\bCapability\.{capability.name}\b|[\"']{re.escape(capability.value)}[\"']"
    )
    places = [
        str(path.relative_to(WIDEN))
        for path in WIDEN.rglob("*.py")
        if path.name != "capabilities.py" and asking.search(path.read_text())
    ]
    assert not places, f"{capability} is asked for in {places}: name it in a rule's needs"


def test_what_a_cell_expects_follows_the_grants(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give read-only people one capability: exactly the cells needing it become theirs; take
    every capability from partnership admins: none of those cells is theirs."""
    for role, capabilities in [
        *((Role.READ_ONLY, frozenset({capability})) for capability in Capability),
        (Role.PARTNERSHIP_ADMIN, frozenset()),
    ]:
        monkeypatch.setitem(GRANTS, role, capabilities)
        for name in CONCRETE_NAMES:
            entry = MATRIX[name]
            rule = RULES[entry["rule"]]
            for relation, needed in rule.needs.items():
                if not needed or rule.sends_people_on:
                    continue
                holds = bool(needed & capabilities) and rule.also <= capabilities
                where = f"{name} ({relation}) for {role} holding {set(capabilities)}"
                assert rule.allows(role, relation) == holds, where
                status = expected_status(entry, Cell(name, "GET", role, relation))
                if not holds and not rule.refuses_on_form(role, relation):
                    assert status == 404, where
        monkeypatch.undo()


@pytest.mark.django_db
@pytest.mark.parametrize("name", CONCRETE_NAMES)
def test_authorisation_cells(world: World, name: str, record_property: Any) -> None:
    entry = MATRIX[name]
    rule = RULES[entry["rule"]]
    checked = 0
    clients: dict[str, Client] = {}
    failures: list[str] = []
    for counter, cell in enumerate(matrix_cells(name)):
        kwargs = target_kwargs(world, entry["rule"], cell.role, cell.relation)
        url = url_for(name, kwargs)
        writes = cell.method in {"POST", "PATCH"} and entry["rule"].startswith("learner_")
        before = learner_data_checksum() if writes else ""
        enrols = entry["rule"] in {"enrolment_change", "enrolment_leave"}
        enrolments_before = enrolment_checksum() if enrols else ""
        client = client_for_role(world, cell.role, clients)
        body = request_body(world, name, cell.role, counter, cell.relation)
        response = send(client, world, cell, url, body)
        expected = expected_status(entry, cell)
        where = f"{cell.method} {name} as {cell.role} ({cell.relation})"
        checked += 1
        if response.status_code != expected:
            failures.append(f"{where}: expected {expected}, got {response.status_code}")
            continue
        assert_security_headers(response, where)
        # A write changes the data exactly when the cell is allowed: only the organisation
        # holding a learner changes them or their enrolments.
        should_change = rule.allows(cell.role, cell.relation)
        if writes and (learner_data_checksum() != before) != should_change:
            failures.append(f"{where}: data {'unchanged' if should_change else 'changed'}")
        if enrols and (enrolment_checksum() != enrolments_before) != should_change:
            failures.append(f"{where}: enrolments {'unchanged' if should_change else 'changed'}")
        if expected == 404 and entry["rule"].startswith("learner_"):
            foreign = world.learner(role=Role.OUTREACH_OFFICER, relation="unrelated")
            assert foreign.last_name not in response.content.decode(), where
    record_property("authorisation_cells", checked)
    assert not failures, "\n".join(failures)


# Each URL name's route (its path with the converters, e.g. "support/schemes/<uuid:scheme_id>/"),
# which does not depend on the objects a world holds: worked out once for every name, the first
# time a test needs them (it takes an object for each URL), then shared by every test.
_ROUTES: dict[str, str] = {}


def _route(world: World, name: str) -> str:
    if not _ROUTES:
        for other, other_entry in MATRIX.items():
            if other == "admin:*":
                continue
            kwargs = target_kwargs(world, other_entry["rule"], Role.OUTREACH_OFFICER, "own")
            _ROUTES[other] = resolve(url_for(other, kwargs)).route
    return _ROUTES[name]


@pytest.mark.django_db
@pytest.mark.parametrize("name", CONCRETE_NAMES)
def test_unlisted_methods_are_refused(world: World, name: str, record_property: Any) -> None:
    entry = MATRIX[name]
    route = _route(world, name)
    path_methods = {
        method
        for other, other_entry in MATRIX.items()
        if other != "admin:*" and _route(world, other) == route
        for method in other_entry["methods"]
    }
    refused = [
        method for method in ("PUT", "DELETE", "PATCH", "POST") if method not in path_methods
    ]
    url = url_for(name, target_kwargs(world, entry["rule"], Role.OUTREACH_OFFICER, "own"))
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    if entry["rule"] == "public":
        return  # public read-only documents (health, API schema) answer any method alike
    # A page that sends a signed-in person elsewhere does so whatever the method.
    redirects = entry.get("allowed") == 302 or entry["rule"] == "sign_in"
    refusals = {403, 405} | ({302} if redirects else set())
    for method in refused[:2]:
        cell = Cell(name, method, Role.OUTREACH_OFFICER, "own")
        before = learner_data_checksum()
        response = send(client, world, cell, url, {})
        record_property("authorisation_cells", 1)
        assert response.status_code in refusals, f"{method} {name}: {response.status_code}"
        assert learner_data_checksum() == before


@pytest.mark.django_db
def test_admin_urls_need_staff_with_mfa(world: World, record_property: Any) -> None:
    names = sorted(
        name
        for name in all_url_names()
        if name.startswith("admin:") and name.endswith(("_changelist", "_add", ":index"))
    )
    assert names
    for role in ROLES:
        client = Client() if role == ANONYMOUS else signed_in_client(world.users[role])
        for name in names:
            response = client.get(reverse(name))
            record_property("authorisation_cells", 1)
            assert response.status_code == 302, f"{name} as {role}: {response.status_code}"
            assert "/admin/login/" in response["Location"] or "/accounts/" in response["Location"]


@pytest.mark.django_db
def test_password_only_session_reaches_nothing_but_mfa(world: World) -> None:
    """SECURITY 5: a session that has passed only the password step is sent to MFA everywhere."""
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER], verified=False)
    exempt_rules = {"public", "mfa_step", "sign_in"}
    checked = 0
    for name in CONCRETE_NAMES:
        entry = MATRIX[name]
        if entry["rule"] in exempt_rules or name.startswith("api:") or name == "accounts:logout":
            continue
        url = url_for(name, target_kwargs(world, entry["rule"], Role.OUTREACH_OFFICER, "own"))
        response = client.get(url)
        assert response.status_code == 302, f"{name}: {response.status_code}"
        assert response["Location"].startswith(reverse("accounts:mfa_verify")), name
        checked += 1
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert checked >= 10


# Filters by role and relation (issue 14, 1.1): a filter on a learner's field finds a learner only
# when the person sees that field of them (own: the role's categories; partner: the role's and
# the agreement's); "unrelated" learners are never found. Field by field, with the agreement
# sharing special category data and without it.
FILTER_PARAMS: dict[str, tuple[dict[str, str], set[str]]] = {
    **{
        name: ({"characteristic": name}, {category})
        for name, category in FILTERABLE_CHARACTERISTICS.items()
    },
    "search": ({"q": "a"}, {DataCategory.IDENTITY}),
    "search and care experienced": (
        {"q": "a", "characteristic": "care_experienced"},
        {DataCategory.IDENTITY, DataCategory.SPECIAL_CATEGORY},
    ),
    "year group": ({"year_group": "10"}, set()),
}


@pytest.mark.django_db
@pytest.mark.parametrize("special_shared", [True, False])
@pytest.mark.parametrize("role", [role for role in ROLES if role != ANONYMOUS])
def test_learner_filters_by_role_and_relation(
    world: World, role: str, special_shared: bool, record_property: Any
) -> None:
    world.agreement.shares_special_category = special_shared
    world.agreement.save()
    for learner in Learner.objects.all():
        for name in FILTERABLE_CHARACTERISTICS:
            setattr(learner, name, True)
        learner.save()
    role_categories = set(ROLE_CAPABILITIES[role].categories)
    sees = {
        "own": role_categories,
        "partner": role_categories & set(world.agreement.categories),
        "unrelated": set(),
    }
    client = signed_in_client(world.users[role])
    headers = {"Authorization": f"Bearer {world.tokens[role]}"}
    for field, (params, needed) in FILTER_PARAMS.items():
        page = client.get("/learners/", params).content.decode()
        api = Client().get("/api/v1/learners", {**params, "limit": "200"}, headers=headers)
        listed = {row["id"] for row in api.json()["results"]}
        for relation, categories in sees.items():
            learner = world.learner(role=role, relation=relation)
            expected = relation != "unrelated" and needed <= categories
            where = f"{field}, {role}, {relation}, special shared: {special_shared}"
            assert (f'href="/learners/{learner.id}/"' in page) == expected, where
            assert (str(learner.id) in listed) == expected, where
            record_property("authorisation_cells", 2)
