"""Shifts as students and coordinators meet them: open places offered to those they fit (one
message each per offering), claimed first come, allocated only to someone eligible, dropped or
swapped at any time without penalty (the place offered again, the coordinator told), recorded
as worked; a co-presenter paid for preparing and delivering their talk; a session's student
ambassadors listed by name on its page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.urls import reverse
from freezegun import freeze_time

from conftest import signed_in_client
from tests.partners.factories import (
    EVERY_DAY,
    UK,
    autumn_term,
    make_partner,
    make_role,
    make_shift,
    partner_account,
)
from widen.accounts.models import Membership, User
from widen.accounts.models import Role as MemberRole
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.events.models import Event, EventKind, PresenterRole, Talk
from widen.notifications.models import Notification
from widen.partners.models import (
    AssignmentSource,
    AssignmentStatus,
    PlanChange,
    Role,
    RoleKind,
    Shift,
    ShiftAllocation,
    ShiftKind,
    ShiftOffer,
)
from widen.partners.selectors.shifts import shift_candidates, shifts_open_to_me
from widen.partners.services.co_presenting import co_presenter_add
from widen.partners.services.shift_swaps import (
    COLLEAGUE_CANNOT,
    shift_drop,
    shift_swap_accept,
    shift_swap_cancel,
    shift_swap_offer,
)
from widen.partners.services.shifts import (
    shift_allocate,
    shift_cancel,
    shift_claim,
    shift_create,
    shift_offer_open_places,
    shift_record_not_worked,
    shift_record_worked,
    shift_update,
)
from widen.testing.delivery import north_activity, planned_session
from widen.testing.world import World

pytestmark = [pytest.mark.django_db]

NOW = datetime(2026, 11, 4, 9, 0, tzinfo=UK)
MONDAY = date(2026, 11, 9)


@pytest.fixture(autouse=True)
def _now() -> Iterator[None]:
    with freeze_time(NOW):
        yield


@pytest.fixture
def coordinator(world: World) -> User:
    return world.users["outreach_officer"]


@pytest.fixture
def role(world: World, coordinator: User) -> Role:
    autumn_term(world.alpha)
    return make_role(world.alpha, coordinator)


def messages_to(user: User, template: str) -> list[Notification]:
    return list(Notification.objects.filter(user=user, template=template))


def test_open_places_are_offered_to_those_they_fit_with_one_message_each(
    world: World, role: Role, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    fits = make_partner(world.alpha, "A1", first_name="Aisha", roles=(role,))
    no_mornings = make_partner(
        world.alpha, "A2", roles=(role,), patterns=((0, time(12), time(20)), *EVERY_DAY[1:])
    )
    aisha = partner_account(fits)
    with django_capture_on_commit_callbacks(execute=True):
        first = shift_create(
            actor=coordinator,
            role=role,
            title="Monday tour",
            starts_at=datetime.combine(MONDAY, time(9), tzinfo=UK),
            ends_at=datetime.combine(MONDAY, time(12), tzinfo=UK),
            offer_now=False,
        )
        second = shift_create(
            actor=coordinator,
            role=role,
            title="Tuesday tour",
            starts_at=datetime.combine(MONDAY + timedelta(days=1), time(9), tzinfo=UK),
            ends_at=datetime.combine(MONDAY + timedelta(days=1), time(12), tzinfo=UK),
            offer_now=False,
        )
        run = shift_offer_open_places(actor=coordinator, shifts=Shift.objects.all())

    assert (run.offers_made, run.partners_told) == (3, 2)
    assert set(ShiftOffer.objects.values_list("shift_id", "partner_id")) == {
        (first.pk, fits.pk),
        (second.pk, fits.pk),
        (second.pk, no_mornings.pk),
    }
    [message] = messages_to(aisha, "partners/shifts_offered")
    assert message.subject == "2 shifts are open to you"
    assert "Monday tour" in message.body_text
    assert "Tuesday tour" in message.body_text
    # Offering again offers and tells nobody twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = shift_offer_open_places(actor=coordinator, shifts=Shift.objects.all())
    assert (again.offers_made, again.partners_told) == (0, 0)
    assert len(messages_to(aisha, "partners/shifts_offered")) == 1


def test_a_coordinator_of_another_provider_cannot_offer_or_create(world: World, role: Role) -> None:
    beta_coordinator = User.objects.create_user(username="coordinator.beta")
    Membership.objects.create(
        user=beta_coordinator, organisation=world.beta, role=MemberRole.OUTREACH_OFFICER
    )
    with pytest.raises(NotFound):
        shift_create(
            actor=beta_coordinator,
            role=role,
            title="Not theirs",
            starts_at=datetime.combine(MONDAY, time(9), tzinfo=UK),
            ends_at=datetime.combine(MONDAY, time(12), tzinfo=UK),
        )
    assert not Shift.objects.exists()


def test_places_are_claimed_first_come_and_a_full_shift_refuses(
    world: World, role: Role, coordinator: User
) -> None:
    first, second = (make_partner(world.alpha, f"F{n}", roles=(role,)) for n in (1, 2))
    shift = make_shift(role, MONDAY, places=1)
    shift_offer_open_places(actor=coordinator, shifts=Shift.objects.filter(pk=shift.pk))
    assert {shift.pk} == set(
        shifts_open_to_me(actor=partner_account(second)).values_list("pk", flat=True)
    )

    booking = shift_claim(actor=partner_account(first), shift=shift)
    assert (booking.partner, booking.source, booking.status) == (
        first,
        AssignmentSource.CLAIMED,
        AssignmentStatus.BOOKED,
    )
    with pytest.raises(ApplicationError, match="every place on this shift has been taken"):
        shift_claim(actor=partner_account(second), shift=shift)
    assert list(shifts_open_to_me(actor=partner_account(second))) == []
    assert shift.assignments.count() == 1


def test_a_claim_checks_the_plan_again_at_the_moment_of_claiming(
    world: World, role: Role, coordinator: User
) -> None:
    partner = make_partner(world.alpha, "G1", roles=(role,))
    shift = make_shift(role, MONDAY)
    shift_offer_open_places(actor=coordinator, shifts=Shift.objects.filter(pk=shift.pk))
    with request_context.bind(source="test"):
        PlanChange.objects.create(plan=partner.plan, organisation=world.alpha, date=MONDAY)
    with pytest.raises(ApplicationError) as refused:
        shift_claim(actor=partner_account(partner), shift=shift)
    assert refused.value.message == (
        "This shift no longer fits: You have said you are not available on Monday 9 November 2026."
    )
    assert not shift.assignments.exists()


def test_a_shift_never_offered_to_someone_cannot_be_claimed_by_them(
    world: World, role: Role
) -> None:
    partner = make_partner(world.alpha, "G2", roles=(role,))
    shift = make_shift(role, MONDAY)
    with pytest.raises(NotFound):
        shift_claim(actor=partner_account(partner), shift=shift)


def test_a_dropped_place_is_offered_again_to_others_and_the_coordinator_told(
    world: World, role: Role, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    dropper = make_partner(world.alpha, "D1", first_name="Dana", last_name="Drop", roles=(role,))
    waiting = make_partner(world.alpha, "D2", roles=(role,))
    shift = make_shift(role, MONDAY, title="Open day")
    shift_offer_open_places(actor=coordinator, shifts=Shift.objects.filter(pk=shift.pk))
    booking = shift_claim(actor=partner_account(dropper), shift=shift)
    newcomer = make_partner(world.alpha, "D3", roles=(role,))  # joined since it was offered
    waiting_user, newcomer_user = partner_account(waiting), partner_account(newcomer)

    with django_capture_on_commit_callbacks(execute=True):
        dropped = shift_drop(actor=partner_account(dropper), assignment=booking)

    assert (dropped.status, dropped.swap_offered_to) == (AssignmentStatus.DROPPED, None)
    assert ShiftOffer.objects.filter(shift=shift, partner=newcomer).exists()
    for user in (waiting_user, newcomer_user):
        [told] = messages_to(user, "partners/shifts_offered")
        assert "Open day" in told.body_text
    assert not Notification.objects.filter(user=dropper.student.user).exists()
    [coordinator_told] = messages_to(coordinator, "partners/shift_dropped")
    assert "Dana Drop can no longer work Open day" in coordinator_told.body_text
    assert "offered it again to 2 students" in coordinator_told.body_text
    # The place is open again: another student takes it.
    taken = shift_claim(actor=newcomer_user, shift=shift)
    assert taken.status == AssignmentStatus.BOOKED
    # Nothing else about the student who dropped it changed.
    dropper.refresh_from_db()
    assert dropper.is_active


def test_a_swap_keeps_the_shift_until_the_colleague_accepts(
    world: World, role: Role, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    asker = make_partner(world.alpha, "S1", first_name="Asha", last_name="Asker", roles=(role,))
    colleague = make_partner(
        world.alpha, "S2", first_name="Cal", last_name="Colleague", roles=(role,)
    )
    busy = make_partner(world.alpha, "S3", roles=(role,), patterns=())
    shift = make_shift(role, MONDAY, title="Tour")
    booking = shift_allocate(actor=coordinator, shift=shift, partner=asker)
    asker_user, colleague_user = partner_account(asker), partner_account(colleague)

    with pytest.raises(ApplicationError) as refused:
        shift_swap_offer(actor=asker_user, assignment=booking, colleague=busy)
    assert refused.value.message == COLLEAGUE_CANNOT  # never the colleague's own reasons

    with django_capture_on_commit_callbacks(execute=True):
        shift_swap_offer(actor=asker_user, assignment=booking, colleague=colleague)
    booking.refresh_from_db()
    assert (booking.status, booking.swap_offered_to) == (AssignmentStatus.BOOKED, colleague)
    assert messages_to(colleague_user, "partners/swap_offered")

    # The colleague declines: it stays the asker's.
    shift_swap_cancel(actor=colleague_user, assignment=booking)
    booking.refresh_from_db()
    assert (booking.status, booking.swap_offered_to) == (AssignmentStatus.BOOKED, None)
    with pytest.raises(NotFound):
        shift_swap_accept(actor=colleague_user, assignment=booking)

    shift_swap_offer(actor=asker_user, assignment=booking, colleague=colleague)
    with django_capture_on_commit_callbacks(execute=True):
        taken = shift_swap_accept(actor=colleague_user, assignment=booking)
    booking.refresh_from_db()
    assert booking.status == AssignmentStatus.DROPPED
    assert (taken.partner, taken.source, taken.status) == (
        colleague,
        AssignmentSource.SWAPPED,
        AssignmentStatus.BOOKED,
    )
    assert messages_to(asker_user, "partners/swap_taken")
    [told] = messages_to(coordinator, "partners/swap_taken")
    assert "Cal Colleague has taken over Tour" in told.body_text


def test_an_allocation_to_someone_it_does_not_fit_is_refused_with_the_reason(
    world: World, role: Role, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    shift = make_shift(role, MONDAY, allocation=ShiftAllocation.ALLOCATED, title="Panel")
    capped = make_partner(
        world.alpha,
        "L1",
        first_name="Lin",
        last_name="Limit",
        roles=(role,),
        max_weekly_minutes=120,
    )
    fits = make_partner(world.alpha, "L2", first_name="Femi", last_name="Fit", roles=(role,))

    with pytest.raises(ApplicationError) as refused:
        shift_allocate(actor=coordinator, shift=shift, partner=capped)
    assert refused.value.message == (
        "Lin Limit cannot be given this shift: It would make 3 hours in the week of Monday 9 "
        "November 2026, more than the 2 hours a week their plan allows."
    )
    candidates = shift_candidates(actor=coordinator, shift=shift)
    assert [(one.partner, one.eligible) for one in candidates] == [(fits, True), (capped, False)]

    femi = partner_account(fits)
    with django_capture_on_commit_callbacks(execute=True):
        booking = shift_allocate(actor=coordinator, shift=shift, partner=fits)
    assert booking.source == AssignmentSource.ALLOCATED
    assert messages_to(femi, "partners/shift_allocated")
    # An allocated shift is not offered for claiming.
    assert not ShiftOffer.objects.filter(shift=shift).exists()


def test_a_change_that_a_booked_student_could_not_work_is_refused(
    world: World, role: Role, coordinator: User
) -> None:
    visa = make_partner(
        world.alpha, "U1", first_name="Vi", last_name="Visa", roles=(role,), student_visa=True
    )
    for day in range(3):
        shift_allocate(
            actor=coordinator,
            shift=make_shift(role, MONDAY + timedelta(days=day), time(9), 5, title=f"Day {day}"),
            partner=visa,
        )
    thursday = make_shift(role, MONDAY + timedelta(days=3), time(9), 4, title="Thursday")
    shift_allocate(actor=coordinator, shift=thursday, partner=visa)  # 19 hours

    with pytest.raises(ApplicationError, match="Vi Visa is booked on it and could not work it"):
        shift_update(
            actor=coordinator,
            shift=thursday,
            changes={"ends_at": thursday.ends_at + timedelta(hours=2)},
        )
    thursday.refresh_from_db()
    assert thursday.minutes == 240
    shift_update(actor=coordinator, shift=thursday, changes={"title": "Thursday tour"})
    thursday.refresh_from_db()
    assert thursday.title == "Thursday tour"


def test_a_coordinator_records_worked_minutes_or_that_it_did_not_take_place(
    world: World, role: Role, coordinator: User
) -> None:
    worker, other = (make_partner(world.alpha, f"W{n}", roles=(role,)) for n in (1, 2))
    shift = make_shift(role, MONDAY, places=2)
    first = shift_allocate(actor=coordinator, shift=shift, partner=worker)
    second = shift_allocate(actor=coordinator, shift=shift, partner=other)
    with pytest.raises(ApplicationError, match="has not started"):
        shift_record_worked(actor=coordinator, assignment=first)
    with freeze_time(datetime.combine(MONDAY, time(15), tzinfo=UK)):
        worked = shift_record_worked(actor=coordinator, assignment=first, minutes=150)
        not_worked = shift_record_not_worked(actor=coordinator, assignment=second)
        with pytest.raises(NotFound):
            shift_record_worked(actor=partner_account(worker), assignment=first)
    assert (worked.status, worked.worked_minutes, worked.recorded_by) == (
        AssignmentStatus.WORKED,
        150,
        coordinator,
    )
    assert (not_worked.status, not_worked.worked_minutes) == (AssignmentStatus.NOT_WORKED, None)


def test_a_cancelled_shift_tells_those_booked(
    world: World, role: Role, coordinator: User, django_capture_on_commit_callbacks: Any
) -> None:
    partner = make_partner(world.alpha, "K1", roles=(role,))
    user = partner_account(partner)
    shift = make_shift(role, MONDAY, title="Campus tour")
    booking = shift_allocate(actor=coordinator, shift=shift, partner=partner)
    with django_capture_on_commit_callbacks(execute=True):
        shift_cancel(actor=coordinator, shift=shift)
    booking.refresh_from_db()
    assert booking.status == AssignmentStatus.NOT_WORKED
    [told] = messages_to(user, "partners/shift_cancelled")
    assert told.subject == "Cancelled: Campus tour"


def _conference(world: World) -> Talk:
    starts = datetime.combine(MONDAY + timedelta(days=4), time(9), tzinfo=UK)
    with request_context.bind(source="test"):
        event = Event.objects.create(
            partnership=world.north,
            organiser=world.alpha,
            title="Widening participation staff conference",
            kind=EventKind.CONFERENCE,
            starts_at=starts,
            ends_at=starts + timedelta(hours=7),
            venue="Great Hall, Alpha University",
        )
    return Talk.objects.create(
        event=event,
        title="What first-generation students want you to know",
        starts_at=starts + timedelta(hours=2),
        ends_at=starts + timedelta(hours=3),
        room="Room 2",
    )


def test_a_co_presenter_gets_two_costs_covered_shifts(world: World, coordinator: User) -> None:
    autumn_term(world.alpha)
    role = make_role(
        world.alpha, coordinator, title="Conference co-presenter", kind=RoleKind.CO_PRESENTER
    )
    partner = make_partner(
        world.alpha, "P1", first_name="Priya", last_name="Presenter", roles=(role,)
    )
    talk = _conference(world)

    made = co_presenter_add(
        actor=coordinator,
        talk=talk,
        partner=partner,
        role=role,
        preparation_starts_at=datetime.combine(MONDAY + timedelta(days=1), time(14), tzinfo=UK),
        preparation_minutes=150,
    )

    assert (made.presenter.name, made.presenter.role) == ("Priya Presenter", PresenterRole.STUDENT)
    assert list(talk.presenters.values_list("name", flat=True)) == ["Priya Presenter"]
    shifts = {shift.kind: shift for shift in Shift.objects.filter(talk=talk)}
    assert set(shifts) == {ShiftKind.PREPARATION, ShiftKind.DELIVERY}
    assert shifts[ShiftKind.PREPARATION].minutes == 150
    delivery = shifts[ShiftKind.DELIVERY]
    assert (delivery.starts_at, delivery.ends_at, delivery.place) == (
        talk.starts_at,
        talk.ends_at,
        "Room 2",
    )
    for shift in shifts.values():
        assert shift.costs_covered
        assert shift.role.kind == RoleKind.CO_PRESENTER
        assert shift.event == talk.event
        [booking] = shift.assignments.all()
        assert (booking.partner, booking.status) == (partner, AssignmentStatus.BOOKED)


def test_a_co_presenter_whose_plan_does_not_fit_is_refused_and_nothing_added(
    world: World, coordinator: User
) -> None:
    autumn_term(world.alpha)
    role = make_role(world.alpha, coordinator, title="Co-presenter", kind=RoleKind.CO_PRESENTER)
    weekdays_only = tuple(pattern for pattern in EVERY_DAY if pattern[0] < 4)  # not Fridays
    partner = make_partner(world.alpha, "P2", roles=(role,), patterns=weekdays_only)
    talk = _conference(world)
    with pytest.raises(ApplicationError, match="cannot be given this shift: Their plan"):
        co_presenter_add(
            actor=coordinator,
            talk=talk,
            partner=partner,
            role=role,
            preparation_starts_at=datetime.combine(MONDAY, time(14), tzinfo=UK),
            preparation_minutes=60,
        )
    assert not talk.presenters.exists()
    assert not Shift.objects.exists()


def test_a_sessions_page_lists_its_student_ambassadors_by_name(
    world: World, role: Role, coordinator: User
) -> None:
    activity = north_activity(world, "Year 10 campus day", sub_type="Campus tour")
    session = planned_session(
        activity,
        day=MONDAY,
        starts_at=time(10),
        ends_at=time(13),
        venue="Great Hall, Alpha University",
        student_ambassadors="Two ambassadors from the students' union",
    )
    without = planned_session(
        activity,
        day=MONDAY + timedelta(days=1),
        starts_at=time(10),
        ends_at=time(13),
        venue="Great Hall, Alpha University",
        student_ambassadors="Two ambassadors from the students' union",
    )
    partner = make_partner(
        world.alpha, "Z1", first_name="Zara", last_name="Ambassador", roles=(role,)
    )
    shift = shift_create(
        actor=coordinator, role=role, title="Campus day guides", session=session, places=2
    )
    assert (shift.starts_at, shift.ends_at) == (
        datetime.combine(MONDAY, time(10), tzinfo=UK),
        datetime.combine(MONDAY, time(13), tzinfo=UK),
    )
    shift_allocate(actor=coordinator, shift=shift, partner=partner)

    client = signed_in_client(coordinator)
    page = client.get(reverse("activities:register", kwargs={"session_id": session.pk}))
    text = page.content.decode()
    assert "Student ambassadors" in text
    assert "Zara Ambassador" in text
    assert "1 place open" in text
    assert "from the students&#x27; union" not in text
    other = client.get(reverse("activities:register", kwargs={"session_id": without.pk}))
    assert "Two ambassadors from the students&#x27; union" in other.content.decode()
