"""Eligibility rule sets: explanations, versions, previews by school, presets and SECURITY 30."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from tests.targeting.support import english_areas_loaded, home_postcode_changed
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.core import request_context
from widen.core.exceptions import ApplicationError
from widen.learners.models import Learner
from widen.learners.permissions import learner_policy
from widen.organisations.models import (
    DataSharingAgreement,
    LawfulBasis,
    Organisation,
    PartnershipMember,
    SpecialCategoryCondition,
)
from widen.targeting.criteria import CRITERIA, evaluate, parse_definition
from widen.targeting.models import LearnerEligibility, RuleSet
from widen.targeting.rule_sets import (
    PRESETS,
    SPECIAL_CATEGORY_REFUSAL,
    columns_needed,
    eligibility_compute,
    partnership_learner_frame,
    rule_set_create,
    rule_set_presets_add,
    rule_set_preview,
    rule_set_update,
)
from widen.targeting.services import area_profiles_compute
from widen.testing.world import World

pytestmark = pytest.mark.django_db
IMD_Q1_TO_3 = {"any": [{"all": [{"criterion": "imd_quintile", "values": [1, 2, 3]}]}]}
FSM_NOT_IMD_Q1 = {
    "any": [
        {
            "all": [
                {"criterion": "free_school_meals"},
                {"criterion": "imd_quintile", "values": [1], "negate": True},
            ]
        }
    ]
}


@pytest.fixture
def profiled(world: World) -> World:
    english_areas_loaded()
    with request_context.bind(source="test"):
        Learner.objects.create(
            organisation=world.alpha,
            school=world.school,
            first_name="Cerys",
            last_name="Cardiff",
            date_of_birth=world.learner_alpha.date_of_birth,
            home_postcode="CF10 1AA",
            free_school_meals=False,
        )
    area_profiles_compute()
    return world


def _deciding_agreement(world: World) -> DataSharingAgreement:
    agreement = DataSharingAgreement.objects.create(
        partnership=world.north,
        title="Progression programme (explicit consent)",
        shares_identity=True,
        shares_characteristics=True,
        shares_special_category=True,
        purpose="Selecting learners for the progression programme",
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        special_category_condition=SpecialCategoryCondition.EXPLICIT_CONSENT,
        starts_on=date(2020, 9, 1),
    )
    agreement.parties.set([world.alpha, world.beta, world.school])
    return agreement


def _admin(world: World):  # type: ignore[no-untyped-def]
    return world.users[Role.PARTNERSHIP_ADMIN]


def _deprived_areas(world: World) -> RuleSet:
    """The partnership admin's rule set "Deprived areas": IMD quintiles 1 to 3."""
    return rule_set_create(
        actor=_admin(world),
        partnership=world.north,
        name="Deprived areas",
        definition=IMD_Q1_TO_3,
    )


def test_each_learner_gets_a_result_that_says_why(profiled: World) -> None:
    rule_set = _deprived_areas(profiled)
    run = eligibility_compute(rule_set)
    held = Learner.objects.filter(organisation__in=profiled.north.members.all()).count()
    assert (run.learners, run.eligible) == (held, held - 1)
    english = LearnerEligibility.objects.get(learner=profiled.learner_alpha, rule_set=rule_set)
    assert english.eligible
    assert english.explanation == "eligible: IMD quintile 3 (LSOA E01003559, IoD2019)"
    welsh = LearnerEligibility.objects.get(learner__last_name="Cardiff", rule_set=rule_set)
    assert not welsh.eligible
    assert welsh.explanation == "not eligible: IMD not known"
    assert english.version.number == 1


def test_not_and_and_explain_what_is_missing(profiled: World) -> None:
    rule_set = rule_set_create(
        actor=_admin(profiled),
        partnership=profiled.north,
        name="FSM outside the most deprived areas",
        definition=FSM_NOT_IMD_Q1,
    )
    eligibility_compute(rule_set)
    english = LearnerEligibility.objects.get(learner=profiled.learner_alpha, rule_set=rule_set)
    assert english.explanation == "eligible: FSM, IMD quintile 3 (LSOA E01003559, IoD2019)"
    welsh = LearnerEligibility.objects.get(learner__last_name="Cardiff", rule_set=rule_set)
    assert welsh.explanation == "not eligible: not FSM, IMD not known"
    assert rule_set.current_version is not None
    assert rule_set.current_version.description == "FSM and not IMD quintile Q1"


