"""Every form field is shown one way (widen/templates/includes/field.html): lists never open on
Django's "---------", the one choice there is comes chosen, an empty required field says what to
do, and a page sent back with errors is titled "Error: …"."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from django import forms
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from widen.accounts.models import Role
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


class _Example(forms.Form):
    only = forms.ChoiceField(choices=[("", "---------"), ("qmul", "Queen Mary")], label="School")
    many = forms.ChoiceField(
        choices=[("", "---------"), ("a", "A"), ("b", "B")], label="Partnership"
    )
    optional = forms.ChoiceField(
        choices=[("", "---------"), ("a", "A"), ("b", "B")], required=False, label="Programme"
    )
    name = forms.CharField(label="Date of birth")
    agree = forms.BooleanField(label="I agree")
    years = forms.MultipleChoiceField(
        choices=[("7", "Year 7"), ("8", "Year 8")],
        widget=forms.CheckboxSelectMultiple,
        label="Year groups",
    )


def _render(form: forms.Form) -> BeautifulSoup:
    template = Template(
        '{% include "includes/form_errors.html" %}'
        '{% for field in form %}{% include "includes/field.html" %}{% endfor %}'
    )
    return _soup(template.render(Context({"form": form})))


def test_lists_say_what_to_choose_and_the_only_choice_is_chosen() -> None:
    page = _render(_Example())
    assert "---------" not in str(page)
    only = page.select_one("select[name=only]")
    assert [option["value"] for option in only.select("option")] == ["qmul"]
    assert only.select_one("option[selected]")["value"] == "qmul"
    many = page.select_one("select[name=many]")
    assert many.select_one("option").get_text() == "Choose the partnership"
    assert not many.select("option[selected]") or many.select_one("option[selected]")["value"] == ""
    optional = page.select_one("select[name=optional]")
    assert optional.select_one("option").get_text() == "No programme"


def test_an_empty_required_field_says_what_to_do_and_names_it_in_the_summary() -> None:
    page = _render(_Example(data={}))
    summary = page.select_one(".error-summary")
    links = [link.get_text() for link in summary.select("a")]
    assert "Enter the date of birth" in links
    assert "Choose the partnership" in links
    assert "Tick “I agree” to go on" in links
    assert "Choose at least one: year groups" in links
    assert "This field is required." not in str(page)
    # Radios and checkboxes are a group with a legend; the summary links to the group.
    years = page.select_one("fieldset#id_years")
    assert years.legend.get_text(strip=True).startswith("Year groups")
    assert summary.select_one("a[href='#id_years']") is not None
    # Each control is described by its error.
    assert "id_name_error" in page.select_one("input[name=name]")["aria-describedby"]
    assert page.select_one("input[name=name]")["aria-invalid"] == "true"


def test_a_tick_box_has_its_label_after_it_in_one_row() -> None:
    page = _render(_Example())
    row = page.select_one("input[name=agree]").parent
    assert "choice" in row["class"]
    assert row.select_one("label")["for"] == "id_agree"


def test_a_person_with_one_school_has_it_chosen_and_no_list_shows_dashes(
    world: World, client_for: Callable[..., Client]
) -> None:
    client = client_for(world.users[Role.PARTNERSHIP_ADMIN])
    page = _soup(client.get(reverse("learners:create")).content.decode())
    school = page.select_one("select[name=school]")
    assert school.select_one("option[selected]").get_text() == world.school.name
    assert "---------" not in str(page)


def test_a_refused_form_is_titled_error_and_says_what_to_enter(
    world: World, client_for: Callable[..., Client]
) -> None:
    client = client_for(world.users[Role.PARTNERSHIP_ADMIN])
    response = client.post(reverse("learners:create"), {"legal_first_name": ""})
    page = _soup(response.content.decode())
    assert page.title.get_text().startswith("Error: ")
    summary = page.select_one("[data-error-summary]")
    assert summary is not None
    assert "Enter the legal first name" in summary.get_text()
    assert "This field is required." not in summary.get_text()
    ok = _soup(client.get(reverse("learners:create")).content.decode())
    assert not ok.title.get_text().startswith("Error")
