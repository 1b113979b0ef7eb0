"""Signing in with a link e-mailed to a student (or anyone without a staff role): the page tells
nobody which addresses are known, the link works once for 15 minutes, a staff role's account
never gets one, and a second factor once set up is asked for after the link."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from tests.students.mine.support import (
    ask_for_link,
    links_sent_to,
    signed_in_by_link,
    student_at,
)
from widen.accounts.models import Membership, Role, SignInLink, User
from widen.audit.models import AuditEvent
from widen.notifications.models import Category, Notification
from widen.students.models import Student, StudentStatus
from widen.testing.world import World

pytestmark = pytest.mark.django_db

ADDRESS = "sam.student@alpha.example.ac.uk"


def _page_text(response: Any, email: str) -> str:
    return response.content.decode().replace(email, "ADDRESS")


def _signed_in_as(client: Client) -> str | None:
    return client.session.get(SESSION_KEY)


def test_the_page_answers_alike_for_a_known_and_an_unknown_address_and_mails_only_the_known(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student_at(world.alpha, "A1", ADDRESS)
    known = ask_for_link(Client(), ADDRESS, django_capture_on_commit_callbacks)
    unknown = ask_for_link(Client(), "nobody@example.org", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 200
    assert "Check your e-mail" in known.content.decode()
    # The same words either way, bar the address typed (and the form's CSRF token).
    strip = lambda text: [line for line in text.splitlines() if "csrf" not in line]  # noqa: E731
    assert strip(_page_text(known, ADDRESS)) == strip(_page_text(unknown, "nobody@example.org"))
    assert len(links_sent_to(ADDRESS)) == 1
    assert links_sent_to("nobody@example.org") == []
    (message,) = mail.outbox
    assert "15 minutes" in message.body
    # Sent as an account e-mail nobody can switch off, its body wiped once sent.
    notification = Notification.objects.get(email=ADDRESS)
    assert notification.category == Category.ACCOUNT
    assert notification.secret
    assert notification.body_text == ""
    # Only the token's digest is kept.
    token = links_sent_to(ADDRESS)[0].rstrip("/").rsplit("/", 1)[1]
    assert not SignInLink.objects.filter(token_digest=token).exists()
    assert SignInLink.objects.get().email == ADDRESS


def test_opening_the_link_asks_first_then_signs_in_once_making_the_account(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student = student_at(world.alpha, "A1", ADDRESS, first_name="Samira", last_name="Khan")
    client = Client()
    ask_for_link(client, ADDRESS, django_capture_on_commit_callbacks)
    (path,) = links_sent_to(ADDRESS)
    # Opening it (as a mail scanner might) shows a button and spends nothing.
    page = client.get(path)
    assert page.status_code == 200
    assert "Sign in" in page.content.decode()
    assert _signed_in_as(client) is None
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("my_student:record")
    user = User.objects.get(email=ADDRESS)
    assert _signed_in_as(client) == str(user.pk)
    assert user.username == ADDRESS
    assert not user.has_usable_password()
    assert (user.first_name, user.last_name) == ("Samira", "Khan")
    assert not user.memberships.exists()
    student.refresh_from_db()
    assert student.user == user
    # Linking the record is audited as done by the student themselves.
    event = AuditEvent.objects.filter(object_id=str(student.pk), changed_fields=["user_id"]).get()
    assert event.actor_id == user.pk
    assert client.get(reverse("my_student:record")).status_code == 200

    # Once: the same link again, from anywhere, signs nobody in.
    again = Client()
    used = again.post(path)
    assert used.status_code == 200
    assert "already been used" in used.content.decode()
    assert reverse("my_student:sign_in") in used.content.decode()
    assert _signed_in_as(again) is None


def test_the_next_link_signs_in_the_same_account(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student_at(world.alpha, "A1", ADDRESS)
    first = signed_in_by_link(ADDRESS, django_capture_on_commit_callbacks)
    second = signed_in_by_link(ADDRESS, django_capture_on_commit_callbacks)
    assert _signed_in_as(first) == _signed_in_as(second)
    assert User.objects.filter(email=ADDRESS).count() == 1


def test_a_link_older_than_15_minutes_offers_a_new_one(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student_at(world.alpha, "A1", ADDRESS)
    client = Client()
    ask_for_link(client, ADDRESS, django_capture_on_commit_callbacks)
    (path,) = links_sent_to(ADDRESS)
    with freeze_time(timezone.now() + timedelta(minutes=16)):
        response = client.post(path)
    assert response.status_code == 200
    text = response.content.decode()
    assert "valid for 15 minutes" in text
    assert reverse("my_student:sign_in") in text
    assert _signed_in_as(client) is None
    assert not User.objects.filter(email=ADDRESS).exists()


def test_a_newer_link_replaces_an_older_one(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student_at(world.alpha, "A1", ADDRESS)
    ask_for_link(Client(), ADDRESS, django_capture_on_commit_callbacks)
    ask_for_link(Client(), ADDRESS, django_capture_on_commit_callbacks)
    older, newer = links_sent_to(ADDRESS)
    assert "valid for 15 minutes" in Client().post(older).content.decode()
    assert Client().post(newer).status_code == 302


def test_a_link_we_never_sent_is_not_found_and_offers_a_new_one(world: World) -> None:
    response = Client().post(reverse("my_student:sign_in_link", kwargs={"token": "x" * 43}))
    assert response.status_code == 404
    assert reverse("my_student:sign_in") in response.content.decode()


def test_a_staff_role_never_signs_in_by_link(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    officer = world.users[Role.OUTREACH_OFFICER]
    officer.email = "officer@alpha.example.ac.uk"
    officer.save()
    ask_for_link(Client(), officer.email, django_capture_on_commit_callbacks)
    # Nor by a student record that gives a staff member's address.
    student_at(world.alpha, "A2", officer.email)
    ask_for_link(Client(), officer.email, django_capture_on_commit_callbacks)
    assert links_sent_to(officer.email) == []
    assert not SignInLink.objects.exists()


def test_a_link_sent_before_the_account_gained_a_staff_role_no_longer_signs_it_in(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student_at(world.alpha, "A1", ADDRESS)
    signed_in_by_link(ADDRESS, django_capture_on_commit_callbacks)
    user = User.objects.get(email=ADDRESS)
    ask_for_link(Client(), ADDRESS, django_capture_on_commit_callbacks)
    path = links_sent_to(ADDRESS)[-1]
    Membership.objects.create(user=user, organisation=world.alpha, role=Role.READ_ONLY)
    client = Client()
    response = client.post(path)
    assert response.status_code == 200
    assert "no longer works" in response.content.decode()
    assert _signed_in_as(client) is None


def test_a_staff_role_gained_while_signed_in_by_link_must_then_give_its_code(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student_at(world.alpha, "A1", ADDRESS)
    client = signed_in_by_link(ADDRESS, django_capture_on_commit_callbacks)
    assert client.get(reverse("my_student:record")).status_code == 200
    Membership.objects.create(
        user=User.objects.get(email=ADDRESS), organisation=world.alpha, role=Role.READ_ONLY
    )
    response = client.get(reverse("my_student:record"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa_verify"))


def test_records_anonymised_or_withdrawn_long_ago_get_no_link(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student_at(world.alpha, "A1", "gone@example.ac.uk", anonymised_at=timezone.now())
    student_at(
        world.alpha,
        "A2",
        "left@example.ac.uk",
        status=StudentStatus.WITHDRAWN,
        status_since=timezone.localdate() - timedelta(days=400),
    )
    student_at(
        world.alpha,
        "A3",
        "just.left@example.ac.uk",
        status=StudentStatus.WITHDRAWN,
        status_since=timezone.localdate() - timedelta(days=30),
    )
    for address in ("gone@example.ac.uk", "left@example.ac.uk", "just.left@example.ac.uk"):
        ask_for_link(Client(), address, django_capture_on_commit_callbacks)
    assert links_sent_to("gone@example.ac.uk") == []
    assert links_sent_to("left@example.ac.uk") == []
    assert len(links_sent_to("just.left@example.ac.uk")) == 1


def test_an_account_without_a_staff_role_and_no_student_record_gets_a_link(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    mentor = User.objects.create(username="mentor", email="mentor@example.org")
    client = signed_in_by_link("mentor@example.org", django_capture_on_commit_callbacks)
    assert _signed_in_as(client) == str(mentor.pk)
    assert (
        "No student record is linked" in client.get(reverse("my_student:record")).content.decode()
    )


@override_settings(WIDEN_SIGN_IN_LINK_ADDRESS_RATE="2/h", WIDEN_SIGN_IN_LINK_RATE="4/h")
def test_asking_is_limited_per_address_quietly_and_per_client_with_429(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student_at(world.alpha, "A1", ADDRESS)
    answers = [
        ask_for_link(
            Client(REMOTE_ADDR=f"192.0.2.{n}"), ADDRESS, django_capture_on_commit_callbacks
        )
        for n in range(1, 5)
    ]
    # Past the address's limit the page answers the same, and sends nothing more.
    assert [answer.status_code for answer in answers] == [200, 200, 200, 200]
    assert len(links_sent_to(ADDRESS)) == 2
    one_place = Client(REMOTE_ADDR="198.51.100.7")
    statuses = [
        ask_for_link(one_place, f"p{n}@example.org", django_capture_on_commit_callbacks).status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_a_second_factor_is_offered_not_forced_and_once_set_the_next_link_asks_for_it(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student_at(world.alpha, "A1", ADDRESS)
    client = signed_in_by_link(ADDRESS, django_capture_on_commit_callbacks)
    record = client.get(reverse("my_student:record")).content.decode()
    assert "Add an authenticator app" in record
    setup_url = f"{reverse('accounts:mfa_setup')}?next={reverse('my_student:record')}"
    setup = client.get(setup_url).content.decode()
    assert "Not now" in setup
    device = TOTPDevice.objects.get(user__email=ADDRESS, confirmed=False)
    done = client.post(setup_url, {"otp_token": _code(device)})
    assert done.status_code == 302
    assert done["Location"] == reverse("my_student:record")
    assert (
        "Add an authenticator app" not in client.get(reverse("my_student:record")).content.decode()
    )

    # The next sign-in by link asks for the code before anything else.
    later = Client()
    ask_for_link(later, ADDRESS, django_capture_on_commit_callbacks)
    opened = later.post(links_sent_to(ADDRESS)[-1])
    assert opened["Location"].startswith(reverse("accounts:mfa_verify"))
    blocked = later.get(reverse("my_student:record"))
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(reverse("accounts:mfa_verify"))
    device.refresh_from_db()
    with freeze_time(timezone.now() + timedelta(seconds=31)):
        verified = later.post(
            f"{reverse('accounts:mfa_verify')}?next={reverse('my_student:record')}",
            {"otp_token": _code(device)},
        )
        assert verified["Location"] == reverse("my_student:record")
        assert later.get(reverse("my_student:record")).status_code == 200


def test_a_student_sees_staff_pages_as_someone_with_no_role(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    student_at(world.alpha, "A1", ADDRESS)
    student = signed_in_by_link(ADDRESS, django_capture_on_commit_callbacks)
    learners = student.get(reverse("learners:list"))
    assert learners.status_code == 200
    assert world.learner_alpha.last_name not in learners.content.decode()
    detail = student.get(reverse("learners:detail", kwargs={"learner_id": world.learner_alpha.pk}))
    assert detail.status_code == 404
    assert Student.objects.get(student_number="A1").user is not None