def test_a_change_is_previewed_by_school_then_saved_as_a_new_version(profiled: World) -> None:
    rule_set = _deprived_areas(profiled)
    eligibility_compute(rule_set)
    narrower = {"any": [{"all": [{"criterion": "imd_quintile", "values": [1, 2]}]}]}
    preview = rule_set_preview(rule_set, narrower, actor=system_actor("test"))
    assert (preview.gain, preview.lose) == (0, preview.learners - 1)
    assert [(change.school, change.lost) for change in preview.schools] == [
        (profiled.school.name, preview.learners - 1)
    ]
    assert LearnerEligibility.objects.filter(rule_set=rule_set, eligible=True).count() == (
        preview.learners - 1
    )  # nothing is saved by a preview
    version = rule_set_update(actor=_admin(profiled), rule_set=rule_set, definition=narrower)
    assert version.number == 2
    eligibility_compute(rule_set)
    result = LearnerEligibility.objects.get(learner=profiled.learner_alpha, rule_set=rule_set)
    assert (result.eligible, result.version) == (False, version)
    assert result.explanation == "not eligible: IMD quintile 3 (LSOA E01003559, IoD2019)"
    assert rule_set.versions.count() == 2


def test_a_preview_counts_only_the_learners_the_person_may_see(profiled: World) -> None:
    rule_set = _deprived_areas(profiled)
    eligibility_compute(rule_set)
    narrower = {"any": [{"all": [{"criterion": "imd_quintile", "values": [1, 2]}]}]}
    # A member outside the data-sharing agreement: nobody else sees its learners.
    outsider = Organisation.objects.create(name="Delta Trust", organisation_type="charity")
    PartnershipMember.objects.create(partnership=profiled.north, organisation=outsider)
    Learner.objects.create(
        organisation=outsider,
        school=profiled.school,
        first_name="Dee",
        last_name="Deltason",
        date_of_birth=profiled.learner_alpha.date_of_birth,
        home_postcode=profiled.learner_alpha.home_postcode,
    )
    members = profiled.north.members.all()
    everyone = rule_set_preview(rule_set, narrower, actor=system_actor("test"))
    assert everyone.learners == Learner.objects.filter(organisation__in=members).count()
    admin = _admin(profiled)
    seen = rule_set_preview(rule_set, narrower, actor=admin)
    visible = learner_policy.visible_to(admin).filter(organisation__in=members)
    assert seen.learners == visible.count()
    assert 0 < seen.learners < everyone.learners
    assert sum(change.learners for change in seen.schools) <= seen.learners


def _refused(profiled: World, **rule_set: Any) -> str:
    """Why defining `rule_set` in the north partnership is refused (by its admin, unless `actor`
    says who)."""
    with pytest.raises(ApplicationError) as refused:
        rule_set_create(**{"actor": _admin(profiled), "partnership": profiled.north, **rule_set})
    return refused.value.message


def test_special_category_criteria_need_an_agreement_that_allows_decisions(
    profiled: World,
) -> None:
    uses_disability = {"any": [{"all": [{"criterion": "disability"}]}]}
    # The world's agreement shares special category data for equality monitoring (para 8) only.
    refusal = _refused(
        profiled,
        name="Disabled learners",
        definition=uses_disability,
        purpose="Reasonable adjustments at events",
        agreement=profiled.agreement,
    )
    assert refusal == SPECIAL_CATEGORY_REFUSAL
    agreement = _deciding_agreement(profiled)
    # No purpose stated.
    assert _refused(
        profiled, name="Disabled learners", definition=uses_disability, agreement=agreement
    )
    rule_set = rule_set_create(
        actor=_admin(profiled),
        partnership=profiled.north,
        name="Disabled learners",
        definition=uses_disability,
        purpose="Reasonable adjustments at events",
        agreement=agreement,
    )
    eligibility_compute(rule_set)
    agreement.revoked_at = timezone.now()
    agreement.save()
    with pytest.raises(ApplicationError) as stopped:
        eligibility_compute(rule_set)
    assert "data-sharing agreement in force" in stopped.value.message


