"""Telling the data-protection officers of unusual access (`widen watch run`, hourly).

`widen.audit.watching` finds the hours in which one account read far more learners' identities
than usual, or exported again and again. Each such hour is told, once, to the people who handle
requests about people's data (`Capability.RIGHTS_HANDLE`: data-protection officers and
organisation admins) in the organisations the account belongs to, by e-mail and in their list of
notifications. Never to another organisation's officers, and never to the account itself (a
person is not warned that they are being watched).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from widen.accounts.capabilities import (
    Capability,
    account_organisation_ids,
    is_system,
    people_holding,
    require_actor,
)
from widen.audit.models import WatchKind
from widen.audit.watching import UnusualHour, WatchRule, unusual_hours, watch_alert_record
from widen.notifications.models import Category
from widen.notifications.services import notify
from widen.organisations.models import Organisation

TEMPLATE = "audit/unusual_access"


@dataclass(frozen=True)
class Alerted:
    hour: UnusualHour
    recipients: tuple[str, ...]  # usernames


def _when(moment: datetime) -> str:
    return moment.strftime("%d %B %Y %H:%M")


def misuse_alerts_send(
    *, actor: Any, now: datetime, hours: int = 2, rule: WatchRule | None = None
) -> list[Alerted]:
    """Alert each unusual hour not yet alerted (see `widen.audit.watching`); what was told to
    whom. Only Widen itself runs this (`system_actor`)."""
    require_actor(actor)
    if not is_system(actor):
        raise PermissionError("Only Widen itself watches the access log.")
    rule = rule or WatchRule.from_settings()
    done = []
    for hour in unusual_hours(now=now, hours=hours, rule=rule):
        with transaction.atomic():
            done.append(_alert(hour, rule))
    return [alerted for alerted in done if alerted is not None]


def _alert(hour: UnusualHour, rule: WatchRule) -> Alerted | None:
    organisation_ids = account_organisation_ids(hour.account_id) | set(hour.organisation_ids)
    officers = list(
        people_holding(Capability.RIGHTS_HANDLE, organisation_ids)
        .exclude(pk=hour.account_id)
        .order_by("username")
    )
    if not watch_alert_record(hour=hour, recipients=len(officers)):
        return None
    names = sorted(
        Organisation.objects.filter(pk__in=organisation_ids).values_list("name", flat=True)
    )
    link = reverse("who_accessed:search")
    for officer in officers:
        notify(
            template=TEMPLATE,
            category=Category.DATA_PROTECTION,
            user=officer,
            link=link,
            context={
                "account": hour.account_username or str(hour.account_id),
                "kind": str(hour.kind),
                "what": "many exports" if hour.kind == WatchKind.EXPORTS else "many identities",
                "count": hour.count,
                "threshold": hour.threshold,
                "usual": hour.usual,
                "multiple": rule.identity_multiple,
                "baseline_days": rule.baseline_days,
                "hour": _when(hour.hour_starts_at),
                "hour_ends": _when(hour.hour_ends_at),
                "organisations": ", ".join(names) or "your organisation",
                "link": f"{settings.SITE_URL.rstrip('/')}{link}",
            },
        )
    return Alerted(hour=hour, recipients=tuple(officer.username for officer in officers))
