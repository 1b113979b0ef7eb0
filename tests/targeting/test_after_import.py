"""Targeting follows imports: profiles and rule set results appear when a pupil list is
imported, and rolling the import back removes them with the learners."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.imports.support import sims_csv, start
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.learners.imports.services import learner_import_commit, learner_import_roll_back
from widen.learners.models import Learner
from widen.targeting.models import LearnerAreaProfile, LearnerEligibility, ProfileStatus
from widen.targeting.rule_sets import eligibility_compute, rule_set_create
from widen.testing.pupil_lists import pupil_rows
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def test_an_import_is_targeted_on_commit_and_its_roll_back_takes_the_results_with_it(
    world: World, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    rule_set = rule_set_create(
        actor=system_actor("test"),
        partnership=world.north,
        name="FSM",
        definition={"any": [{"all": [{"criterion": "free_school_meals"}]}]},
    )
    eligibility_compute(rule_set)
    rows = pupil_rows(5)
    with django_capture_on_commit_callbacks(execute=True):
        report = learner_import_commit(
            run=start(world, sims_csv(rows)), actor=world.users[Role.OUTREACH_OFFICER]
        )
    imported = Learner.objects.filter(upn__in=[row["upn"] for row in rows])
    assert imported.count() == 5
    profiles = LearnerAreaProfile.objects.filter(learner__in=imported)
    # No postcode directory is loaded here, and each profile says so.
    assert set(profiles.values_list("status", flat=True)) == {ProfileStatus.NOT_LOADED}
    assert LearnerEligibility.objects.filter(learner__in=imported, rule_set=rule_set).count() == 5
    learner_import_roll_back(run=report.run, actor=world.users[Role.ORGANISATION_ADMIN])
    assert not imported.exists()
    assert not LearnerAreaProfile.objects.filter(learner__upn__in=[r["upn"] for r in rows]).exists()
    assert LearnerEligibility.objects.filter(rule_set=rule_set).count() == 3  # the world's own