def test_only_partnership_admins_define_rule_sets(profiled: World) -> None:
    refusal = _refused(
        profiled, actor=profiled.users[Role.OUTREACH_OFFICER], name="Mine", definition=IMD_Q1_TO_3
    )
    assert "Only the partnership's admins" in refusal


def test_malformed_definitions_are_refused_with_the_reason(profiled: World) -> None:
    for definition, message in (
        ({"any": []}, "at least one group"),
        ({"any": [{"all": []}]}, "Group 1 has no conditions"),
        ({"any": [{"all": [{"criterion": "shoe_size"}]}]}, "'shoe_size' is not a criterion"),
        (
            {"any": [{"all": [{"criterion": "imd_quintile", "values": [6]}]}]},
            "6 is not one",
        ),
    ):
        assert message in _refused(profiled, name="Broken", definition=definition)


def test_presets_arrive_editable_and_only_where_lawful(profiled: World) -> None:
    added, left_out = rule_set_presets_add(
        actor=_admin(profiled), partnership=profiled.north, agreement=profiled.agreement
    )
    assert [rule_set.preset for rule_set in added] == ["uni_connect"]
    assert len(left_out) == 2
    assert all(SPECIAL_CATEGORY_REFUSAL in reason for reason in left_out)
    added, left_out = rule_set_presets_add(
        actor=_admin(profiled),
        partnership=profiled.north,
        agreement=_deciding_agreement(profiled),
    )
    assert sorted(rule_set.preset for rule_set in added) == ["eorr", "progression"]
    assert left_out == []
    progression = next(rule_set for rule_set in added if rule_set.preset == "progression")
    assert progression.name == PRESETS["progression"]["name"]
    eligibility_compute(progression)
    result = LearnerEligibility.objects.get(learner=profiled.learner_alpha, rule_set=progression)
    # The learner is on FSM and care experienced; POLAR4 is not loaded, IMD is quintile 3.
    assert result.explanation == "eligible: FSM"
    version = rule_set_update(
        actor=_admin(profiled),
        rule_set=progression,
        definition={"any": [{"all": [{"criterion": "care_experienced"}]}]},
    )
    assert version.number == 2


def test_widen_targeting_run_works_out_each_rule_set(profiled: World) -> None:
    rule_set_create(
        actor=_admin(profiled),
        partnership=profiled.north,
        name="Deprived areas",
        definition=IMD_Q1_TO_3,
    )
    out = io.StringIO()
    call_command(
        "targeting", "run", "--rule-set", "deprived areas", stdout=out, stderr=io.StringIO()
    )
    assert "North: Deprived areas (version 1): 3 of 4 learners eligible" in out.getvalue()
    with pytest.raises(CommandError, match="no rule set called 'Nothing'"):
        call_command("targeting", "run", "--rule-set", "Nothing", stderr=io.StringIO())


