"""Watching for misuse: `widen watch run` alerts the data-protection officers of the account's
own organisation, once, when an account reads far more learners' identities in an hour than it
usually does, or exports again and again. Synthetic access-log rows stand in for the views."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings
from freezegun import freeze_time

from widen.accounts.capabilities import system_actor
from widen.accounts.models import Role, User
from widen.audit.models import AccessLogEntry, WatchAlert
from widen.audit.services import access_log_record
from widen.audit.watching import percentile
from widen.core import request_context
from widen.core.downloads import table_download
from widen.notifications.models import OPTIONAL_CATEGORIES, Category, Notification
from widen.notifications.services import preference_set
from widen.organisations.models import DataCategory
from widen.testing.world import World, make_user

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 14, 40, tzinfo=UTC)  # a Friday afternoon
THIS_HOUR = NOW.replace(minute=5)
IDENTITY = [DataCategory.IDENTITY.value]


def views(
    account: User,
    *,
    learners: int,
    at: datetime,
    categories: list[str] | None = None,
    exported: bool = False,
    request_id: str = "",
) -> None:
    """`learners` distinct learners seen by `account` at `at`, as the access log records them."""
    with freeze_time(at):
        AccessLogEntry.objects.bulk_create(
            AccessLogEntry(
                actor_id=account.pk,
                actor_username=account.username,
                source="web",
                request_id=request_id or uuid.uuid4().hex,
                learner_id=uuid.uuid4(),
                subject_id="",
                data_categories=IDENTITY if categories is None else categories,
                purpose="learner list",
                exported=exported,
            )
            for _ in range(learners)
        )


def usual_weeks(account: User, *, per_hour: int, days: int = 20) -> None:
    """The account's ordinary work: `per_hour` learners in each of two hours a day."""
    for day in range(1, days + 1):
        for hour in (10, 11):
            at = (NOW - timedelta(days=day)).replace(hour=hour, minute=15)
            views(account, learners=per_hour, at=at)


def run_watch() -> str:
    out = StringIO()
    with freeze_time(NOW):
        call_command("watch", "run", stdout=out)
    return out.getvalue()


@pytest.fixture
def run(django_capture_on_commit_callbacks: Any) -> Any:
    """`widen watch run`, its notifications written as when its transaction commits."""

    def go() -> str:
        with django_capture_on_commit_callbacks(execute=True):
            return run_watch()

    return go


@pytest.fixture
def officers(world: World) -> dict[str, User]:
    """Who handles requests where: Alpha's officer and admin, Beta's (the same partnership)
    and Gamma's officers."""
    return {
        "alpha_officer": world.users[Role.DATA_PROTECTION_OFFICER],
        "alpha_admin": world.users[Role.ORGANISATION_ADMIN],
        "beta_officer": make_user("dpo.beta", world.beta, Role.DATA_PROTECTION_OFFICER),
        "gamma_officer": make_user("dpo.gamma", world.gamma, Role.DATA_PROTECTION_OFFICER),
    }


def told(user: User) -> list[Notification]:
    return list(Notification.objects.filter(user=user, template="audit/unusual_access"))


def test_the_95th_percentile_is_taken_by_nearest_rank() -> None:
    assert percentile([]) == 0
    assert percentile([5]) == 5
    assert percentile(list(range(1, 101))) == 95
    assert percentile([10] * 19 + [1000]) == 10  # one earlier spike does not raise the bar


def test_an_ordinary_hour_alerts_nobody(world: World, officers: dict[str, User], run: Any) -> None:
    officer = world.users[Role.OUTREACH_OFFICER]
    usual_weeks(officer, per_hour=120)
    views(officer, learners=150, at=THIS_HOUR)  # busier than usual, but under the floor

    output = run()

    assert "0 unusual hours" in output
    assert not Notification.objects.filter(template="audit/unusual_access").exists()
    assert not WatchAlert.objects.exists()


def test_a_busy_account_is_judged_by_its_own_usual_hours(
    world: World, officers: dict[str, User], run: Any
) -> None:
    officer = world.users[Role.OUTREACH_OFFICER]
    usual_weeks(officer, per_hour=300)
    views(officer, learners=600, at=THIS_HOUR)  # over the floor, under three busy hours

    run()

    assert not WatchAlert.objects.exists()


