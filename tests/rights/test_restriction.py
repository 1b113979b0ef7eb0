"""Restriction and objection, as the people using Widen see them.

A learner whose processing is restricted (a data-rights request) is left out of every processing
path until the restriction is lifted: targeting, enrolment from a rule set, bookings, survey
links, exports of individuals and duplicate finding; their record stays readable, marked
"Processing restricted". An objection to equality monitoring takes the learner out of the
counts by target group (the equality report) but not out of the learners engaged. An anonymised
record is in no list, search or picker, and still counts in the partnership's figures.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import api_call, signed_in_client
from tests.dedup.conftest import MakeLearner, make_learner  # noqa: F401
from tests.evaluation.support import activity_with_register, event_with_bookings
from tests.evaluation.support import open_survey as survey_for
from tests.events.conftest import booked, make_event
from tests.reporting.conftest import Delivery, delivery, fsm_rule_set, pupils  # noqa: F401
from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role
from widen.activities.imports import (
    RESTRICTED_NOT_ADDED,
    register_import_check,
    register_import_commit,
    register_import_start,
)
from widen.activities.services import register_add
from widen.core.exceptions import ApplicationError
from widen.core.links import link_token_new
from widen.evaluation.services import invitations_send_for_session
from widen.events.models import Booking, BookingStatus
from widen.events.services import reminders_send
from widen.learners.models import Learner
from widen.programmes.models import Enrolment, Programme
from widen.rights.models import RequestKind, RightsRequest
from widen.rights.services import (
    RequestDetails,
    rights_request_name_records,
    rights_request_record,
    rights_request_restrict,
)
from widen.targeting.models import LearnerAreaProfile
from widen.targeting.rule_sets import eligibility_compute, rule_set_create
from widen.targeting.services import area_profiles_compute
from widen.testing.delivery import alpha_pupil, attend, student_finance_talk
from widen.testing.pupil_lists import csv_bytes
from widen.testing.world import World

pytestmark = pytest.mark.django_db

SYSTEM = system_actor("restriction tests")
NONE_WORKED_OUT = "No rule set has been worked out for this learner."
FSM = {"any": [{"all": [{"criterion": "free_school_meals"}]}]}


def restricted(learners: list[Learner], kind: str = RequestKind.RESTRICTION) -> RightsRequest:
    """The learners restricted (or objecting) through a data-protection officer's request."""
    request = rights_request_record(
        actor=SYSTEM,
        organisation=learners[0].organisation,
        details=RequestDetails(
            kind=kind,
            person_name=learners[0].display_name,
            person_email="person@example.org",
            details="By letter.",
            received_on=timezone.localdate(),
        ),
    )
    rights_request_name_records(
        actor=SYSTEM, request=request, learner_ids=[learner.pk for learner in learners]
    )
    rights_request_restrict(actor=SYSTEM, request=request)
    return request


def lifted(request: RightsRequest) -> None:
    rights_request_restrict(actor=SYSTEM, request=request, lift=True)


def rows_of(response: Any) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def officer(world: World) -> Client:
    return signed_in_client(world.users[Role.OUTREACH_OFFICER])


def fsm(world: World) -> Any:
    rule_set = rule_set_create(actor=SYSTEM, partnership=world.north, name="FSM", definition=FSM)
    eligibility_compute(rule_set)
    return rule_set


# --- The record stays readable, marked -------------------------------------------------------


def test_a_restricted_record_stays_readable_and_is_marked_until_lifted(world: World) -> None:
    client = officer(world)
    detail = f"/learners/{world.learner_alpha.pk}/"
    assert "Processing restricted" not in client.get(detail).content.decode()
    request = restricted([world.learner_alpha])
    page = client.get(detail)
    assert page.status_code == 200
    assert "Amara Alphason" in page.content.decode()
    assert "Processing restricted" in page.content.decode()
    listed = client.get("/learners/", {"q": "Alphason"}).content.decode()
    assert "Amara Alphason" in listed
    assert "Processing restricted" in listed
    token = world.tokens[Role.OUTREACH_OFFICER]
    answer = api_call(token, "GET", f"/api/v1/learners/{world.learner_alpha.pk}").json()
    assert answer["processing_restricted"] is True
    assert answer["last_name"] == "Alphason"
    lifted(request)
    assert "Processing restricted" not in client.get(detail).content.decode()
    answer = api_call(token, "GET", f"/api/v1/learners/{world.learner_alpha.pk}").json()
    assert "processing_restricted" not in answer


