"""The rule set editor: conditions are added one at a time, their values chosen from lists.

The page works without JavaScript: "Add" sends the form back with one more condition (of the
criterion chosen), "Remove" with one fewer, and nothing is saved until "Save".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from widen.accounts.models import Role
from widen.targeting.models import RuleSet
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _page(response: Any) -> BeautifulSoup:
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content.decode(), "html.parser")


def _form_data(page: BeautifulSoup) -> dict[str, list[str]]:
    """What the browser would send: every field's current value (ticked boxes only)."""
    data: dict[str, list[str]] = {}
    form = page.select_one("main form[method=post]")
    assert form is not None
    for control in form.select("input, select, textarea"):
        name = control.get("name")
        if not name or control.get("type") == "submit":
            continue
        if control.name == "select":
            chosen = control.select_one("option[selected]") or control.select_one("option")
            data.setdefault(str(name), []).append(str(chosen.get("value", "")) if chosen else "")
        elif control.get("type") in ("checkbox", "radio"):
            if control.has_attr("checked"):
                data.setdefault(str(name), []).append(str(control.get("value", "on")))
        elif control.name == "textarea":
            data.setdefault(str(name), []).append(control.get_text())
        else:
            data.setdefault(str(name), []).append(str(control.get("value", "")))
    return data


@pytest.fixture
def editor(world: World, client_for: Callable[..., Client]) -> tuple[Client, str]:
    client = client_for(world.users[Role.PARTNERSHIP_ADMIN])
    return client, reverse("targeting:rule_set_create", args=[world.north.pk])


def _send(client: Client, url: str, data: dict[str, list[str]], **extra: str) -> BeautifulSoup:
    sent = {**data, **{name: [value] for name, value in extra.items()}}
    return _page(client.post(url, sent))


def test_a_new_rule_set_starts_with_no_blank_rows_and_offers_one_condition_to_add(
    editor: tuple[Client, str],
) -> None:
    client, url = editor
    page = _page(client.get(url))
    assert not page.select("fieldset.rule-condition")
    assert not page.select("input[name$='_values'][type=text]")
    first = page.select_one("select[name=g1_new]")
    assert first is not None
    assert "IMD quintile" in first.get_text()
    assert page.find("label", attrs={"for": "id_g1_new"}).get_text(strip=True) == "First condition"


def test_conditions_are_added_one_at_a_time_with_their_values_as_lists(
    editor: tuple[Client, str],
) -> None:
    client, url = editor
    page = _page(client.get(url))
    data = _form_data(page)
    data["name"] = ["Deprived Year 10 and 11"]
    page = _send(client, url, {**data, "g1_new": ["imd_quintile"]}, add="g1")
    conditions = page.select("fieldset.rule-condition")
    assert len(conditions) == 1
    assert conditions[0].legend.get_text(strip=True) == "IMD quintile"
    assert conditions[0].has_attr("data-focus")  # focus moves to the condition just added
    boxes = conditions[0].select("input[type=checkbox][name=g1_c1_values]")
    assert [box["value"] for box in boxes] == ["1", "2", "3", "4", "5"]
    assert [page.find("label", attrs={"for": box["id"]}).get_text() for box in boxes] == [
        "Q1",
        "Q2",
        "Q3",
        "Q4",
        "Q5",
    ]
    assert page.select_one("input[name=name]")["value"] == "Deprived Year 10 and 11"
    assert not page.select(".error-summary")
    assert RuleSet.objects.count() == 0

    data = _form_data(page)
    data["g1_c1_values"] = ["1", "2"]
    page = _send(client, url, {**data, "g1_new": ["year_group"]}, add="g1")
    years = page.select("input[type=checkbox][name=g1_c2_values]")
    assert [box["value"] for box in years] == [str(year) for year in range(7, 14)]
    assert [box["value"] for box in page.select("input[name=g1_c1_values][checked]")] == ["1", "2"]

    data = _form_data(page)
    data["g1_c2_values"] = ["10", "11"]
    page = _send(client, url, {**data, "g2_new": ["free_school_meals"]}, add="g2")
    fact = page.select("fieldset.rule-condition")[-1]
    assert fact.legend.get_text(strip=True) == "FSM"
    answers = fact.select("input[type=radio][name=g2_c1_holds]")
    assert [(box["value"], box.has_attr("checked")) for box in answers] == [
        ("yes", True),
        ("no", False),
    ]

    data = _form_data(page)
    data["g2_c1_holds"] = ["no"]
    response = client.post(url, {**data, "save": ["1"]})
    assert response.status_code == 302
    rule_set = RuleSet.objects.get(name="Deprived Year 10 and 11")
    assert rule_set.current_version is not None
    assert rule_set.current_version.definition == {
        "any": [
            {
                "all": [
                    {"criterion": "imd_quintile", "values": [1, 2]},
                    {"criterion": "year_group", "values": [10, 11]},
                ]
            },
            {"all": [{"criterion": "free_school_meals", "negate": True}]},
        ]
    }


