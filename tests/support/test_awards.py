"""Awards: an award scheme is offered to a support scheme's members (a fixed amount or by
household income band, in equal instalments on its days); the student accepts or declines; a
manager may stop an award; nobody else answers for the student."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.support.awards import (
    DAYS,
    YEAR,
    accepted,
    account_of,
    adviser,
    care_scheme,
    make_award_scheme,
    members,
    offered,
    student,
)
from widen.accounts.models import Role
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.notifications.models import Notification
from widen.payments.models import Payee
from widen.students.models import IncomeBand
from widen.support.models import (
    Award,
    AwardStatus,
    Benefit,
    BenefitKind,
    BenefitUse,
    InstalmentStatus,
)
from widen.support.services.awards import (
    NOT_IN_TABLE,
    award_accept,
    award_decline,
    award_scheme_create,
    award_scheme_update,
    award_stop,
    awards_offer,
    instalment_amounts,
)
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db


def test_instalments_split_equally_in_pence_the_first_taking_what_is_left() -> None:
    assert instalment_amounts(1_000_00, 3) == [333_34, 333_33, 333_33]
    assert instalment_amounts(900_00, 3) == [300_00, 300_00, 300_00]
    assert sum(instalment_amounts(1_234_57, 7)) == 1_234_57


def test_awards_go_to_members_only_each_once_with_instalments_on_the_days(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    scheme = care_scheme(world)
    ann, ben = student(world, "A1", "Ann"), student(world, "A2", "Ben")
    student(world, "A3", "Cat")  # not a member: offered nothing
    members(world, scheme, ann, ben)
    account_of(ann)
    award_scheme = make_award_scheme(world, scheme)

    awards = offered(world, award_scheme, django_capture_on_commit_callbacks)

    assert set(awards) == {"ann", "ben"}
    award = awards["ann"]
    assert award.status == AwardStatus.OFFERED
    assert award.amount_pence == 1_000_00
    schedule = [(i.number, i.due_on, i.amount_pence, i.status) for i in award.instalments.all()]
    assert schedule == [
        (1, DAYS[0], 333_34, InstalmentStatus.SCHEDULED),
        (2, DAYS[1], 333_33, InstalmentStatus.SCHEDULED),
        (3, DAYS[2], 333_33, InstalmentStatus.SCHEDULED),
    ]
    told = Notification.objects.get(template="support/award_offered")
    assert told.user_id == ann.user_id
    assert "£1,000.00" in told.body_text
    assert "enrolled on its date" in told.body_text
    # Offering again offers nobody twice.
    with request_context.bind(source="test"):
        again = awards_offer(actor=adviser(world), award_scheme=award_scheme)
    assert again.offered == 0
    assert Award.objects.filter(award_scheme=award_scheme).count() == 2


def test_by_income_band_a_band_not_in_the_table_is_not_offered_and_says_why(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    scheme = care_scheme(world)
    low = student(world, "A1", "Ann", household_income_band=IncomeBand.UP_TO_25000)
    high = student(world, "A2", "Ben", household_income_band=IncomeBand.ABOVE_42875)
    unknown = student(world, "A3", "Cat", household_income_band="")
    members(world, scheme, low, high, unknown)
    award_scheme = make_award_scheme(
        world, scheme, by_band={IncomeBand.UP_TO_25000: 1_500_00}, name="Income bursary"
    )

    with request_context.bind(source="test"):
        result = awards_offer(actor=adviser(world), award_scheme=award_scheme)

    assert result.offered == 1
    award = Award.objects.get(award_scheme=award_scheme)
    assert award.student_id == low.pk
    assert award.amount_pence == 1_500_00
    assert award.income_band == IncomeBand.UP_TO_25000
    reasons = {s.pk: why for s, why in result.not_offered}
    assert reasons[high.pk] == NOT_IN_TABLE
    assert "not known" in reasons[unknown.pk]


def test_accepting_pays_the_student_s_own_payee_and_records_the_benefit_used(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    scheme = care_scheme(world)
    ann = student(world, "A1", "Ann")
    members(world, scheme, ann)
    award_scheme = make_award_scheme(world, scheme)
    benefit = Benefit.objects.create(
        scheme=scheme, kind=BenefitKind.AWARD, title="£1,000 a year", award_scheme=award_scheme
    )
    award = offered(world, award_scheme, django_capture_on_commit_callbacks)["ann"]

    award = accepted(award)

    assert award.status == AwardStatus.ACCEPTED
    payee = Payee.objects.get(pk=award.payee_id)
    ann.refresh_from_db()
    assert payee.user_id == ann.user_id
    assert payee.organisation_id == world.alpha.pk
    assert BenefitUse.objects.filter(benefit=benefit, student=ann).count() == 1


def test_only_the_student_answers_and_declining_cancels_every_instalment(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    scheme = care_scheme(world)
    ann, ben = student(world, "A1", "Ann"), student(world, "A2", "Ben")
    members(world, scheme, ann, ben)
    awards = offered(world, make_award_scheme(world, scheme), django_capture_on_commit_callbacks)
    ben_user = account_of(ben)

    for actor in (ben_user, adviser(world)):
        with pytest.raises(NotFound), request_context.bind(source="test", actor=actor):
            award_accept(actor=actor, award=awards["ann"])

    ann_user = account_of(ann)
    with request_context.bind(source="test", actor=ann_user):
        declined = award_decline(actor=ann_user, award=awards["ann"])
        with pytest.raises(ApplicationError):
            award_accept(actor=ann_user, award=awards["ann"])
    assert declined.status == AwardStatus.DECLINED
    assert {i.status for i in declined.instalments.all()} == {InstalmentStatus.CANCELLED}


def test_a_manager_stops_an_award_saying_why_and_what_is_not_yet_due_is_cancelled(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    scheme = care_scheme(world)
    ann = student(world, "A1", "Ann")
    members(world, scheme, ann)
    award = accepted(
        offered(world, make_award_scheme(world, scheme), django_capture_on_commit_callbacks)["ann"]
    )
    with request_context.bind(source="test"):
        with pytest.raises(ApplicationError) as error:
            award_stop(actor=adviser(world), award=award, reason="  ")
        assert error.value.field == "reason"
        # Not an award manager: an outreach officer manages schemes, not awards.
        with pytest.raises(NotFound):
            award_stop(actor=world.users[Role.OUTREACH_OFFICER], award=award, reason="Left")
        with django_capture_on_commit_callbacks(execute=True):
            stopped = award_stop(actor=adviser(world), award=award, reason="Left the course")

    assert stopped.status == AwardStatus.STOPPED
    assert stopped.stopped_reason == "Left the course"
    assert {i.status for i in stopped.instalments.all()} == {InstalmentStatus.CANCELLED}
    told = Notification.objects.get(template="support/award_stopped")
    assert "Left the course" in told.body_text


def test_another_provider_s_managers_neither_see_nor_offer_nor_stop(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    scheme = care_scheme(world)
    ann = student(world, "A1", "Ann")
    members(world, scheme, ann)
    award_scheme = make_award_scheme(world, scheme)
    award = offered(world, award_scheme, django_capture_on_commit_callbacks)["ann"]
    beta_admin = make_user("adviser.beta", world.beta, Role.STUDENT_SUPPORT_ADVISER)
    with request_context.bind(source="test"):
        with pytest.raises(NotFound):
            awards_offer(actor=beta_admin, award_scheme=award_scheme)
        with pytest.raises(NotFound):
            award_stop(actor=beta_admin, award=award, reason="Not ours")
        with pytest.raises(NotFound):
            award_scheme_create(
                actor=beta_admin,
                organisation=world.alpha,
                scheme=scheme,
                name="Beta's try",
                academic_year=YEAR,
                instalment_days=DAYS,
                amount_pence=100_00,
            )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"academic_year": "2025/27"}, "academic_year"),
        ({"instalment_days": []}, "instalment_days"),
        ({"instalment_days": [DAYS[0], DAYS[0]]}, "instalment_days"),
        ({"instalment_days": [date(2024, 11, 1)]}, "instalment_days"),
        ({"instalment_days": ["not a day"]}, "instalment_days"),
        ({"amount_pence": 0}, "amount_pence"),
        ({"amount_pence": None}, "amount_pence"),
        ({"amount_pence": 100_00, "amounts_by_income_band": {"up_to_25000": 1}}, "amount_pence"),
        ({"amount_pence": None, "amounts_by_income_band": {"rich": 100}}, "amounts_by_income_band"),
        ({"name": " "}, "name"),
    ],
)
def test_an_award_scheme_refuses_what_cannot_be_paid_naming_the_field(
    world: World, changes: dict[str, Any], field: str
) -> None:
    scheme = care_scheme(world)
    values: dict[str, Any] = {
        "name": "Care leavers' award",
        "academic_year": YEAR,
        "instalment_days": DAYS,
        "amount_pence": 1_000_00,
        **changes,
    }
    with pytest.raises(ApplicationError) as error, request_context.bind(source="test"):
        award_scheme_create(actor=adviser(world), organisation=world.alpha, scheme=scheme, **values)
    assert error.value.field == field


def test_once_awards_are_offered_their_amounts_and_days_stay_as_offered(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    scheme = care_scheme(world)
    members(world, scheme, student(world, "A1", "Ann"))
    award_scheme = make_award_scheme(world, scheme)
    with request_context.bind(source="test"):
        renamed = award_scheme_update(
            actor=adviser(world), award_scheme=award_scheme, amount_pence=1_200_00
        )
    assert renamed.amount_pence == 1_200_00
    offered(world, award_scheme, django_capture_on_commit_callbacks)
    with request_context.bind(source="test"):
        with pytest.raises(ApplicationError) as error:
            award_scheme_update(
                actor=adviser(world), award_scheme=award_scheme, instalment_days=DAYS[:2]
            )
        assert error.value.field == "instalment_days"
        with pytest.raises(ApplicationError):
            award_scheme_update(
                actor=adviser(world), award_scheme=award_scheme, amount_pence=500_00
            )
        renamed = award_scheme_update(
            actor=adviser(world), award_scheme=award_scheme, name="Care leavers' award (new)"
        )
    assert renamed.name == "Care leavers' award (new)"
    assert renamed.amount_pence == 1_200_00