def test_a_spike_alerts_the_officers_of_the_accounts_organisation_once(
    world: World, officers: dict[str, User], run: Any
) -> None:
    officer = world.users[Role.OUTREACH_OFFICER]
    usual_weeks(officer, per_hour=100)
    views(officer, learners=400, at=THIS_HOUR)  # more than 200 and than 3 × 100

    output = run()

    for name in ("alpha_officer", "alpha_admin"):
        (notification,) = told(officers[name])
        assert officer.username in notification.subject
        assert "400 different learners" in notification.body_text
        assert "usual busy hour (100 learners" in notification.body_text
        assert notification.link == "/rights/who-accessed/"
    for name in ("beta_officer", "gamma_officer"):
        assert told(officers[name]) == []
    assert told(officer) == []
    assert "1 unusual hour alerted" in output
    (alert,) = WatchAlert.objects.all()
    assert (alert.account_id, alert.count, alert.threshold) == (officer.pk, 400, 300)

    assert "0 unusual hours" in run()  # the next run, in the same hour
    assert len(told(officers["alpha_officer"])) == 1


def test_an_officer_cannot_switch_the_alerts_off(
    world: World, officers: dict[str, User], run: Any
) -> None:
    """Every optional kind of notification switched off, the alert still comes."""
    officer = world.users[Role.OUTREACH_OFFICER]
    listener = officers["alpha_officer"]
    for category in OPTIONAL_CATEGORIES:
        preference_set(actor=listener, category=category, enabled=False)
    usual_weeks(officer, per_hour=100)
    views(officer, learners=400, at=THIS_HOUR)

    run()

    (notification,) = told(listener)
    assert notification.category == Category.DATA_PROTECTION
    assert Category.DATA_PROTECTION not in OPTIONAL_CATEGORIES


def test_a_spike_in_the_hour_before_is_alerted_by_a_late_run(
    world: World, officers: dict[str, User], run: Any
) -> None:
    officer = world.users[Role.OUTREACH_OFFICER]
    views(officer, learners=250, at=THIS_HOUR - timedelta(hours=1))  # no history: the floor

    run()

    (alert,) = WatchAlert.objects.all()
    assert alert.hour_starts_at == datetime(2026, 11, 20, 13, tzinfo=UTC)
    assert len(told(officers["alpha_officer"])) == 1


def test_views_that_name_no_identity_are_not_counted(
    world: World, officers: dict[str, User], run: Any
) -> None:
    officer = world.users[Role.OUTREACH_OFFICER]
    views(officer, learners=400, at=THIS_HOUR, categories=[DataCategory.CHARACTERISTICS.value])

    run()

    assert not WatchAlert.objects.exists()


@override_settings(WIDEN_WATCH_EXPORTS_PER_HOUR=5)
def test_repeated_exports_alert(world: World, officers: dict[str, User], run: Any) -> None:
    officer = world.users[Role.OUTREACH_OFFICER]
    for number in range(4):
        views(officer, learners=3, at=THIS_HOUR, exported=True, request_id=f"export-{number}")
    views(officer, learners=30, at=THIS_HOUR)  # page views are not exports

    run()
    assert not WatchAlert.objects.exists()

    views(officer, learners=3, at=THIS_HOUR, exported=True, request_id="export-4")
    run()

    (notification,) = told(officers["alpha_officer"])
    assert "downloaded 5 files naming learners" in notification.body_text
    assert told(officers["gamma_officer"]) == []
    run()
    assert len(told(officers["alpha_officer"])) == 1


def test_a_download_marks_its_access_log_entries_as_an_export(world: World) -> None:
    officer = world.users[Role.OUTREACH_OFFICER]
    learner = world.learner_alpha
    with request_context.bind(source="web", request_id="download-1"):
        access_log_record(
            actor=officer, learner_ids=[learner.pk], data_categories=IDENTITY, purpose="page"
        )
        table_download(
            file_name="learners",
            columns=["Name"],
            rows=[["Amara"]],
            access_log=lambda: access_log_record(
                actor=officer, learner_ids=[learner.pk], data_categories=IDENTITY, purpose="file"
            ),
        )
    marked = dict(AccessLogEntry.objects.values_list("purpose", "exported"))
    assert marked == {"page": False, "file": True}


def test_only_widen_itself_runs_the_watch(world: World) -> None:
    from widen.rights.misuse import misuse_alerts_send  # noqa: PLC0415

    with pytest.raises(PermissionError):
        misuse_alerts_send(actor=world.users[Role.DATA_PROTECTION_OFFICER], now=NOW)
    assert misuse_alerts_send(actor=system_actor("test"), now=NOW) == []
