"""Who may manage a provider's schemes (everyone else is answered as if the scheme did not
exist), and the preview of a change: who gains and who loses, course by course, counted only
among the students the person may see, small counts suppressed."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from tests.students.records import make_student
from tests.support.schemes import (
    CARE_EXPERIENCED,
    FIRST_IN_FAMILY,
    SYSTEM,
    alpha_students,
    condition,
    make_scheme,
)
from widen.accounts.models import Role, User
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.policy import VIEW
from widen.students.models import Student
from widen.support.models import Scheme, StudentEligibility
from widen.support.permissions import MANAGE, scheme_policy, student_eligibility_policy
from widen.support.services.preview import scheme_rule_preview
from widen.support.services.schemes import (
    scheme_create,
    scheme_eligibility_compute,
    scheme_rule_set,
)
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def beta_adviser(world: World) -> User:
    return make_user("adviser.beta", world.beta, Role.STUDENT_SUPPORT_ADVISER)


def test_the_providers_advisers_and_officers_manage_its_schemes(world: World) -> None:
    alpha_students(world)
    adviser = world.users[Role.STUDENT_SUPPORT_ADVISER]
    scheme = make_scheme(world, FIRST_IN_FAMILY, actor=adviser)
    officer = world.users[Role.OUTREACH_OFFICER]
    for person in (adviser, officer, world.users[Role.ORGANISATION_ADMIN]):
        assert scheme_policy.may(person, MANAGE, scheme)
        assert list(scheme_policy.visible_to(person)) == [scheme]
    with request_context.bind(source="test", actor=officer):
        run = scheme_eligibility_compute(scheme, actor=officer)
        version = scheme_rule_set(actor=officer, scheme=scheme, definition=condition("estranged"))
    assert run.eligible == 1
    assert version.created_by == officer
    assert student_eligibility_policy.visible_to(adviser).count() == 3


@pytest.mark.parametrize("role", [Role.READ_ONLY, Role.EVALUATOR, Role.SCHOOL_STAFF])
def test_anyone_else_at_the_provider_finds_no_scheme(world: World, role: str) -> None:
    alpha_students(world)
    scheme = make_scheme(world, FIRST_IN_FAMILY)
    person = world.users[role]
    assert not scheme_policy.may(person, MANAGE, scheme)
    assert not scheme_policy.may(person, VIEW, scheme)
    assert not student_eligibility_policy.visible_to(person).exists()
    _refused_everything(world, person, scheme)


def test_another_providers_adviser_finds_no_scheme(world: World, beta_adviser: User) -> None:
    alpha_students(world)
    scheme = make_scheme(world, FIRST_IN_FAMILY)
    assert not scheme_policy.visible_to(beta_adviser).exists()
    _refused_everything(world, beta_adviser, scheme)
    # Their own provider's schemes are theirs.
    with request_context.bind(source="test", actor=beta_adviser):
        own = scheme_create(
            actor=beta_adviser, organisation=world.beta, name="Beta", definition=FIRST_IN_FAMILY
        )
        run = scheme_eligibility_compute(own, actor=beta_adviser)
    assert (run.students, run.eligible) == (1, 1)  # Bea, of Beta's students only


def _refused_everything(world: World, person: User, scheme: Scheme) -> None:
    with request_context.bind(source="test", actor=person):
        with pytest.raises(NotFound):
            scheme_eligibility_compute(scheme, actor=person)
        with pytest.raises(NotFound):
            scheme_rule_set(actor=person, scheme=scheme, definition=FIRST_IN_FAMILY)
        with pytest.raises(NotFound):
            scheme_rule_preview(scheme, FIRST_IN_FAMILY, actor=person)
        with pytest.raises(NotFound):
            scheme_create(
                actor=person, organisation=world.alpha, name="Mine", definition=FIRST_IN_FAMILY
            )
    assert scheme.versions.count() == 1
    assert not StudentEligibility.objects.exists()


def _maths_students(world: World, count: int, **details: Any) -> None:
    for number in range(count):
        make_student(world.alpha, f"M{number}", "Max", course="BSc Mathematics", **details)


def test_the_preview_counts_who_gains_and_loses_by_course_and_saves_nothing(
    world: World,
) -> None:
    alpha_students(world)
    _maths_students(world, 6, first_in_family=True)
    adviser = world.users[Role.STUDENT_SUPPORT_ADVISER]
    scheme = make_scheme(world, condition("entry_route", values=["a_levels"]))
    with request_context.bind(source="test", actor=adviser):
        preview = scheme_rule_preview(scheme, FIRST_IN_FAMILY, actor=adviser)
    assert preview.description == "first in family to go to HE"
    # Ben (A levels) stays eligible; the six first-in-family mathematicians gain.
    assert (preview.students, preview.gain, preview.lose) == (9, 6, 0)
    assert preview.gain_text == "6"
    [maths] = preview.courses
    assert (maths.course, maths.students, maths.eligible_now, maths.eligible_after) == (
        "BSc Mathematics",
        8,
        1,
        7,
    )
    with request_context.bind(source="test", actor=adviser):
        back = scheme_rule_preview(
            scheme, condition("entry_route", values=["access_to_he"]), actor=adviser
        )
    # Ann gains, Ben loses: one each, too few to show.
    assert (back.gain, back.lose) == (1, 1)
    assert (back.gain_text, back.lose_text) == ("fewer than 5", "fewer than 5")
    assert [(course.course, course.gained_text, course.lost_text) for course in back.courses] == [
        ("BSc Mathematics", "fewer than 5", "fewer than 5")
    ]
    assert scheme.versions.count() == 1
    assert not StudentEligibility.objects.exists()


def test_the_preview_counts_only_the_providers_current_students(world: World) -> None:
    alpha_students(world)
    adviser = world.users[Role.STUDENT_SUPPORT_ADVISER]
    scheme = make_scheme(world, FIRST_IN_FAMILY)
    Student.objects.filter(first_name="Cat").update(anonymised_at=timezone.now())
    with request_context.bind(source="test", actor=adviser):
        seen = scheme_rule_preview(scheme, condition("first_in_family", negate=True), actor=adviser)
    counted = scheme_rule_preview(scheme, condition("first_in_family", negate=True), actor=SYSTEM)
    # Ann and Ben (Bea is Beta's; Cat's record is anonymised): Ben loses, nobody gains (Ann
    # declared nothing about her family).
    assert (seen.students, seen.gain, seen.lose) == (2, 0, 1)
    assert (counted.students, counted.gain, counted.lose) == (2, 0, 1)


def test_a_preview_reading_special_category_data_needs_a_lawful_condition(world: World) -> None:
    alpha_students(world)
    adviser = world.users[Role.STUDENT_SUPPORT_ADVISER]
    scheme = make_scheme(world, FIRST_IN_FAMILY)
    with (
        request_context.bind(source="test", actor=adviser),
        pytest.raises(ApplicationError, match="Care experience and disability"),
    ):
        scheme_rule_preview(scheme, CARE_EXPERIENCED, actor=adviser)
    lawful = make_scheme(world, FIRST_IN_FAMILY, special=True, name="Care leavers")
    with request_context.bind(source="test", actor=adviser):
        preview = scheme_rule_preview(lawful, CARE_EXPERIENCED, actor=adviser)
    assert (preview.gain, preview.lose) == (1, 1)  # Ann gains, Ben loses
