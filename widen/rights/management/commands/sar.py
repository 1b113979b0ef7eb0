"""`widen sar …`: data-rights requests from the command line, as the data-protection pages do.

record    record a request an organisation received (who asked, what for, when) and print its
          id and the day the answer is due
list      the open requests, with their due dates, overdue ones flagged
identity  note when the person was asked to confirm who they are, and when and how they did
find      list the learner records and accounts that match a name, date of birth or e-mail
          address (with --request, only the records its organisation holds)
name      name records found to be the person's on the request
export    write everything held about the person a request names (or, without a request, the
          records named here), as JSON, HTML or PDF, to a file

Commands run as Widen itself: they may act for every organisation, and each is audited.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q, QuerySet
from django.utils import timezone

from widen.accounts.capabilities import system_actor
from widen.accounts.models import User
from widen.audit.services import access_log_record
from widen.core import request_context
from widen.core.exceptions import ApplicationError, NotFound
from widen.learners.models import Learner
from widen.organisations.selectors import organisation_by_reference
from widen.rights import services
from widen.rights.exporting import Export, as_html, as_json, as_pdf, subject_access_export
from widen.rights.models import RequestKind, RequestStatus, RightsRequest
from widen.rights.people import Person
from widen.rights.permissions import rights_request_policy
from widen.rights.services import ALL_CATEGORIES

WRITERS = {"json": as_json, "html": as_html}
ACTOR = system_actor("widen sar")


def _ids(values: list[str], what: str) -> tuple[uuid.UUID, ...]:
    try:
        return tuple(uuid.UUID(value) for value in values)
    except ValueError as error:
        raise CommandError(f"{what} must be ids as `widen sar find` prints them.") from error


def _day(value: str | None, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{what} must be a date as YYYY-MM-DD, not {value!r}.") from error


def _request(reference: str) -> RightsRequest:
    (request_id,) = _ids([reference], "The request")
    request = RightsRequest.objects.select_related("organisation").filter(pk=request_id).first()
    if request is None:
        raise CommandError(f"No request has the id {reference}: `widen sar list` shows them.")
    return request


def _due(request: RightsRequest) -> str:
    if request.due_on is None:
        return "due: waiting for them to confirm who they are"
    overdue = "  OVERDUE" if request.is_overdue() else ""
    return f"due {request.due_on:%Y-%m-%d}{overdue}"


class Command(BaseCommand):
    help = "Data-rights requests: record one, find the person's records, export everything held."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        record = actions.add_parser("record", help="record a request an organisation received")
        record.add_argument(
            "--organisation", required=True, help="id, URN, UKPRN or name of who received it"
        )
        record.add_argument("--person", required=True, help="the name of who is asking")
        record.add_argument("--email", default="", help="their e-mail address")
        record.add_argument("--kind", choices=RequestKind.values, default=RequestKind.ACCESS)
        record.add_argument("--details", default="", help="what they asked for, how it arrived")
        record.add_argument("--received", default="", help="YYYY-MM-DD (today if not given)")
        listing = actions.add_parser("list", help="the open requests and when each is due")
        listing.add_argument("--organisation", default="", help="only this organisation's")
        identity = actions.add_parser("identity", help="note the check of who they are")
        identity.add_argument("request", help="the request's id")
        identity.add_argument("--asked", default="", help="YYYY-MM-DD: when you asked them")
        identity.add_argument("--confirmed", default="", help="YYYY-MM-DD: when they did")
        identity.add_argument("--evidence", default="", help="how their identity was checked")
        find = actions.add_parser("find", help="list matching learner records and accounts")
        find.add_argument("--request", default="", help="only the records its organisation holds")
        find.add_argument("--name", default="", help="first or last name (either matches)")
        find.add_argument("--date-of-birth", default="", help="YYYY-MM-DD")
        find.add_argument("--email", default="", help="an e-mail address they are known by")
        name = actions.add_parser("name", help="name records found to be the person's")
        name.add_argument("request", help="the request's id")
        name.add_argument("--learner", action="append", default=[], help="a learner record id")
        name.add_argument("--user", action="append", default=[], help="an account id")
        name.add_argument("--email", action="append", default=[], help="an e-mail address")
        export = actions.add_parser("export", help="write everything held about a person")
        export.add_argument("--request", default="", help="the request naming the person")
        export.add_argument("--learner", action="append", default=[], help="a learner record id")
        export.add_argument("--user", action="append", default=[], help="an account id")
        export.add_argument("--email", action="append", default=[], help="an e-mail address")
        export.add_argument("--name", default="", help="the person's name, for the heading")
        export.add_argument("--format", choices=["json", "html", "pdf"], default="json")
        export.add_argument("--output", required=True, help="the file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        with request_context.bind(source="cli"):
            try:
                getattr(self, f"_{options['action']}")(options)
            except ApplicationError as error:
                raise CommandError(error.message) from error
            except NotFound as error:
                raise CommandError(
                    "A record named is not one the request's organisation holds."
                ) from error

    def _record(self, options: dict[str, Any]) -> None:
        organisation = organisation_by_reference(options["organisation"])
        if organisation is None:
            raise CommandError(
                f"No organisation has the id, URN, UKPRN or name {options['organisation']!r}."
            )
        request = services.rights_request_record(
            actor=ACTOR,
            organisation=organisation,
            details=services.RequestDetails(
                kind=options["kind"],
                person_name=options["person"],
                person_email=options["email"],
                details=options["details"],
                received_on=_day(options["received"], "--received") or timezone.localdate(),
            ),
        )
        self.stdout.write(
            f"Recorded request {request.pk}: {request} to {organisation}, received "
            f"{request.received_on:%Y-%m-%d}, {_due(request)}."
        )

    def _list(self, options: dict[str, Any]) -> None:
        requests = rights_request_policy.visible_to(ACTOR).filter(status=RequestStatus.OPEN)
        if options["organisation"]:
            organisation = organisation_by_reference(options["organisation"])
            if organisation is None:
                raise CommandError(
                    f"No organisation has the id, URN, UKPRN or name {options['organisation']!r}."
                )
            requests = requests.filter(organisation=organisation)
        shown = 0
        for request in requests.select_related("organisation").order_by("received_on"):
            self.stdout.write(
                f"{request.pk}  {request}  to {request.organisation}  received "
                f"{request.received_on:%Y-%m-%d}  {_due(request)}"
            )
            shown += 1
        if not shown:
            self.stdout.write("No open requests.")

    def _identity(self, options: dict[str, Any]) -> None:
        request = services.rights_request_identity(
            actor=ACTOR,
            request=_request(options["request"]),
            asked_on=_day(options["asked"], "--asked"),
            confirmed_on=_day(options["confirmed"], "--confirmed"),
            evidence=options["evidence"],
        )
        self.stdout.write(f"Noted. The request is {_due(request)}.")

    def _find(self, options: dict[str, Any]) -> None:
        name = options["name"].strip()
        email = options["email"].strip()
        born = _day(options["date_of_birth"], "--date-of-birth")
        if not (name or born or email):
            raise CommandError("Give --name, --date-of-birth or --email.")
        learners: QuerySet[Learner] = Learner.objects.all()
        users: QuerySet[User] = User.objects.all()
        if options["request"]:
            request = _request(options["request"])
            learners = rights_request_policy.learners_to_search(ACTOR, request)
            users = rights_request_policy.users_to_search(ACTOR, request)
        if name:
            learners = learners.filter(
                Q(first_name__iexact=name)
                | Q(last_name__iexact=name)
                | Q(preferred_name__iexact=name)
            )
        if born:
            learners = learners.filter(date_of_birth=born)
        if email:
            learners = learners.filter(parent_carers__email__iexact=email)
        for learner in (
            learners.select_related("organisation").order_by("last_name").distinct()[:200]
        ):
            self.stdout.write(
                f"learner {learner.pk}  {learner.first_name} {learner.last_name}  "
                f"born {learner.date_of_birth:%Y-%m-%d}  {learner.home_postcode or '-'}  "
                f"held by {learner.organisation}"
            )
        if email:
            for user in users.filter(email__iexact=email).distinct():
                self.stdout.write(f"account {user.pk}  {user.username}  {user.email}")

    def _name(self, options: dict[str, Any]) -> None:
        request = services.rights_request_name_records(
            actor=ACTOR,
            request=_request(options["request"]),
            learner_ids=_ids(options["learner"], "--learner"),
            user_ids=_ids(options["user"], "--user"),
            emails=options["email"],
        )
        self.stdout.write(
            f"The request names {request.learners.count()} learner record(s), "
            f"{request.users.count()} account(s) and {len(request.emails)} e-mail address(es)."
        )

    def _export(self, options: dict[str, Any]) -> None:
        named = options["learner"] or options["user"] or options["email"]
        if options["request"]:
            if named:
                raise CommandError(
                    "With --request, the export is of the records the request names: name more "
                    "with `widen sar name`."
                )
            export = services.rights_request_export(
                actor=ACTOR, request=_request(options["request"])
            )
        else:
            export = self._export_named(options)
        path = Path(options["output"])
        if options["format"] == "pdf":
            path.write_bytes(as_pdf(export))
        else:
            path.write_text(WRITERS[options["format"]](export), encoding="utf-8")
        self.stdout.write(
            f"Wrote {export.row_count:,} records in {len(export.sections)} kinds to {path}."
        )

    def _export_named(self, options: dict[str, Any]) -> Export:
        users = list(User.objects.filter(pk__in=_ids(options["user"], "--user")))
        emails = {email.strip().lower() for email in options["email"] if email.strip()}
        emails |= {user.email.lower() for user in users if user.email}
        emails |= {user.username for user in users}
        person = Person(
            learner_ids=_ids(options["learner"], "--learner"),
            user_ids=tuple(user.pk for user in users),
            emails=tuple(sorted(emails)),
        )
        if person.is_empty:
            raise CommandError("Give --request, or name at least one --learner, --user or --email.")
        export = subject_access_export(person, person_name=options["name"])
        access_log_record(
            actor=ACTOR,
            learner_ids=person.learner_ids,
            data_categories=ALL_CATEGORIES,
            purpose="subject access export from the command line, without a request",
        )
        return export
