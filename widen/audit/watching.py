"""Watching the access log for misuse: an account reading far more learners' identities than
usual in an hour, or exporting again and again.

`widen watch run` (hourly) asks `unusual_hours` for the clock hours (UTC) that look wrong and
`watch_alert_record` to remember each one alerted, so an hour is never alerted twice; the alert
itself goes to the data-protection officers from `widen.rights.misuse` (this layer does not
send notifications).

The rules, each figure from the settings (`WIDEN_WATCH_*`):

* **Identities.** In one clock hour an account saw the identities of N distinct learners (the
  access log's entries naming the identity category). The hour is unusual when
  N > max(floor, multiple × usual), where *usual* is the 95th percentile of the account's own
  active hours (hours with any such entry) over the baseline days before it. The floor (200)
  keeps a new account or a quiet one from being alerted for an ordinary day's work; the
  percentile of active hours, not the mean of all hours, keeps nights and holidays from making
  a normal busy hour look like a spike, and one earlier spike from hiding the next (it moves
  the 95th percentile only when it is more than one active hour in twenty).
* **Exports.** In one clock hour an account downloaded at least the set number of files naming
  learners (entries written during a download carry `exported`; one download is one request).

Only views the access log records are watched: a partner's view of identities, anyone's of
special category data, and every export.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet, TextField
from django.db.models.functions import Cast, TruncHour

from widen.audit.models import AccessLogEntry, WatchAlert, WatchKind

HOUR = timedelta(hours=1)
PERCENTILE = 95
# How an entry names the identity category in its JSON list, as text on every database.
_IDENTITY_IN_LIST = '"identity"'


@dataclass(frozen=True)
class WatchRule:
    identity_floor: int
    identity_multiple: int
    baseline_days: int
    exports_per_hour: int

    @classmethod
    def from_settings(cls) -> WatchRule:
        return cls(
            identity_floor=settings.WIDEN_WATCH_IDENTITY_FLOOR,
            identity_multiple=settings.WIDEN_WATCH_IDENTITY_MULTIPLE,
            baseline_days=settings.WIDEN_WATCH_BASELINE_DAYS,
            exports_per_hour=settings.WIDEN_WATCH_EXPORTS_PER_HOUR,
        )


@dataclass(frozen=True)
class UnusualHour:
    """One account's hour that breaks a rule: what it did, and the figure it went past."""

    kind: WatchKind
    account_id: Any
    account_username: str
    hour_starts_at: datetime
    count: int
    threshold: int
    usual: int = 0
    # The organisations the account acted for in that hour (as the access log names them).
    organisation_ids: tuple[Any, ...] = field(default=())

    @property
    def hour_ends_at(self) -> datetime:
        return self.hour_starts_at + HOUR


