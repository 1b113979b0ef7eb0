"""A provider's manager sets up a support scheme on its pages: creates it, changes who it is for
with a preview of who gains and loses before saving, works out who is eligible and sees those
students with the reasons; bad input saves nothing; another provider's manager finds nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import signed_in_client
from tests.support.schemes import CARE_EXPERIENCED, SYSTEM, alpha_students, make_scheme
from widen.accounts.models import ROLE_CAPABILITIES, Role, RoleCapabilities
from widen.audit.models import AccessLogEntry
from widen.organisations.models import DataCategory, SpecialCategoryCondition
from widen.support.models import Scheme, SchemeRuleVersion, StudentEligibility
from widen.support.services.schemes import scheme_eligibility_compute
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db


def manager(world: World) -> Client:
    return signed_in_client(world.users[Role.OUTREACH_OFFICER])


def first_in_family(**more: str) -> dict[str, str]:
    return {"g1_c1_criterion": "first_in_family", "g1_c1_holds": "yes", **more}


def new_scheme(client: Client, world: World, **more: Any) -> Any:
    return client.post(
        reverse("support:scheme_create"),
        {
            "organisation": str(world.alpha.pk),
            "name": "Hardship fund",
            "purpose": "Help with costs for students who had the hardest start.",
            "special_category_condition": "",
            "period_starts": "2026-09-01",
            "period_ends": "2027-07-31",
            **first_in_family(),
            "save": "1",
            **more,
        },
    )


def page_text(response: Any) -> str:
    return " ".join(response.content.decode().split())


def test_a_manager_sets_up_a_scheme_and_sees_who_is_eligible_and_why(world: World) -> None:
    alpha_students(world)
    client = manager(world)
    listing = client.get(reverse("support:schemes"))
    assert listing.status_code == 200
    assert "No schemes yet." in page_text(listing)
    form = client.get(reverse("support:scheme_create"))
    assert "Beta University" not in page_text(form)  # only providers the person manages

    response = new_scheme(client, world)
    scheme = Scheme.objects.get(name="Hardship fund")
    assert response.url == reverse("support:scheme", args=[scheme.pk])
    assert scheme.organisation == world.alpha
    assert str(scheme.period_ends) == "2027-07-31"
    assert scheme.current_version.number == 1  # type: ignore[union-attr]
    assert "Hardship fund" in page_text(client.get(reverse("support:schemes")))

    # Change who it is for: household income up to £25,000, previewed first.
    rules = reverse("support:scheme_rules", args=[scheme.pk])
    income = {
        "purpose": scheme.purpose,
        "g1_c1_criterion": "household_income_band",
        "g1_c1_values": "up_to_25000",
    }
    preview = client.post(rules, {**income, "preview": "1"})
    text = page_text(preview)
    assert "If you save this" in text
    assert "BSc Mathematics" in text  # Ann gains, Ben loses: both study mathematics
    assert SchemeRuleVersion.objects.filter(scheme=scheme).count() == 1  # nothing saved

    saved = client.post(rules, {**income, "save": "1"})
    assert saved.status_code == 302
    assert scheme.current_version.number == 2  # type: ignore[union-attr]

    worked_out = client.post(reverse("support:scheme_compute", args=[scheme.pk]), follow=True)
    text = page_text(worked_out)
    assert "1 of 3 students eligible" in text
    assert "Ann Student" in text
    assert "Ben Student" not in text
    eligible = StudentEligibility.objects.get(scheme=scheme, eligible=True)
    assert eligible.student.first_name == "Ann"
    assert eligible.explanation in text
    assert "income" in eligible.explanation.lower()
    assert "Version 2" in text
    assert "Version 1" in text
    (logged,) = AccessLogEntry.objects.filter(purpose__contains="support scheme Hardship fund")
    assert logged.subject_id == str(eligible.student_id)  # only the student shown, Ann
    assert "characteristics" in logged.data_categories


def test_care_experience_without_a_lawful_condition_is_refused_on_the_form(world: World) -> None:
    alpha_students(world)
    client = manager(world)
    care = {"g1_c1_criterion": "care_experienced", "g1_c1_holds": "yes"}
    response = new_scheme(client, world, **care)
    assert response.status_code == 200
    assert "special category data" in page_text(response)
    assert not Scheme.objects.exists()

    new_scheme(client, world)
    scheme = Scheme.objects.get()
    rules = reverse("support:scheme_rules", args=[scheme.pk])
    for button in ("preview", "save"):
        refused = client.post(rules, {"purpose": "", **care, button: "1"})
        assert refused.status_code == 200
        assert "special category data" in page_text(refused)
    assert SchemeRuleVersion.objects.filter(scheme=scheme).count() == 1

    allowed = client.post(
        rules,
        {
            "purpose": "Support for care leavers, as the access and participation plan sets out.",
            "special_category_condition": SpecialCategoryCondition.EXPLICIT_CONSENT,
            **care,
            "save": "1",
        },
    )
    assert allowed.status_code == 302
    assert scheme.current_version.uses_special_category  # type: ignore[union-attr]


def test_bad_input_gets_a_clear_error_and_saves_nothing(world: World) -> None:
    client = manager(world)
    no_name = new_scheme(client, world, name="")
    assert "Enter a name for the scheme." in page_text(no_name)
    backwards = new_scheme(client, world, period_starts="2027-01-01", period_ends="2026-01-01")
    assert "Membership must end on or after the day it starts." in page_text(backwards)
    beta = new_scheme(client, world, organisation=str(world.beta.pk))
    assert "Choose one of your providers." in page_text(beta)
    no_conditions = client.post(
        reverse("support:scheme_create"),
        {"organisation": str(world.alpha.pk), "name": "Empty", "save": "1"},
    )
    assert no_conditions.status_code == 200
    assert "Add at least one condition" in page_text(no_conditions)
    assert not Scheme.objects.exists()


def test_another_providers_manager_and_other_roles_find_nothing(world: World) -> None:
    alpha_students(world)
    new_scheme(manager(world), world)
    scheme = Scheme.objects.get()
    beta_manager = signed_in_client(make_user("beta.officer", world.beta, Role.OUTREACH_OFFICER))
    read_only = signed_in_client(world.users[Role.READ_ONLY])
    pages = [
        ("get", reverse("support:scheme", args=[scheme.pk])),
        ("get", reverse("support:scheme_rules", args=[scheme.pk])),
        ("post", reverse("support:scheme_compute", args=[scheme.pk])),
        ("post", reverse("support:scheme_rules", args=[scheme.pk])),
    ]
    for client in (beta_manager, read_only):
        for method, url in pages:
            assert getattr(client, method)(url, first_in_family(save="1")).status_code == 404
    assert "Hardship fund" not in page_text(beta_manager.get(reverse("support:schemes")))
    assert read_only.get(reverse("support:schemes")).status_code == 404
    assert SchemeRuleVersion.objects.count() == 1
    assert not StudentEligibility.objects.exists()


def test_who_may_not_see_special_category_data_sees_no_student_a_care_scheme_names(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Being eligible for a scheme for care-experienced students tells their care experience:
    someone whose role does not see special category data sees neither the students nor a
    count of them."""

    alpha_students(world)
    scheme = make_scheme(world, CARE_EXPERIENCED, special=True)
    scheme_eligibility_compute(scheme, actor=SYSTEM)
    client = manager(world)
    page = reverse("support:scheme", args=[scheme.pk])
    assert "Ann Student" in page_text(client.get(page))
    monkeypatch.setitem(
        ROLE_CAPABILITIES,
        Role.OUTREACH_OFFICER,
        RoleCapabilities(
            frozenset({DataCategory.IDENTITY, DataCategory.CHARACTERISTICS}), edits_learners=True
        ),
    )
    text = page_text(client.get(page))
    assert "Ann Student" not in text
    assert "No eligible students you may see." in text
    assert "Not worked out yet" in text  # no count of students it would tell about


def test_conditions_are_added_and_removed_one_at_a_time_keeping_what_was_typed(
    world: World,
) -> None:
    client = manager(world)
    typed = {
        "organisation": str(world.alpha.pk),
        "name": "Hardship fund",
        "period_starts": "2026-09-01",
        **first_in_family(),
    }
    added = client.post(
        reverse("support:scheme_create"), {**typed, "g1_new": "disabled", "add": "g1"}
    )
    text = page_text(added)
    assert 'value="Hardship fund"' in text
    assert 'value="2026-09-01"' in text
    assert "First in family to go to HE" in text
    assert "Disabled" in text
    assert 'name="g1_c2_criterion"' in text
    removed = client.post(
        reverse("support:scheme_create"),
        {**typed, "g1_c2_criterion": "disabled", "g1_c2_holds": "yes", "remove": "g1_c1"},
    )
    assert 'name="g1_c2_criterion"' not in page_text(removed)
    assert 'name="g1_c1_criterion" value="disabled"' in page_text(removed)
    assert not Scheme.objects.exists()
