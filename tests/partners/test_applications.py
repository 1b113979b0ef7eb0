"""Applying to a role: a short draft saved and resumed (nothing typed lost), sent with a date
to decide by in working days, decided by the coordinator (offer: the student becomes a partner
with a plan to set; decline: with a note), each side told. Nobody else sees it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from conftest import signed_in_client
from tests.partners.factories import make_role
from tests.students.mine.support import signed_in_by_link, student_at
from widen.accounts.models import Role as StaffRole
from widen.accounts.models import User
from widen.audit.models import AccessLogEntry
from widen.core.exceptions import NotFound
from widen.notifications.models import Notification
from widen.partners.models import Application, ApplicationStatus, FlexibilityPlan, Partner, Role
from widen.partners.services.applications import application_offer, application_submit
from widen.students.models import Student
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db

SAM = "sam@example.ac.uk"
ALEX = "alex@example.ac.uk"
# A Friday before Christmas: five working days on is Tuesday 29 December (25 December and the
# Boxing Day holiday on Monday 28 December are not working days).
FRIDAY = "2026-12-18 11:00"


def coordinator(world: World) -> User:
    return world.users[StaffRole.OUTREACH_OFFICER]


@pytest.fixture
def role(world: World) -> Role:
    return make_role(
        world.alpha, coordinator(world), title="Student ambassador", decision_working_days=5
    )


@pytest.fixture
def sam(world: World) -> Student:
    return student_at(world.alpha, "S1", SAM, first_name="Samira", last_name="Okafor")


@pytest.fixture
def sam_client(sam: Student, django_capture_on_commit_callbacks: Any) -> Client:
    return signed_in_by_link(SAM, django_capture_on_commit_callbacks)


def apply_url(role: Role) -> str:
    return reverse("partners:apply", kwargs={"role_id": role.pk})


def page_of(application: Application) -> str:
    return reverse("partners:my_application", kwargs={"application_id": application.pk})


ANSWERS = {
    "why_this_role": "I loved my own campus visit.",
    "what_you_bring": "I care for my dad, so I plan well.",
    "adjustments": "Written questions in advance (dyslexia).",
    "working_patterns": "Not Monday mornings.",
}


def sent_application(world: World, role: Role, sam: Student, capture: Any) -> Application:
    user = sam.user or _link_user(sam, capture)
    application = Application.objects.create(role=role, student=sam, **ANSWERS)
    with capture(execute=True):
        return application_submit(actor=user, application=application)


def _link_user(student: Student, capture: Any) -> User:
    signed_in_by_link(student.email, capture)
    student.refresh_from_db()
    assert student.user is not None
    return student.user


def test_a_draft_is_saved_and_resumed_later(
    world: World, role: Role, sam: Student, sam_client: Client
) -> None:
    assert "Student ambassador" in sam_client.get(reverse("partners:open_roles")).content.decode()
    response = sam_client.post(
        apply_url(role), {"why_this_role": "I loved my campus visit.", "action": "save"}
    )
    application = Application.objects.get(student=sam)
    assert response["Location"] == page_of(application)
    assert application.is_draft
    assert application.why_this_role == "I loved my campus visit."
    # Later, on a phone: the role's "Apply" leads back to the same draft, answers in place.
    assert sam_client.get(apply_url(role))["Location"] == page_of(application)
    page = sam_client.get(page_of(application)).content.decode()
    assert "I loved my campus visit." in page
    sam_client.post(
        page_of(application),
        {
            "why_this_role": "I loved my campus visit.",
            "what_you_bring": "Patience.",
            "action": "save",
        },
    )
    application.refresh_from_db()
    assert application.what_you_bring == "Patience."
    assert Application.objects.filter(student=sam).count() == 1


def test_nothing_typed_is_lost_on_a_validation_error(
    role: Role, sam: Student, sam_client: Client
) -> None:
    too_long = "x" * 2001
    response = sam_client.post(
        apply_url(role),
        {"why_this_role": "Because.", "what_you_bring": too_long, "action": "submit"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Keep this answer to 2,000 characters." in page
    assert too_long in page  # shown again as typed
    application = Application.objects.get(student=sam)
    assert application.is_draft
    assert application.why_this_role == "Because."  # what could be kept is kept


def test_sending_without_the_needed_answers_is_refused_and_the_draft_stays(
    role: Role, sam: Student, sam_client: Client
) -> None:
    response = sam_client.post(
        apply_url(role), {"working_patterns": "Evenings online.", "action": "submit"}
    )
    assert response.status_code == 200
    assert "Say why you would like this role." in response.content.decode()
    application = Application.objects.get(student=sam)
    assert application.is_draft
    assert application.working_patterns == "Evenings online."


def test_sending_gives_a_decide_by_date_in_working_days_and_tells_the_coordinator(
    world: World, role: Role, sam: Student, django_capture_on_commit_callbacks: Any
) -> None:
    with freeze_time(FRIDAY), django_capture_on_commit_callbacks(execute=True):
        sam_client = signed_in_by_link(SAM, django_capture_on_commit_callbacks)
        response = sam_client.post(apply_url(role), {**ANSWERS, "action": "submit"})
    assert response["Location"] == reverse("partners:my_applications")
    application = Application.objects.get(student=sam)
    assert application.is_submitted
    assert application.decide_by == date(2026, 12, 29)
    told = Notification.objects.get(
        user=coordinator(world), template="partners/application_submitted"
    )
    assert "29 December 2026" in told.subject
    assert told.link == reverse("partners:application", kwargs={"application_id": application.pk})
    listed = sam_client.get(reverse("partners:my_applications")).content.decode()
    assert "Tue 29 Dec 2026" in listed
    # Sent: the answers can no longer change, but it can be withdrawn.
    sam_client.post(page_of(application), {**ANSWERS, "why_this_role": "Changed", "action": "save"})
    application.refresh_from_db()
    assert application.why_this_role == ANSWERS["why_this_role"]
    sam_client.post(page_of(application), {"action": "withdraw"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_a_student_cannot_see_another_students_application(
    world: World,
    role: Role,
    sam: Student,
    sam_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sam_client.post(apply_url(role), {**ANSWERS, "action": "save"})
    application = Application.objects.get(student=sam)
    student_at(world.alpha, "S2", ALEX, first_name="Alex", last_name="Brennan")
    alex = signed_in_by_link(ALEX, django_capture_on_commit_callbacks)
    assert alex.get(page_of(application)).status_code == 404
    response = alex.post(page_of(application), {"action": "withdraw"})
    assert response.status_code == 404
    assert "dyslexia" not in alex.get(reverse("partners:my_applications")).content.decode()
    application.refresh_from_db()
    assert application.is_draft
    # Staff never open a student's own page either.
    assert signed_in_client(coordinator(world)).get(page_of(application)).status_code == 404


def test_a_coordinator_sees_no_draft(
    world: World, role: Role, sam: Student, sam_client: Client
) -> None:
    sam_client.post(apply_url(role), {**ANSWERS, "action": "save"})
    application = Application.objects.get(student=sam)
    client = signed_in_client(coordinator(world))
    page = reverse("partners:application", kwargs={"application_id": application.pk})
    assert client.get(page).status_code == 404
    assert "Samira" not in client.get(reverse("partners:applications")).content.decode()


def test_the_queue_lists_overdue_applications_first_and_marked(
    world: World, role: Role, sam: Student, django_capture_on_commit_callbacks: Any
) -> None:
    alex = student_at(world.alpha, "S2", ALEX, first_name="Alex", last_name="Brennan")
    today = timezone.localdate()
    for student, decide_by in (
        (sam, today + timedelta(days=10)),
        (alex, today - timedelta(days=2)),
    ):
        Application.objects.create(
            role=role,
            student=student,
            status=ApplicationStatus.SUBMITTED,
            decide_by=decide_by,
            **ANSWERS,
        )
    page = signed_in_client(coordinator(world)).get(reverse("partners:applications"))
    text = page.content.decode()
    assert text.index("Alex Brennan") < text.index("Samira Okafor")
    assert "1 application past its decision date" in text
    overdue_row = text[text.index("Alex Brennan") : text.index("Samira Okafor")]
    assert "Overdue" in overdue_row


def test_a_coordinator_of_another_provider_gets_404(
    world: World, role: Role, sam: Student, django_capture_on_commit_callbacks: Any
) -> None:
    application = sent_application(world, role, sam, django_capture_on_commit_callbacks)
    beta_coordinator = make_user("coordinator.beta", world.beta, StaffRole.OUTREACH_OFFICER)
    client = signed_in_client(beta_coordinator)
    page = reverse("partners:application", kwargs={"application_id": application.pk})
    assert client.get(page).status_code == 404
    assert client.post(page, {"decision": "offer"}).status_code == 404
    assert "Samira" not in client.get(reverse("partners:applications")).content.decode()
    with pytest.raises(NotFound):
        application_offer(actor=beta_coordinator, application=application)
    application.refresh_from_db()
    assert application.is_submitted
    assert not Partner.objects.exists()


def test_the_coordinator_reads_the_adjustments_and_the_view_is_logged(
    world: World, role: Role, sam: Student, django_capture_on_commit_callbacks: Any
) -> None:
    application = sent_application(world, role, sam, django_capture_on_commit_callbacks)
    page = signed_in_client(coordinator(world)).get(
        reverse("partners:application", kwargs={"application_id": application.pk})
    )
    assert "Written questions in advance (dyslexia)." in page.content.decode()
    logged = AccessLogEntry.objects.get(
        subject_type="partners.application", subject_id=str(application.pk)
    )
    assert logged.actor_id == coordinator(world).pk
    assert "special_category" in logged.data_categories


def test_an_offer_makes_the_student_a_partner_with_a_plan_to_set(
    world: World, role: Role, sam: Student, django_capture_on_commit_callbacks: Any
) -> None:
    application = sent_application(world, role, sam, django_capture_on_commit_callbacks)
    client = signed_in_client(coordinator(world))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("partners:application", kwargs={"application_id": application.pk}),
            {"decision": "offer", "note": "Welcome aboard!"},
        )
    partner = Partner.objects.get(student=sam)
    assert response["Location"] == reverse("partners:partner", kwargs={"partner_id": partner.pk})
    assert partner.organisation == world.alpha
    assert list(partner.roles.all()) == [role]
    plan = FlexibilityPlan.objects.get(partner=partner)
    assert plan.organisation == world.alpha
    assert not plan.patterns.exists()
    application.refresh_from_db()
    assert application.is_offered
    assert application.decided_by == coordinator(world)
    sam.refresh_from_db()
    told = Notification.objects.get(user=sam.user, template="partners/application_offered")
    assert "Welcome aboard!" in told.body_text
    # A second role later: the same partner, now in both.
    second = make_role(world.alpha, coordinator(world), title="Co-researcher")
    again = Application.objects.create(role=second, student=sam, **ANSWERS)
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(actor=sam.user, application=again)
        application_offer(actor=coordinator(world), application=again)
    assert Partner.objects.filter(student=sam).count() == 1
    assert set(partner.roles.all()) == {role, second}


def test_declining_needs_a_note_which_the_student_reads(
    world: World, role: Role, sam: Student, django_capture_on_commit_callbacks: Any
) -> None:
    application = sent_application(world, role, sam, django_capture_on_commit_callbacks)
    client = signed_in_client(coordinator(world))
    page = reverse("partners:application", kwargs={"application_id": application.pk})
    refused = client.post(page, {"decision": "decline", "note": ""})
    assert "Say why the role is not offered" in refused.content.decode()
    application.refresh_from_db()
    assert application.is_submitted
    with django_capture_on_commit_callbacks(execute=True):
        client.post(page, {"decision": "decline", "note": "All places are filled this term."})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DECLINED
    assert not Partner.objects.exists()
    sam.refresh_from_db()
    told = Notification.objects.get(user=sam.user, template="partners/application_declined")
    assert "All places are filled this term." in told.body_text


def test_the_queue_asks_as_many_queries_for_many_applications_as_for_one(
    world: World, role: Role
) -> None:
    client = signed_in_client(coordinator(world))

    def queries_with(count: int) -> int:
        for number in range(Application.objects.count(), count):
            student = student_at(world.alpha, f"Q{number}", f"q{number}@example.ac.uk")
            Application.objects.create(
                role=role,
                student=student,
                status=ApplicationStatus.SUBMITTED,
                decide_by=timezone.localdate(),
                **ANSWERS,
            )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("partners:applications")).status_code == 200
        return len(queries)

    assert queries_with(1) == queries_with(4)