# --- Targeting ---------------------------------------------------------------------------------


def test_a_restricted_learner_is_not_on_a_rule_sets_eligible_list(world: World) -> None:
    rule_set = fsm(world)
    client = officer(world)

    def eligible() -> str:
        return client.get("/learners/", {"eligibility": f"{rule_set.pk}:eligible"}).content.decode()

    def counted() -> str:
        page = client.get(reverse("targeting:rule_sets")).content.decode()
        found = re.search(r">FSM</a></td><td>[^<]*</td><td>(\d+ of \d+)", page)
        return found.group(1) if found else page

    assert "Amara Alphason" in eligible()
    assert counted() == "3 of 3"
    request = restricted([world.learner_alpha])
    assert "Amara Alphason" not in eligible()
    assert "Sami Schoolman" in eligible()
    assert counted() == "2 of 2"
    lifted(request)
    assert "Amara Alphason" in eligible()
    assert counted() == "3 of 3"


def test_a_restricted_learner_is_not_counted_in_school_targeting(world: World) -> None:
    rule_set = fsm(world)
    client = officer(world)

    def sixth_form() -> list[str]:
        rows = rows_of(
            client.get(
                reverse("targeting:schools"), {"rule_set": str(rule_set.pk), "format": "csv"}
            )
        )
        heading = rows[0]
        row = next(row for row in rows if row[0] == "Sixth Form School")
        return [row[heading.index("Learners")], row[heading.index("Eligible (FSM)")]]

    before = sixth_form()
    request = restricted([world.learner_alpha])
    assert sixth_form() == [str(int(before[0]) - 1), str(int(before[1]) - 1)]
    lifted(request)
    assert sixth_form() == before


def test_working_a_rule_set_out_again_leaves_a_restricted_learner_out(world: World) -> None:
    rule_set = fsm(world)
    client = officer(world)
    page = f"/targeting/learners/{world.learner_alpha.pk}/"
    assert NONE_WORKED_OUT not in client.get(page).content.decode()
    request = restricted([world.learner_alpha])
    eligibility_compute(rule_set)
    assert NONE_WORKED_OUT in client.get(page).content.decode()
    lifted(request)
    eligibility_compute(rule_set)
    assert NONE_WORKED_OUT not in client.get(page).content.decode()


# --- Enrolment from a rule set -----------------------------------------------------------------


def test_a_restricted_learner_is_not_enrolled_from_the_rule_set(world: World) -> None:
    other = alpha_pupil(world, "Ola", last_name="Other", free_school_meals=True)
    rule_set = fsm(world)
    programme = Programme.objects.create(partnership=world.north, name="LPP", rule_set=rule_set)
    admin = signed_in_client(world.users[Role.PARTNERSHIP_ADMIN])
    request = restricted([world.learner_alpha])
    response = admin.post(reverse("programmes:enrol", args=[programme.pk]), follow=True)
    assert response.status_code == 200
    enrolled = Enrolment.objects.filter(programme=programme, left_on=None)
    assert not enrolled.filter(learner=world.learner_alpha).exists()
    assert enrolled.filter(learner=other).exists()  # the others were enrolled
    lifted(request)
    admin.post(reverse("programmes:enrol", args=[programme.pk]))
    assert enrolled.filter(learner=world.learner_alpha).exists()


def test_a_restricted_learner_is_not_offered_to_enrol_by_hand(world: World) -> None:
    programme = Programme.objects.create(partnership=world.north, name="LPP")
    admin = signed_in_client(world.users[Role.PARTNERSHIP_ADMIN])
    url = reverse("programmes:enrolments", args=[programme.pk])
    request = restricted([world.learner_alpha])
    assert "Amara Alphason" not in admin.get(url, {"q": "Alphason"}).content.decode()
    lifted(request)
    assert "Amara Alphason" in admin.get(url, {"q": "Alphason"}).content.decode()


# --- Bookings ------------------------------------------------------------------------------------


