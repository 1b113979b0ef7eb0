"""Notifications: written to the outbox only once the change commits, e-mailed by a job with
retries further and further apart, both parts rendered from templates and escaped, and each
person's choices respected (essential ones always sent)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from conftest import signed_in_client
from tests.notifications.support import FlakyBackend
from widen.accounts.models import Role, User
from widen.core.exceptions import ApplicationError
from widen.notifications.delivery import BACKOFF, outbox_send_due
from widen.notifications.models import MAX_ATTEMPTS, Category, DeliveryStatus, Notification
from widen.notifications.services import notify, preference_set
from widen.notifications.stop_links import stop_url
from widen.notifications.tasks import notification_deliver_task
from widen.testing.world import World

HOSTILE = '<script>alert("x")</script> & O\'Brien'


def book(email: str = "parent@example.org", **context: Any) -> None:
    notify(
        template="testing/place_booked",
        category=Category.BOOKINGS,
        email=email,
        context={
            "name": "Pat Parent",
            "event_title": "Campus day",
            "link": "https://widen.example/b/abc/",
            **context,
        },
    )


def remind(*, user: User | None = None, email: str = "") -> None:
    notify(
        template="testing/reminder",
        category=Category.REMINDERS,
        user=user,
        email=email,
        context={"name": "Pat", "event_title": "Campus day"},
    )


def booking_that_fails(email: str) -> None:
    with transaction.atomic():
        book(email=email)
        raise RuntimeError("the booking failed after all")


def remind_with_link(link: str) -> None:
    notify(
        template="testing/reminder",
        category=Category.REMINDERS,
        email="parent@example.org",
        context={"name": "Pat", "event_title": "Campus day"},
        link=link,
    )


# --- After commit, and only then --------------------------------------------------------------


# The test's own transaction stands in for the database: the callbacks `on_commit` registers run
# when the capture ends, as they would at the commit (a transactional test cannot be used here:
# the append-only audit and ledger tables refuse the flush that ends one on PostgreSQL).
@pytest.mark.django_db
def test_the_outbox_is_written_when_the_change_commits_and_the_email_sent(
    django_capture_on_commit_callbacks: Any,
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        book()
        assert not Notification.objects.exists()
        assert mail.outbox == []
    (notification,) = Notification.objects.all()
    assert notification.status == DeliveryStatus.SENT
    assert notification.attempts == 1
    assert notification.sent_at is not None
    (sent,) = mail.outbox
    assert sent.to == ["parent@example.org"]
    assert sent.subject == "Your place at Campus day"


@pytest.mark.django_db
def test_a_change_rolled_back_tells_nobody(django_capture_on_commit_callbacks: Any) -> None:
    mail.outbox.clear()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
    ):
        booking_that_fails("parent@example.org")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_an_inner_rolled_back_step_drops_only_its_own_notification(
    django_capture_on_commit_callbacks: Any,
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        book(email="kept@example.org")
        with pytest.raises(RuntimeError):
            booking_that_fails("dropped@example.org")
    assert [message.to for message in mail.outbox] == [["kept@example.org"]]
    assert list(Notification.objects.values_list("email", flat=True)) == ["kept@example.org"]


# --- Retries ----------------------------------------------------------------------------------


def book_while_mail_fails(
    failures: int, flaky_mail: type[FlakyBackend], capture_on_commit: Any
) -> Notification:
    """A booking made while the mail server fails its next `failures` sends; its notification."""
    flaky_mail.failures = failures
    mail.outbox.clear()
    with capture_on_commit(execute=True):
        book()
    return Notification.objects.get()


@pytest.mark.django_db
def test_a_failed_send_is_retried_later_and_then_sent(
    flaky_mail: type[FlakyBackend], django_capture_on_commit_callbacks: Any
) -> None:
    notification = book_while_mail_fails(2, flaky_mail, django_capture_on_commit_callbacks)
    assert notification.status == DeliveryStatus.QUEUED
    assert notification.attempts == 1
    assert notification.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert notification.sent_at is None
    first_retry = notification.next_attempt_at
    assert first_retry is not None
    assert first_retry - notification.created_at >= BACKOFF[0]
    # Not yet due: nothing is attempted.
    assert outbox_send_due(now=first_retry - timedelta(seconds=1)).total() == 0
    # Due: fails again, and waits longer.
    assert outbox_send_due(now=first_retry)["retrying"] == 1
    notification.refresh_from_db()
    assert notification.attempts == 2
    assert notification.next_attempt_at == first_retry + BACKOFF[1]
    assert mail.outbox == []
    # The mail server is back.
    assert outbox_send_due(now=notification.next_attempt_at)["sent"] == 1
    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.SENT
    assert notification.attempts == 3
    assert notification.sent_at == first_retry + BACKOFF[1]
    assert [message.to for message in mail.outbox] == [["parent@example.org"]]
    # Sent once: a later sweep sends nothing more.
    assert outbox_send_due(now=timezone.now() + timedelta(days=1)).total() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_after_every_attempt_fails_it_waits_for_the_retry_command(
    flaky_mail: type[FlakyBackend], django_capture_on_commit_callbacks: Any
) -> None:
    notification = book_while_mail_fails(
        MAX_ATTEMPTS, flaky_mail, django_capture_on_commit_callbacks
    )
    later = timezone.now()
    for _ in range(MAX_ATTEMPTS - 1):
        later += timedelta(days=1)
        outbox_send_due(now=later)
    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.FAILED
    assert notification.attempts == MAX_ATTEMPTS
    assert notification.next_attempt_at is None
    assert "SMTPServerDisconnected" in notification.last_error
    assert outbox_send_due(now=later + timedelta(days=30)).total() == 0
    assert mail.outbox == []

    out = StringIO()
    call_command("notifications", "retry", stdout=out)
    assert "Queued 1 failed notification again." in out.getvalue()
    assert "Sent 1 notification." in out.getvalue()
    notification.refresh_from_db()
    assert notification.status == DeliveryStatus.SENT
    assert notification.attempts == MAX_ATTEMPTS + 1
    assert [message.to for message in mail.outbox] == [["parent@example.org"]]


@pytest.mark.django_db
def test_the_send_command_sends_what_is_due_without_a_worker(
    flaky_mail: type[FlakyBackend], django_capture_on_commit_callbacks: Any
) -> None:
    book_while_mail_fails(1, flaky_mail, django_capture_on_commit_callbacks)
    Notification.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    out = StringIO()
    call_command("notifications", "send", stdout=out)
    assert out.getvalue().strip() == "Sent 1 notification."
    assert len(mail.outbox) == 1
    out = StringIO()
    call_command("notifications", "send", stdout=out)
    assert out.getvalue().strip() == "Sent 0 notifications."


# --- Rendering --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_both_parts_are_rendered_and_hostile_text_is_escaped_in_html_only(
    django_capture_on_commit_callbacks: Any,
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        book(name=HOSTILE, event_title="Maths & <b>more</b>\nBcc: victim@example.org")
    (sent,) = mail.outbox
    # One line: a line break in a title cannot add a header.
    assert sent.subject == "Your place at Maths & <b>more</b> Bcc: victim@example.org"
    assert sent.message()["Bcc"] is None
    assert f"Dear {HOSTILE}," in sent.body
    assert "Maths & <b>more</b>" in sent.body
    ((html, mimetype),) = sent.alternatives  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; O&#x27;Brien" in html
    assert "Maths &amp; &lt;b&gt;more&lt;/b&gt;" in html
    assert '<a href="https://widen.example/b/abc/">' in html


@pytest.mark.django_db
def test_without_an_html_template_the_text_is_escaped_into_the_html_part(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = User.objects.create(username="rhi.reader", email="rhi@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            template="testing/reminder",
            category=Category.REMINDERS,
            user=user,
            context={"name": HOSTILE, "event_title": "Campus day"},
        )
    (sent,) = mail.outbox
    assert sent.subject == "Reminder: Campus day is tomorrow"
    assert f"Dear {HOSTILE}," in sent.body
    ((html, _),) = sent.alternatives  # type: ignore[attr-defined]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<title>Reminder: Campus day is tomorrow</title>" in html


@pytest.mark.django_db
def test_a_missing_template_or_recipient_fails_the_change_that_sends_it() -> None:
    with pytest.raises(ValueError, match="either a user or an e-mail address"):
        notify(template="testing/reminder", category=Category.REMINDERS, context={})
    with pytest.raises(ApplicationError) as refused:
        book(email="not an address")
    assert refused.value.field == "email"
    with pytest.raises(ValueError, match="a path in Widen"):
        remind_with_link("javascript:alert(1)")
    with pytest.raises(ValueError, match="a path in Widen"):
        remind_with_link("//elsewhere.example/")
    with pytest.raises(Exception, match="testing/nothing"):
        notify(template="testing/nothing", category=Category.UPDATES, email="a@example.org")


# --- Choices ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_category_turned_off_is_not_sent_but_essential_ones_still_are(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = User.objects.create(username="sam.staff", email="sam@example.org")
    preference_set(actor=user, category=Category.REMINDERS, enabled=False)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        remind(user=user)
        notify(
            template="testing/place_booked",
            category=Category.BOOKINGS,
            user=user,
            context={"name": "Sam", "event_title": "Campus day", "link": "/x/"},
        )
    assert [message.subject for message in mail.outbox] == ["Your place at Campus day"]
    assert list(Notification.objects.values_list("category", flat=True)) == ["bookings"]
    with pytest.raises(ApplicationError) as refused:
        preference_set(actor=user, category=Category.BOOKINGS, enabled=False)
    assert refused.value.field == "category"
    # Turned on again, it is sent again.
    preference_set(actor=user, category=Category.REMINDERS, enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        remind(user=user)
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_a_person_without_an_account_stops_optional_emails_from_the_link_in_one(
    django_capture_on_commit_callbacks: Any,
) -> None:
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        remind(email="Parent@Example.org")
    (reminder,) = mail.outbox
    link = stop_url(email="parent@example.org", category=Category.REMINDERS)
    assert link in reminder.body
    # Mail programs show their own button, which stops them with one POST.
    assert reminder.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert reminder.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = link.removeprefix("http://localhost:8000")
    client = Client()
    # Opening the link only asks (a mail scanner opening it stops nothing).
    asked = client.get(path)
    assert asked.status_code == 200
    assert "Stop 'Reminders before events' e-mails to parent@example.org?" in (
        asked.content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        remind(email="parent@example.org")
    assert len(mail.outbox) == 2
    stopped = client.post(path)
    assert stopped.status_code == 200
    assert "E-mails stopped" in stopped.content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        remind(email="PARENT@example.org")
        book(email="parent@example.org")
    assert [message.subject for message in mail.outbox] == ["Your place at Campus day"]
    # The booking confirmation is essential: it offers no link to stop it.
    assert "/notifications/stop/" not in mail.outbox[0].body
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers
    # A link altered to stop another address's e-mails is refused.
    assert client.post(path[:-3] + "xx/").status_code == 404


@pytest.mark.django_db
def test_once_emailed_a_body_only_the_address_could_read_is_not_kept(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = User.objects.create(username="una.user", email="una@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        book()
        remind(user=user)
        notify(
            template="testing/place_booked",
            category=Category.ACCOUNT,
            user=user,
            context={"name": "Una", "event_title": "Widen", "link": "https://widen.example/s/t/"},
            secret=True,
        )
    by_template = {
        (n.user_id is None, n.secret): n for n in Notification.objects.all() if n.is_sent
    }
    assert by_template[(True, False)].body_text == ""  # to an address: no list to show it in
    assert by_template[(False, True)].body_text == ""  # a one-time link
    assert "Campus day is tomorrow" in by_template[(False, False)].body_text
    assert len(mail.outbox) == 3
    assert "https://widen.example/s/t/" in mail.outbox[2].body


@pytest.mark.django_db
def test_a_user_without_an_email_address_still_has_it_in_their_list(
    django_capture_on_commit_callbacks: Any,
) -> None:
    user = User.objects.create(username="no.email")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        remind(user=user)
    (notification,) = Notification.objects.filter(user=user)
    assert notification.status == DeliveryStatus.NO_ADDRESS
    assert "Campus day is tomorrow" in notification.body_text
    assert mail.outbox == []
    assert outbox_send_due(now=timezone.now() + timedelta(days=1)).total() == 0


@pytest.mark.django_db
def test_with_a_worker_the_retry_is_queued_for_when_it_is_due(
    flaky_mail: type[FlakyBackend], settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    flaky_mail.failures = 1
    notification = Notification.objects.create(
        email="parent@example.org",
        category=Category.BOOKINGS,
        template="testing/place_booked",
        subject="Your place at Campus day",
        body_text="Dear Pat,\n",
        next_attempt_at=timezone.now(),
    )
    assert notification_deliver_task.call(str(notification.pk)) == "retrying"
    notification.refresh_from_db()
    (queued,) = default_task_backend.results  # type: ignore[attr-defined]
    assert queued.task.run_after == notification.next_attempt_at
    assert queued.args == [str(notification.pk)]


@pytest.mark.django_db
def test_a_failed_one_time_link_or_address_message_is_forgotten_after_the_keeping_period(
    settings: Any, world: World
) -> None:
    settings.WIDEN_NOTIFICATION_FAILED_DAYS = 30
    user = world.users[Role.OUTREACH_OFFICER]

    def failed(days_ago: int, **recipient: Any) -> Notification:
        notification = Notification.objects.create(
            category=Category.ACCOUNT,
            template="testing/place_booked",
            subject="Your link",
            body_text="Your link: https://widen.example/s/secret-token/",
            body_html="<p>https://widen.example/s/secret-token/</p>",
            status=DeliveryStatus.FAILED,
            attempts=MAX_ATTEMPTS,
            last_error="SMTPServerDisconnected: gone",
            **recipient,
        )
        Notification.objects.filter(pk=notification.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
        return notification

    to_an_address = failed(31, email="parent@example.org")
    secret_link = failed(31, user=user, email="una@example.org", secret=True)
    in_the_list = failed(31, user=user, email="una@example.org")
    recent_secret = failed(29, user=user, email="una@example.org", secret=True)

    out = StringIO()
    call_command("notifications", "forget", stdout=out)
    assert "Gave up 2 failed notifications and forgot what they said." in out.getvalue()
    for forgotten in (to_an_address, secret_link):
        forgotten.refresh_from_db()
        assert forgotten.status == DeliveryStatus.GIVEN_UP
        assert (forgotten.body_text, forgotten.body_html) == ("", "")
        assert forgotten.attempts == MAX_ATTEMPTS  # what was attempted stays
        assert "SMTPServerDisconnected" in forgotten.last_error
    for kept in (in_the_list, recent_secret):
        kept.refresh_from_db()
        assert kept.status == DeliveryStatus.FAILED
        assert "secret-token" in kept.body_text

    # A forgotten one is never sent again with its message gone; the kept ones still are.
    mail.outbox.clear()
    retried = StringIO()
    call_command("notifications", "retry", stdout=retried)
    assert "Sent 2 notifications." in retried.getvalue(), retried.getvalue()
    assert len(mail.outbox) == 2
    assert all("secret-token" in message.body for message in mail.outbox)
    # Its owner is told why it is not there, not that it was e-mailed.
    page = signed_in_client(user).get(reverse("notifications:detail", args=[secret_link.pk]))
    assert page.status_code == 200
    assert "could not be e-mailed" in page.content.decode()
    assert "secret-token" not in page.content.decode()
