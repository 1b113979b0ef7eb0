"""Notifications for the browser tests, made in the server's database.

Run as `python -m tests.notifications.browser_setup USERNAME` with the server's environment:
gives USERNAME three notifications (two unread) and prints, as JSON, the id of one and the path
of a link that stops reminders to a parent's address.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def make(username: str) -> dict[str, Any]:
    import django  # noqa: PLC0415

    django.setup()
    from django.utils import timezone  # noqa: PLC0415

    from widen.accounts.models import User  # noqa: PLC0415
    from widen.notifications.models import (  # noqa: PLC0415
        Category,
        DeliveryStatus,
        Notification,
    )
    from widen.notifications.stop_links import stop_token  # noqa: PLC0415

    user = User.objects.get(username=username)
    made = []
    for subject, category, body in (
        (
            "Your pupil list from Bow School is imported",
            Category.UPDATES,
            "312 pupils were added and 4 changed. Nothing was left out.",
        ),
        (
            "Reminder: Campus day at Queen Mary is tomorrow",
            Category.REMINDERS,
            "Campus day starts at 10:00 in the Great Hall, Mile End Road. "
            "Bring the group's lunch orders.",
        ),
        (
            "You booked 24 places at the Year 10 masterclass",
            Category.BOOKINGS,
            "The group booking for Bow School is confirmed: 24 places on 14 March.",
        ),
    ):
        made.append(
            Notification.objects.create(
                user=user,
                email=user.email or "",
                category=category,
                template="browser/setup",
                subject=subject,
                body_text=body,
                link="/events/",
                status=DeliveryStatus.SENT if user.email else DeliveryStatus.NO_ADDRESS,
                sent_at=timezone.now() if user.email else None,
            )
        )
    Notification.objects.filter(pk=made[-1].pk).update(read_at=made[-1].created_at)
    token = stop_token(email="parent@example.org", category=Category.REMINDERS)
    return {
        "notification_id": str(made[0].pk),
        "subject": made[0].subject,
        "stop_path": f"/notifications/stop/{token}/",
    }


if __name__ == "__main__":
    sys.stdout.write(json.dumps(make(sys.argv[1])))