def test_booking_a_restricted_learner_is_refused_with_the_reason(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(world, capacity=None).event
    client = officer(world)
    form = {"source": "school", "school": str(world.school.pk), "contact_email": "t@example.org"}
    request = restricted([world.learner_alpha])
    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(f"/events/{event.pk}/bookings/group/", form, follow=True)
    html = page.content.decode()
    assert "Amara Alphason: processing of their record is restricted" in html
    assert not event.bookings.filter(learner=world.learner_alpha).exists()
    assert all("Amara" not in message.body for message in mail.outbox)
    lifted(request)
    client.post(f"/events/{event.pk}/bookings/group/", form)
    assert event.bookings.filter(learner=world.learner_alpha).exists()


def test_booking_one_restricted_learner_is_refused_and_changes_nothing(world: World) -> None:
    event = make_event(world, capacity=None).event
    request = restricted([world.learner_alpha])
    with pytest.raises(ApplicationError) as refused:
        booked(event, "Amara Alphason", actor=SYSTEM, learner=world.learner_alpha)
    assert "Amara Alphason: processing of this learner's record is restricted" in str(refused.value)
    assert not event.bookings.exists()
    lifted(request)
    booked(event, "Amara Alphason", actor=SYSTEM, learner=world.learner_alpha)
    assert event.bookings.filter(learner=world.learner_alpha).exists()


def test_a_restricted_learner_is_not_sent_a_reminder(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    event = make_event(world, days=1, capacity=None).event
    booked(event, "Amara Alphason", actor=SYSTEM, learner=world.learner_alpha)
    request = restricted([world.learner_alpha])
    mail.outbox.clear()
    tomorrow = event.starts_at - timedelta(hours=12)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(actor=SYSTEM, now=tomorrow)
    assert mail.outbox == []
    lifted(request)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_send(actor=SYSTEM, now=tomorrow)
    (reminder,) = mail.outbox
    assert reminder.to == ["amara@example.org"]


# --- Surveys -------------------------------------------------------------------------------------


def test_a_restricted_learner_is_not_given_a_survey_link(world: World) -> None:
    session = activity_with_register(world)
    survey = survey_for(world, session=session)
    client = officer(world)
    send = reverse("evaluation:send", kwargs={"survey_id": survey.pk})
    request = restricted([world.learner_alpha])
    first = client.post(send, {"target": f"session:{session.pk}"}).content.decode()
    assert "Sami Schoolman" in first
    assert "Amara Alphason" not in first
    lifted(request)
    again = client.post(send, {"target": f"session:{session.pk}"}).content.decode()
    assert "Amara Alphason" in again


def test_a_restricted_learners_booking_is_not_e_mailed_a_survey_link(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    event = event_with_bookings(world)
    Booking.objects.create(
        event=event,
        organisation=world.alpha,
        learner=world.learner_alpha,
        name="Amara Alphason",
        email="amara@example.org",
        attendee_type="learner",
        status=BookingStatus.BOOKED,
        requested_at=timezone.now() - timedelta(days=3),
        token_digest=link_token_new().digest,
    )
    survey = survey_for(world, event=event)
    client = officer(world)
    send = reverse("evaluation:send", kwargs={"survey_id": survey.pk})
    request = restricted([world.learner_alpha])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send, {"target": f"event:{event.pk}"})
    sent_to = {message.to[0] for message in mail.outbox}
    assert "person0@example.org" in sent_to
    assert "amara@example.org" not in sent_to
    lifted(request)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send, {"target": f"event:{event.pk}"})
    assert "amara@example.org" in {message.to[0] for message in mail.outbox}


def test_a_link_given_before_the_restriction_stops_working_until_it_is_lifted(
    world: World,
) -> None:
    session = activity_with_register(world)
    survey = survey_for(world, session=session)
    given = invitations_send_for_session(
        actor=world.users[Role.OUTREACH_OFFICER], survey=survey, session=session
    )
    link = next(link.link for link in given if link.name == "Amara Alphason")
    assert Client().get(link).status_code == 200
    request = restricted([world.learner_alpha])
    assert Client().get(link).status_code == 404
    lifted(request)
    assert Client().get(link).status_code == 200


# --- Exports -------------------------------------------------------------------------------------


def test_a_restricted_learner_is_left_out_of_the_monitoring_export(delivery: Delivery) -> None:  # noqa: F811
    world = delivery.world
    attend(delivery.sessions[0], [world.learner_alpha, world.learner_school])
    url = reverse("reporting:monitoring_export", args=[world.north.pk])
    client = officer(world)

    def names() -> set[str]:
        header, *rows = rows_of(client.get(url))
        return {row[header.index("last_name")] for row in rows}

    assert names() == {"Alphason", "Schoolman"}
    request = restricted([world.learner_alpha])
    assert names() == {"Schoolman"}
    lifted(request)
    assert names() == {"Alphason", "Schoolman"}


def test_an_objection_keeps_the_learner_in_the_export_without_target_groups(
    delivery: Delivery,  # noqa: F811
) -> None:
    world = delivery.world
    attend(delivery.sessions[0], [world.learner_alpha])
    rule_set = fsm(world)
    url = reverse("reporting:monitoring_export", args=[world.north.pk])
    client = officer(world)
    column = f"target: {rule_set.name}"

    def target() -> str:
        header, row = rows_of(client.get(url))
        return row[header.index(column)]

    assert target() == "yes"
    request = restricted([world.learner_alpha], RequestKind.OBJECTION)
    assert target() == "not monitored"
    lifted(request)
    assert target() == "yes"


# --- Duplicate finding ---------------------------------------------------------------------------


def test_a_restricted_learner_is_not_proposed_as_a_duplicate(
    world: World,
    make_learner: MakeLearner,  # noqa: F811
) -> None:
    first = make_learner("Aisha", "Rahman")
    make_learner("Aysha", "Rahman", postcode="E15 1DB")
    client = signed_in_client(world.users[Role.PARTNERSHIP_ADMIN])
    request = restricted([first])
    client.post("/learners/duplicates/find/")
    assert "Aisha Rahman" not in client.get("/learners/duplicates/").content.decode()
    lifted(request)
    client.post("/learners/duplicates/find/")
    queue = client.get("/learners/duplicates/").content.decode()
    assert "Aisha Rahman" in queue
    assert "Aysha Rahman" in queue
    # Restricted again: the pair waits, out of the queue, until lifted.
    request = restricted([first])
    assert "Aisha Rahman" not in client.get("/learners/duplicates/").content.decode()
    lifted(request)
    assert "Aisha Rahman" in client.get("/learners/duplicates/").content.decode()


# --- Objection: the equality report, not the totals ----------------------------------------------


def test_an_objection_leaves_the_counts_by_target_group_but_not_the_learners_engaged(
    delivery: Delivery,  # noqa: F811
) -> None:
    world = delivery.world
    rule_set = fsm_rule_set(world)
    targets = pupils(world, 12, prefix="Target")
    Learner.objects.filter(pk__in=[learner.pk for learner in targets]).update(
        free_school_meals=True
    )
    others = pupils(world, 6, prefix="Other")
    attend(delivery.sessions[0], [*targets, *others])
    eligibility_compute(rule_set)
    client = officer(world)
    url = reverse("reporting:targets", args=[world.north.pk])

    def by_status() -> dict[str, str]:
        rows = rows_of(client.get(url, {"format": "csv", "table": "target-status"}))
        return {row[0]: row[1] for row in rows[1:]}

    def engaged() -> str:
        years = rows_of(
            client.get(
                reverse("reporting:dashboard", args=[world.north.pk]),
                {"format": "csv", "table": "year-groups"},
            )
        )
        return years[1][1]

    assert by_status() == {
        "Eligible": "12",
        "Not eligible": "6",
        "Not worked out yet or not monitored": "0",
    }
    assert engaged() == "18"
    request = restricted(targets[:6], RequestKind.OBJECTION)
    assert by_status() == {
        "Eligible": "6",
        "Not eligible": "6",
        "Not worked out yet or not monitored": "6",
    }
    assert engaged() == "18"
    lifted(request)
    assert by_status()["Eligible"] == "12"


# --- Anonymised records ------------------------------------------------------------------------


def anonymised(learner: Learner) -> None:
    Learner.objects.filter(pk=learner.pk).update(anonymised_at=timezone.now() - timedelta(days=1))


def test_an_anonymised_learner_is_in_no_list_search_or_picker(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    client = officer(world)
    other = alpha_pupil(world, "Ola", last_name="Other")
    anonymised(world.learner_alpha)
    assert "Amara Alphason" not in client.get("/learners/").content.decode()
    assert "Amara Alphason" not in client.get("/learners/", {"q": "Alphason"}).content.decode()
    listed = api_call(world.tokens[Role.OUTREACH_OFFICER], "GET", "/api/v1/learners").json()
    assert str(world.learner_alpha.pk) not in str(listed)
    assert str(world.learner_school.pk) in str(listed)
    event = make_event(world, capacity=None).event
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/events/{event.pk}/bookings/group/",
            {"source": "school", "school": str(world.school.pk), "contact_email": "t@example.org"},
        )
    assert not event.bookings.filter(learner=world.learner_alpha).exists()
    assert event.bookings.filter(learner=other).exists()
    rule_set = fsm(world)
    eligible = client.get("/learners/", {"eligibility": f"{rule_set.pk}:eligible"})
    assert "Amara Alphason" not in eligible.content.decode()


def test_an_anonymised_learner_is_not_proposed_as_a_duplicate(
    world: World,
    make_learner: MakeLearner,  # noqa: F811
) -> None:
    first = make_learner("Aisha", "Rahman")
    make_learner("Aysha", "Rahman", postcode="E15 1DB")
    anonymised(first)
    client = signed_in_client(world.users[Role.PARTNERSHIP_ADMIN])
    client.post("/learners/duplicates/find/")
    assert "Aysha Rahman" not in client.get("/learners/duplicates/").content.decode()


def test_an_anonymised_learner_still_counts_in_the_partnerships_reach(
    delivery: Delivery,  # noqa: F811
) -> None:
    world = delivery.world
    year_10 = pupils(world, 6)
    attend(delivery.sessions[0], year_10)
    client = officer(world)
    url = reverse("reporting:dashboard", args=[world.north.pk])
    before = rows_of(client.get(url, {"format": "csv", "table": "year-groups"}))
    assert before[1][:2] == ["Year 10", "6"]
    anonymised(year_10[0])
    after = rows_of(client.get(url, {"format": "csv", "table": "year-groups"}))
    assert after == before
    assert year_10[0].first_name not in client.get("/learners/").content.decode()


def test_a_restricted_learner_has_no_area_profile_until_it_is_lifted(world: World) -> None:
    learner = world.learner_alpha

    def profiled() -> bool:
        return LearnerAreaProfile.objects.filter(learner=learner).exists()

    area_profiles_compute()
    assert profiled()
    request = restricted([learner])
    area_profiles_compute()
    assert not profiled()
    area_profiles_compute([learner.pk])
    assert not profiled()
    lifted(request)
    area_profiles_compute([learner.pk])
    assert profiled()


# --- Registers -----------------------------------------------------------------------------------


def test_a_restricted_learner_is_not_put_on_a_register_nor_offered_for_one(world: World) -> None:
    session = student_finance_talk(world, actor=SYSTEM, school=world.school)
    request = restricted([world.learner_school])
    client = signed_in_client(world.users[Role.OUTREACH_OFFICER])
    url = reverse("activities:register", args=[session.pk])
    page = client.get(url, {"filtered": "1"}).content.decode()
    assert "Amara Alphason" in page  # a pupil of the same school is offered
    assert "Sami Schoolman" not in page  # the restricted one is not
    with pytest.raises(ApplicationError) as refused:
        register_add(actor=SYSTEM, session=session, learners=[world.learner_school])
    assert str(refused.value) == (
        "Sami Schoolman: processing of this learner's record is restricted, so they cannot be put "
        "on a register until the restriction is lifted."
    )
    assert not session.register.exists()
    lifted(request)
    register_add(actor=SYSTEM, session=session, learners=[world.learner_school])
    assert session.register.filter(learner=world.learner_school).exists()


def test_a_register_file_naming_a_restricted_learner_shows_the_row_and_adds_the_rest(
    world: World,
) -> None:
    session = student_finance_talk(world, actor=SYSTEM, school=world.school)
    restricted([world.learner_school])
    officer_user = world.users[Role.OUTREACH_OFFICER]
    rows = [["Legal Forename", "Legal Surname", "DOB", "Attended"]]
    for learner in (world.learner_alpha, world.learner_school):
        rows.append(
            [learner.first_name, learner.last_name, f"{learner.date_of_birth:%d/%m/%Y}", "Y"]
        )
    upload = register_import_start(
        actor=officer_user, session=session, file_name="register.csv", content=csv_bytes(rows)
    )
    report = register_import_check(upload, actor=officer_user)
    assert [(problem.row, problem.reason) for problem in report.problems] == [
        (3, RESTRICTED_NOT_ADDED)
    ]
    with pytest.raises(ApplicationError, match="1 row of the register has problems"):
        register_import_commit(upload=upload, actor=officer_user)
    assert not session.register.exists()
    register_import_commit(upload=upload, actor=officer_user, accept_partial=True)
    assert list(session.register.values_list("learner__first_name", flat=True)) == ["Amara"]
