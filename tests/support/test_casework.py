"""1-2-1 casework: advisers of the student's provider open cases, write private and shared notes,
hand cases over, refer with the student's consent, close with an outcome and re-open keeping the
history; students ask for appointments, which advisers book, hold or cancel and open cases from.
Nobody else (an organisation admin, an outreach officer, a partner provider's adviser) sees or
does any of it, and the student never sees a private note."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.support.cases import (
    PRIVATE,
    SHARED,
    beta_adviser,
    nadia,
    open_case,
    second_adviser,
    student_with_account,
)
from widen.accounts.models import Role, User
from widen.audit.models import AccessLogEntry, AuditEvent, StateChange
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.notifications.models import Notification
from widen.support.models import (
    Appointment,
    AppointmentMode,
    AppointmentStatus,
    Case,
    CaseStatus,
    CaseTopic,
    ReferralService,
    SupportRecord,
)
from widen.support.permissions.casework import case_policy, my_shared_notes
from widen.support.selectors.casework import (
    case_filters,
    case_get,
    case_timeline,
    case_views_record,
    caseload,
    my_case_timeline,
    my_follow_ups,
    my_open_cases,
    overdue_cases,
)
from widen.support.services.appointments import (
    appointment_book,
    appointment_cancel,
    appointment_hold,
    appointment_request,
    case_open_from_appointment,
)
from widen.support.services.casework import (
    case_close,
    case_handover,
    case_open,
    case_reopen,
    note_add,
    referral_close,
    referral_make,
)
from widen.testing.world import World

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 10)


def told(student: Any, template: str) -> list[Notification]:
    return list(Notification.objects.filter(user=student.user, template=template))


def test_only_the_students_own_providers_advisers_see_or_work_on_a_case(world: World) -> None:
    case = open_case(world, student_with_account(world))
    assert case_get(actor=nadia(world), case_id=case.pk) == case
    assert case_get(actor=second_adviser(world), case_id=case.pk) == case
    outsiders = [
        world.users[Role.ORGANISATION_ADMIN],
        world.users[Role.OUTREACH_OFFICER],
        world.users[Role.PARTNERSHIP_ADMIN],
        beta_adviser(world),
    ]
    for outsider in outsiders:
        with pytest.raises(NotFound):
            case_get(actor=outsider, case_id=case.pk)
        with pytest.raises(NotFound):
            note_add(actor=outsider, case=case, body="Trying to write")
        with pytest.raises(NotFound):
            case_close(actor=outsider, case=case, outcome="Closing someone else's case")
    assert case.notes.count() == 2


def test_a_case_is_opened_for_a_student_of_the_provider_with_advisers_of_it(world: World) -> None:
    ours = student_with_account(world)
    theirs = student_with_account(world, "B9", "Bo")
    theirs.organisation = world.beta
    theirs.save(update_fields=["organisation"])
    base = {"actor": nadia(world), "organisation": world.alpha, "topic": CaseTopic.FUNDING}
    with pytest.raises(ApplicationError) as refused:
        case_open(**base, student=theirs, summary="Money")
    assert refused.value.field == "student"
    with pytest.raises(ApplicationError) as refused:
        case_open(**base, student=ours, summary="Money", assignee=beta_adviser(world))
    assert refused.value.field == "assignee"
    with pytest.raises(ApplicationError) as refused:
        case_open(
            **base, student=ours, summary="Money", reviewer=world.users[Role.ORGANISATION_ADMIN]
        )
    assert refused.value.field == "reviewer"
    with pytest.raises(ApplicationError):
        case_open(**base, student=ours, summary="   ")
    with pytest.raises(NotFound):
        case_open(
            **{**base, "actor": world.users[Role.OUTREACH_OFFICER]}, student=ours, summary="x"
        )
    case = case_open(
        **base,
        student=ours,
        summary="Rent is due before the bursary",
        assignee=second_adviser(world),
        reviewer=nadia(world),
        follow_up_on=TODAY,
    )
    assert (case.assignee, case.reviewer, case.status) == (
        second_adviser(world),
        nadia(world),
        CaseStatus.OPEN,
    )
    assert AuditEvent.objects.filter(object_id=str(case.pk), action="create").exists()
    assert not told(ours, "support/case_opened"), "an adviser's own case is not announced"


def test_notes_are_private_by_default_and_only_shared_ones_reach_the_student(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student = student_with_account(world)
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(world, student)
    assert [n.shared_with_student for n in case.notes.order_by("written_at")] == [False, True]
    assert len(told(student, "support/case_note_shared")) == 1
    email = told(student, "support/case_note_shared")[0]
    assert PRIVATE not in email.body_text
    assert SHARED not in email.body_text
    seen = [note.body for note in my_shared_notes(student.user)]
    assert seen == [SHARED]
    student_view = " ".join(entry.text for entry in my_case_timeline(case))
    assert SHARED in student_view
    assert PRIVATE not in student_view
    adviser_view = " ".join(entry.text for entry in case_timeline(case))
    assert SHARED in adviser_view
    assert PRIVATE in adviser_view
    other = student_with_account(world, "C2", "Dee")
    assert not my_shared_notes(other.user).exists()


def test_a_handover_passes_the_case_and_its_whole_history_to_another_adviser(
    world: World,
) -> None:
    case = open_case(world, student_with_account(world))
    omar = second_adviser(world)
    with pytest.raises(ApplicationError) as refused:
        case_handover(actor=nadia(world), case=case, to_adviser=beta_adviser(world))
    assert refused.value.field == "to_adviser"
    handover = case_handover(
        actor=nadia(world), case=case, to_adviser=omar, note="Omar knows the halls team"
    )
    case.refresh_from_db()
    assert (case.assignee, handover.from_adviser, handover.to_adviser) == (omar, nadia(world), omar)
    assert list(my_open_cases(actor=omar)) == [case]
    assert not my_open_cases(actor=nadia(world)).exists()
    history = case_timeline(case_get(actor=omar, case_id=case.pk))
    assert {entry.text for entry in history} >= {PRIVATE, SHARED, "Omar knows the halls team"}
    assert any("Handed over from" in entry.title for entry in history)


def test_a_referral_needs_the_students_consent_recorded(world: World) -> None:
    case = open_case(world, student_with_account(world))
    refer = {"actor": nadia(world), "case": case, "service": ReferralService.MONEY_ADVICE}
    with pytest.raises(ApplicationError) as refused:
        referral_make(**refer, consent_given_on=None, consent_how="in person")
    assert refused.value.field == "consent_given_on"
    with pytest.raises(ApplicationError) as refused:
        referral_make(**refer, consent_given_on=TODAY, consent_how="  ")
    assert refused.value.field == "consent_how"
    assert not case.referrals.exists()
    referral = referral_make(
        **refer, consent_given_on=TODAY, consent_how="in person at the appointment"
    )
    with pytest.raises(ApplicationError):
        referral_close(actor=nadia(world), referral=referral, outcome="")
    closed = referral_close(actor=nadia(world), referral=referral, outcome="Budget plan agreed")
    assert closed.closed_at is not None
    assert closed.outcome == "Budget plan agreed"
    with pytest.raises(NotFound):
        referral_make(
            **{**refer, "actor": beta_adviser(world)},
            consent_given_on=TODAY,
            consent_how="in person",
        )


def test_a_referral_to_the_personal_adviser_needs_the_records_consent_when_there_is_a_record(
    world: World,
) -> None:
    student = student_with_account(world)
    case = open_case(world, student)
    refer = {
        "actor": nadia(world),
        "case": case,
        "service": ReferralService.PERSONAL_ADVISER,
        "consent_given_on": TODAY,
        "consent_how": "by e-mail",
    }
    with request_context.bind(source="test"):
        record = SupportRecord.objects.create(organisation=world.alpha, student=student)
    with pytest.raises(ApplicationError) as refused:
        referral_make(**refer)
    assert "personal adviser" in refused.value.message
    record.personal_adviser_consent = True
    record.personal_adviser_consent_on = TODAY
    record.save()
    assert referral_make(**refer).service == ReferralService.PERSONAL_ADVISER


def test_closing_needs_an_outcome_and_reopening_keeps_the_history(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student = student_with_account(world)
    User.objects.filter(pk=nadia(world).pk).update(first_name="Nadia", last_name="Okafor")
    case = open_case(world, student)
    case_handover(actor=nadia(world), case=case, to_adviser=second_adviser(world))
    referral_make(
        actor=nadia(world),
        case=case,
        service=ReferralService.ACCOMMODATION,
        consent_given_on=TODAY,
        consent_how="in person",
    )
    with pytest.raises(ApplicationError) as refused:
        case_close(actor=nadia(world), case=case, outcome=" ")
    assert refused.value.field == "outcome"
    with django_capture_on_commit_callbacks(execute=True):
        case_close(actor=nadia(world), case=case, outcome="A room for the summer is booked")
    assert len(told(student, "support/case_closed")) == 1
    assert "A room for the summer is booked" in told(student, "support/case_closed")[0].body_text
    with pytest.raises(ApplicationError):
        case_close(actor=nadia(world), case=case, outcome="Again")
    reopened = case_reopen(actor=nadia(world), case=case, reason="The booking fell through")
    assert reopened.status == CaseStatus.OPEN
    assert (case.notes.count(), case.handovers.count(), case.referrals.count()) == (2, 1, 1)
    moves = StateChange.objects.filter(object_id=str(case.pk)).order_by("occurred_at")
    assert [m.transition for m in moves] == ["close", "reopen"]
    titles = [entry.title for entry in case_timeline(case)]
    assert titles.index("Case closed") < titles.index("Case re-opened")
    closed_entry = next(e for e in case_timeline(case) if e.title == "Case closed")
    assert closed_entry.text == "A room for the summer is booked"
    assert closed_entry.who == "Nadia Okafor"  # by name, as every other entry, not the username


def test_lists_my_cases_my_follow_ups_overdue_and_the_caseload(world: World) -> None:
    student = student_with_account(world)
    me, omar = nadia(world), second_adviser(world)
    due = open_case(world, student, notes=False, follow_up_on=TODAY, topic=CaseTopic.FUNDING)
    late = open_case(world, student, notes=False, follow_up_on=TODAY - timedelta(days=3))
    later = open_case(world, student, notes=False, follow_up_on=TODAY + timedelta(days=7))
    omars = open_case(
        world, student, notes=False, assignee=omar, follow_up_on=TODAY - timedelta(days=1)
    )
    done = open_case(world, student, notes=False, follow_up_on=TODAY - timedelta(days=9))
    case_close(actor=me, case=done, outcome="Sorted")
    assert set(my_open_cases(actor=me)) == {due, late, later}
    assert set(my_follow_ups(actor=me, today=TODAY)) == {due, late}
    assert list(overdue_cases(actor=me, today=TODAY)) == [late, omars]
    load = caseload(actor=me, today=TODAY)
    by_name = {adviser.name: adviser for adviser in load.advisers}
    assert by_name["Omar Haddad"].open_cases == 1
    assert by_name["Omar Haddad"].overdue == 1
    mine = next(a for a in load.advisers if a.open_cases == 3)
    assert mine.overdue == 1
    topics = {topic.label: topic.open_cases for topic in load.topics}
    assert topics["Funding and money"] == 1
    assert topics["Accommodation"] == 3
    assert load.open_cases == 4
    assert caseload(actor=beta_adviser(world), today=TODAY).open_cases == 0


def test_cases_are_never_filtered_or_searched_by_their_notes(world: World) -> None:
    for asked in ({"note": "rent"}, {"notes__body__icontains": "rent"}, {"q": "rent"}):
        with pytest.raises(ApplicationError) as refused:
            case_filters(asked)
        assert "notes" in refused.value.message
    with pytest.raises(ApplicationError):
        case_filters({"student__care_experienced": "1"})
    with pytest.raises(ApplicationError):
        case_filters({"topic": "gossip"})
    assert case_filters({"topic": "funding", "status": "open"}).topic == "funding"


def test_every_read_of_a_case_names_the_student_and_who_read_it(world: World) -> None:
    case = open_case(world, student_with_account(world))
    reader = second_adviser(world)
    with request_context.bind(source="web", actor=reader):
        case_views_record(actor=reader, cases=[case], purpose="a support case")
    entry = AccessLogEntry.objects.get(subject_id=str(case.student_id))
    assert entry.actor_id == reader.pk
    assert entry.subject_type == "students.student"
    assert "special_category" in entry.data_categories


def test_a_student_asks_for_an_appointment_an_adviser_books_it_and_opens_a_case(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student = student_with_account(world)
    appointment = appointment_request(
        actor=student.user,
        topic=CaseTopic.ACCOMMODATION,
        request="My halls contract ends in June and I have nowhere to go",
        preferred_times="Tuesday afternoons",
        mode=AppointmentMode.ONLINE,
    )
    assert (appointment.student, appointment.status) == (student, AppointmentStatus.REQUESTED)
    with pytest.raises(ApplicationError):
        appointment_request(actor=student.user, topic=CaseTopic.FUNDING, request=" ")
    with pytest.raises(NotFound):
        appointment_request(actor=nadia(world), topic=CaseTopic.FUNDING, request="Help")
    starts = timezone.now() + timedelta(days=2)
    with pytest.raises(NotFound):
        appointment_book(
            actor=beta_adviser(world),
            appointment=appointment,
            starts_at=starts,
            where="Room 1",
            adviser=beta_adviser(world),
        )
    with pytest.raises(ApplicationError) as refused:
        appointment_book(
            actor=nadia(world),
            appointment=appointment,
            starts_at=starts,
            where="Room 1",
            adviser=world.users[Role.ORGANISATION_ADMIN],
        )
    assert refused.value.field == "adviser"
    with django_capture_on_commit_callbacks(execute=True):
        booked = appointment_book(
            actor=nadia(world),
            appointment=appointment,
            starts_at=starts,
            where="https://meet.example.org/nadia",
            adviser=nadia(world),
        )
        case = case_open_from_appointment(
            actor=nadia(world),
            appointment=appointment,
            summary="A place to live over the summer",
            assignee=nadia(world),
        )
    assert booked.status == AppointmentStatus.BOOKED
    assert len(told(student, "support/appointment_booked")) == 1
    assert len(told(student, "support/case_opened")) == 1
    appointment.refresh_from_db()
    assert appointment.case == case
    assert case.topic == CaseTopic.ACCOMMODATION
    with pytest.raises(ApplicationError):
        case_open_from_appointment(actor=nadia(world), appointment=appointment, summary="Again")
    held = appointment_hold(actor=nadia(world), appointment=appointment)
    assert held.status == AppointmentStatus.HELD
    with pytest.raises(ApplicationError):
        appointment_cancel(actor=nadia(world), appointment=appointment)
    assert any(entry.kind == "appointment" for entry in my_case_timeline(case))
    second = appointment_request(actor=student.user, topic=CaseTopic.FUNDING, request="Money")
    cancelled = appointment_cancel(actor=nadia(world), appointment=second, reason="Sorted")
    assert cancelled.status == AppointmentStatus.CANCELLED
    assert Appointment.objects.filter(student=student).count() == 2
    assert Case.objects.filter(student=student).count() == 1
    assert case_policy.visible_to(world.users[Role.ORGANISATION_ADMIN]).count() == 0
