"""`widen who_accessed`: who viewed or changed which learners, and when (a breach-scoping drill).

Event bookings made without a learner record are named by `--bookings`: the views of their
access requirements and adjustments are in the access log with the booking as the subject.

A data-protection officer asks: "between T1 and T2, who saw or changed these learners' records,
from which organisation, under which agreement, and why?" The answer is a CSV on standard output,
one row per view (from the access log) or change (from the audit trail), oldest first.
"""

from __future__ import annotations

import csv
import uuid
from datetime import UTC, datetime
from io import StringIO
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from widen.audit.selectors import who_accessed
from widen.core.spreadsheets import safe_cell

COLUMNS = (
    "occurred_at",
    "what",
    "learner_id",
    "actor",
    "actor_organisation_id",
    "data_categories_or_fields",
    "data_sharing_agreement_id",
    "purpose",
    "source",
    "request_id",
    "subject",
)
BOOKING_SUBJECT = "events.booking"


def _moment(raw: str, *, end: bool) -> datetime:
    """An ISO date or date-time; a bare date means the start (or, for --to, the end) of it."""
    try:
        day = parse_date(raw)
        moment = None if day else parse_datetime(raw)
    except ValueError:
        day = moment = None
    if day is not None:
        moment = datetime.combine(day, datetime.max.time() if end else datetime.min.time())
    if moment is None:
        raise CommandError(
            f"{raw!r} is not a date or time: use the form 2026-11-01 or 2026-11-01T09:30."
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _ids(raw_ids: list[str], what: str) -> list[uuid.UUID]:
    ids = []
    for raw in raw_ids:
        try:
            ids.append(uuid.UUID(raw))
        except ValueError as error:
            raise CommandError(f"{raw!r} is not a {what} id (a UUID).") from error
    return ids


class Command(BaseCommand):
    help = (
        "List every view (access log) and change (audit trail) of the given learners between "
        "two moments, as CSV."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--learners", nargs="+", default=[], metavar="ID", help="learner ids")
        parser.add_argument(
            "--bookings", nargs="+", default=[], metavar="ID", help="event booking ids"
        )
        parser.add_argument(
            "--from", dest="starts", required=True, help="start: 2026-11-01 or 2026-11-01T09:30"
        )
        parser.add_argument(
            "--to", dest="ends", required=True, help="end, inclusive (a date means all of it)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        learner_ids = _ids(options["learners"], "learner")
        booking_ids = _ids(options["bookings"], "booking")
        if not learner_ids and not booking_ids:
            raise CommandError("Name the learners (--learners) or bookings (--bookings) to trace.")
        starts_at = _moment(options["starts"], end=False)
        ends_at = _moment(options["ends"], end=True)
        if ends_at < starts_at:
            raise CommandError("--to is before --from.")
        booked = [(BOOKING_SUBJECT, str(booking_id)) for booking_id in booking_ids]
        records = who_accessed(
            learner_ids=learner_ids, starts_at=starts_at, ends_at=ends_at, subjects=booked
        )
        table = StringIO()
        writer = csv.writer(table, lineterminator="\r\n")  # RFC 4180: a CR in a cell is quoted
        writer.writerow(COLUMNS)
        for record in records:
            cells = [
                record.what,
                record.learner_id,
                record.actor,
                record.organisation_id,
                " ".join(record.details),
                record.data_sharing_agreement_id,
                record.purpose,
                record.source,
                record.request_id,
                record.subject,
            ]
            writer.writerow(
                [record.occurred_at.astimezone(UTC).isoformat(timespec="seconds")]
                + [safe_cell(cell) for cell in cells]
            )
        self.stdout.write(table.getvalue(), ending="")
        self.stderr.write(
            f"{len(records)} views and changes of {len(learner_ids)} learners"
            f" and {len(booking_ids)} bookings."
        )