def test_a_condition_is_removed_and_the_rest_keep_their_choices(
    editor: tuple[Client, str],
) -> None:
    client, url = editor
    data = _form_data(_page(client.get(url)))
    page = _send(client, url, {**data, "g1_new": ["imd_decile"]}, add="g1")
    data = {**_form_data(page), "g1_c1_values": ["1", "2", "3"]}
    page = _send(client, url, {**data, "g1_new": ["young_carer"]}, add="g1")
    data = _form_data(page)
    page = _send(client, url, data, remove="g1_c1")
    conditions = page.select("fieldset.rule-condition")
    assert [condition.legend.get_text(strip=True) for condition in conditions] == ["Young carer"]
    assert page.select("input[name=g1_c1_holds]")  # renumbered
    assert RuleSet.objects.count() == 0


def test_adding_without_choosing_a_condition_says_what_to_do(editor: tuple[Client, str]) -> None:
    client, url = editor
    page = _send(client, url, _form_data(_page(client.get(url))), add="g1")
    summary = page.select_one(".error-summary")
    assert summary is not None
    assert "Choose the condition to add from the list" in summary.get_text()
    assert page.title is not None
    assert page.title.get_text().startswith("Error: ")


def test_values_outside_the_list_and_missing_values_are_refused_with_the_reason(
    editor: tuple[Client, str],
) -> None:
    client, url = editor
    data = _form_data(_page(client.get(url)))
    page = _send(client, url, {**data, "g1_new": ["imd_quintile"]}, add="g1")
    data = {**_form_data(page), "name": ["Tampered"], "g1_c1_values": ["6"]}
    page = _send(client, url, data, save="1")
    assert "Choose IMD quintile values from the list." in page.select_one(".error-summary").text
    data["g1_c1_values"] = []
    page = _send(client, url, data, save="1")
    assert "Choose at least one IMD quintile value." in page.select_one(".error-summary").text
    assert RuleSet.objects.count() == 0


def test_saving_with_no_conditions_is_refused_by_the_service(editor: tuple[Client, str]) -> None:
    client, url = editor
    data = {**_form_data(_page(client.get(url))), "name": ["Empty"]}
    page = _send(client, url, data, save="1")
    assert "at least one group of conditions" in page.select_one(".error-summary").text
    assert RuleSet.objects.count() == 0


def test_editing_shows_the_saved_conditions_with_their_values_chosen(
    editor: tuple[Client, str], world: World
) -> None:
    client, url = editor
    data = _form_data(_page(client.get(url)))
    page = _send(client, url, {**data, "g1_new": ["polar4_quintile"]}, add="g1")
    data = {**_form_data(page), "name": ["Low participation"], "g1_c1_values": ["1"]}
    data["g1_c1_negate"] = ["on"]
    assert client.post(url, {**data, "save": ["1"]}).status_code == 302
    rule_set = RuleSet.objects.get(name="Low participation")
    page = _page(client.get(reverse("targeting:rule_set_edit", args=[rule_set.pk])))
    assert [box["value"] for box in page.select("input[name=g1_c1_values][checked]")] == ["1"]
    assert page.select_one("input[name=g1_c1_negate]").has_attr("checked")
    assert page.select_one("select[name=g1_new]") is not None
    assert page.select_one("select[name=g2_new]") is not None