def hour_start(moment: datetime) -> datetime:
    """The start of the clock hour (UTC) holding `moment`."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def percentile(values: list[int], wanted: int = PERCENTILE) -> int:
    """The nearest-rank percentile of `values` (0 for none)."""
    if not values:
        return 0
    ordered = sorted(values)
    rank = max(1, math.ceil(wanted / 100 * len(ordered)))
    return ordered[rank - 1]


def _identity_entries() -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.annotate(
        categories_text=Cast("data_categories", output_field=TextField())
    ).filter(
        categories_text__contains=_IDENTITY_IN_LIST,
        actor_id__isnull=False,
        learner_id__isnull=False,
    )


def usual_identity_hour(*, account_id: Any, before: datetime, days: int) -> int:
    """The 95th percentile of the account's active hours (distinct learners whose identity it
    saw in each hour with any) over the `days` before `before`."""
    per_hour = (
        _identity_entries()
        .filter(
            actor_id=account_id,
            occurred_at__gte=before - timedelta(days=days),
            occurred_at__lt=before,
        )
        .annotate(hour=TruncHour("occurred_at", tzinfo=UTC))
        .values("hour")
        .annotate(learners=Count("learner_id", distinct=True))
        .values_list("learners", flat=True)
    )
    return percentile(list(per_hour))


def _organisations(entries: QuerySet[AccessLogEntry], account_id: Any) -> tuple[Any, ...]:
    ids = (
        entries.filter(actor_id=account_id, actor_organisation_id__isnull=False)
        .values_list("actor_organisation_id", flat=True)
        .distinct()
    )
    return tuple(sorted(ids, key=str))


def _usernames(entries: QuerySet[AccessLogEntry], account_ids: list[Any]) -> dict[Any, str]:
    return dict(
        entries.filter(actor_id__in=account_ids)
        .order_by()
        .values_list("actor_id", "actor_username")
        .distinct()
    )


def _identity_hour(starts_at: datetime, rule: WatchRule) -> list[UnusualHour]:
    in_hour = _identity_entries().filter(
        occurred_at__gte=starts_at, occurred_at__lt=starts_at + HOUR
    )
    busy = dict(
        in_hour.order_by()
        .values("actor_id")
        .annotate(learners=Count("learner_id", distinct=True))
        .filter(learners__gt=rule.identity_floor)
        .values_list("actor_id", "learners")
    )
    names = _usernames(in_hour, list(busy))
    found = []
    for account_id, learners in busy.items():
        usual = usual_identity_hour(
            account_id=account_id, before=starts_at, days=rule.baseline_days
        )
        threshold = max(rule.identity_floor, rule.identity_multiple * usual)
        if learners > threshold:
            found.append(
                UnusualHour(
                    kind=WatchKind.IDENTITIES,
                    account_id=account_id,
                    account_username=names.get(account_id, ""),
                    hour_starts_at=starts_at,
                    count=learners,
                    threshold=threshold,
                    usual=usual,
                    organisation_ids=_organisations(in_hour, account_id),
                )
            )
    return found


def _export_hour(starts_at: datetime, rule: WatchRule) -> list[UnusualHour]:
    in_hour = AccessLogEntry.objects.filter(
        exported=True,
        actor_id__isnull=False,
        occurred_at__gte=starts_at,
        occurred_at__lt=starts_at + HOUR,
    )
    busy = dict(
        in_hour.order_by()
        .values("actor_id")
        .annotate(exports=Count("request_id", distinct=True))
        .filter(exports__gte=rule.exports_per_hour)
        .values_list("actor_id", "exports")
    )
    names = _usernames(in_hour, list(busy))
    return [
        UnusualHour(
            kind=WatchKind.EXPORTS,
            account_id=account_id,
            account_username=names.get(account_id, ""),
            hour_starts_at=starts_at,
            count=exports,
            threshold=rule.exports_per_hour,
            organisation_ids=_organisations(in_hour, account_id),
        )
        for account_id, exports in busy.items()
    ]


def unusual_hours(
    *, now: datetime, hours: int = 2, rule: WatchRule | None = None
) -> list[UnusualHour]:
    """The unusual hours not yet alerted among the last `hours` clock hours up to `now`, the
    hour now running included (so a spike is told of within the hour, and a run that was late
    or missed is made up by the next)."""
    rule = rule or WatchRule.from_settings()
    current = hour_start(now)
    found: list[UnusualHour] = []
    for back in range(max(hours, 1)):
        starts_at = current - back * HOUR
        found += _identity_hour(starts_at, rule)
        found += _export_hour(starts_at, rule)
    alerted = set(
        WatchAlert.objects.filter(hour_starts_at__gt=current - max(hours, 1) * HOUR).values_list(
            "account_id", "kind", "hour_starts_at"
        )
    )
    return [
        hour for hour in found if (hour.account_id, hour.kind, hour.hour_starts_at) not in alerted
    ]


def watch_alert_record(*, hour: UnusualHour, recipients: int) -> bool:
    """Remember that `hour` was alerted; False when it already was (another run got there
    first), and then the caller's transaction should tell nobody."""
    try:
        with transaction.atomic():
            WatchAlert.objects.create(
                account_id=hour.account_id,
                account_username=hour.account_username,
                kind=hour.kind,
                hour_starts_at=hour.hour_starts_at,
                count=hour.count,
                threshold=hour.threshold,
                organisation_ids=[str(pk) for pk in hour.organisation_ids],
                recipients=recipients,
            )
    except IntegrityError:
        return False
    return True