def test_a_postcode_edit_changes_the_learners_eligibility(
    profiled: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    rule_set = _deprived_areas(profiled)
    eligibility_compute(rule_set)
    learner = profiled.learner_alpha
    officer = profiled.users[Role.OUTREACH_OFFICER]
    with django_capture_on_commit_callbacks(execute=True):
        home_postcode_changed(officer, learner, "CF10 1AA")
    result = LearnerEligibility.objects.get(learner=learner, rule_set=rule_set)
    assert (result.eligible, result.explanation) == (False, "not eligible: IMD not known")


def test_the_api_refuses_special_category_criteria_the_agreement_does_not_allow(
    profiled: World,
) -> None:
    headers = {"Authorization": f"Bearer {profiled.tokens[Role.PARTNERSHIP_ADMIN]}"}
    body = {
        "partnership_id": str(profiled.north.id),
        "name": "Disabled learners",
        "purpose": "Reasonable adjustments",
        "agreement_id": str(profiled.agreement.id),  # para 8: equality monitoring only
        "definition": {"any": [{"all": [{"criterion": "disability"}]}]},
    }
    client = Client()
    response = client.post(
        "/api/v1/rule-sets", json.dumps(body), content_type="application/json", headers=headers
    )
    assert response.status_code == 422
    assert response.json()["detail"] == SPECIAL_CATEGORY_REFUSAL
    body["agreement_id"] = str(_deciding_agreement(profiled).id)
    response = client.post(
        "/api/v1/rule-sets", json.dumps(body), content_type="application/json", headers=headers
    )
    assert response.status_code == 201
    created = response.json()
    assert created["current_version"]["uses_special_category"] is True
    assert created["worked_out"] == 4
    response = client.post(
        f"/api/v1/rule-sets/{created['id']}/versions",
        json.dumps({"definition": {"any": [{"all": [{"criterion": "shoe_size"}]}]}}),
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 422
    assert "'shoe_size' is not a criterion" in response.json()["detail"]


@pytest.mark.parametrize("key", sorted(CRITERIA))
def test_each_criterion_reads_only_its_columns_and_decides_as_with_every_column(
    profiled: World, key: str
) -> None:
    """A rule set reads only the columns its criteria need: the same results as reading all."""
    criterion = CRITERIA[key]
    condition: dict[str, Any] = {"criterion": key}
    if criterion.takes_values:
        condition["values"] = [value for value, _ in criterion.choices[:2]]
    definition = {"any": [{"all": [condition]}, {"all": [{**condition, "negate": True}]}]}
    groups = parse_definition(definition)
    every_column = partnership_learner_frame(profiled.north)
    needed = partnership_learner_frame(profiled.north, columns=columns_needed(definition))
    assert set(needed.columns) < set(every_column.columns)

    def decided(learners: Any) -> list[tuple[str, bool, str]]:
        return sorted(
            evaluate(learners.lazy(), groups)
            .select("learner_id", "eligible", "explanation")
            .collect()
            .iter_rows()
        )

    assert decided(needed) == decided(every_column)
    assert (
        len(decided(needed))
        == Learner.objects.filter(organisation__in=profiled.north.members.all()).count()
    )


def test_working_a_rule_set_out_again_rewrites_only_the_results_that_changed(
    profiled: World,
) -> None:
    rule_set = _deprived_areas(profiled)
    first = eligibility_compute(rule_set)
    assert first.written == first.learners == 4
    before = dict(
        LearnerEligibility.objects.filter(rule_set=rule_set).values_list(
            "learner_id", "explanation"
        )
    )
    again = eligibility_compute(rule_set)
    assert (again.written, again.removed, again.eligible) == (0, 0, first.eligible)
    # A learner moves to Wales: only their result is written again.
    learner = profiled.learner_alpha
    Learner.objects.filter(pk=learner.pk).update(home_postcode="CF10 1AA")
    area_profiles_compute([learner.pk])
    moved = eligibility_compute(rule_set)
    assert (moved.written, moved.eligible) == (1, first.eligible - 1)
    after = dict(
        LearnerEligibility.objects.filter(rule_set=rule_set).values_list(
            "learner_id", "explanation"
        )
    )
    assert [key for key in after if after[key] != before[key]] == [learner.pk]
    result = LearnerEligibility.objects.get(learner=learner, rule_set=rule_set)
    assert result.explanation == "not eligible: IMD not known"
    # A learner the partnership no longer holds loses their result.
    with request_context.bind(source="test"):
        Learner.objects.filter(last_name="Cardiff").update(organisation=profiled.gamma)
    left = eligibility_compute(rule_set)
    assert (left.removed, left.learners) == (1, 3)
    assert LearnerEligibility.objects.filter(rule_set=rule_set).count() == 3
    # A new version changes every result's version: all are written again.
    rule_set_update(actor=_admin(profiled), rule_set=rule_set, definition=FSM_NOT_IMD_Q1)
    rule_set.refresh_from_db()
    assert eligibility_compute(rule_set).written == 3
    assert set(
        LearnerEligibility.objects.filter(rule_set=rule_set).values_list(
            "version__number", flat=True
        )
    ) == {2}
