"""`widen sar`: a data-protection officer without the pages (or the people who run Widen for
them) records a request, checks who is asking, finds and names the records, and exports
everything held, as the request pages do; overdue requests are flagged; bad input is refused
with what was wrong."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from widen.audit.models import AccessLogEntry
from widen.rights.models import RequestKind, RightsRequest
from widen.testing.canary import Canary, seed_canary_person
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def sar(*args: str) -> str:
    out = StringIO()
    call_command("sar", *args, stdout=out)
    return out.getvalue()


def recorded(world: World, canary: Canary, *, received: str = "") -> RightsRequest:
    printed = sar(
        "record",
        "--organisation",
        world.alpha.name,
        "--person",
        canary.full_name,
        "--email",
        canary.person.emails[0],
        "--details",
        "By letter to the registry",
        *(["--received", received] if received else []),
    )
    found = re.search(r"Recorded request ([0-9a-f-]{36})", printed)
    assert found, printed
    return RightsRequest.objects.get(pk=found.group(1))


def test_a_request_is_recorded_found_named_and_exported_from_the_command_line(
    world: World, tmp_path: Path
) -> None:
    canary = seed_canary_person(world)
    request = recorded(world, canary)
    assert (request.organisation, request.kind, request.person_name) == (
        world.alpha,
        RequestKind.ACCESS,
        canary.full_name,
    )
    due = request.due_on
    assert due is not None
    assert f"due {due:%Y-%m-%d}" in sar("list")

    sar("identity", str(request.pk), "--asked", f"{timezone.localdate():%Y-%m-%d}")
    assert "waiting for them to confirm who they are" in sar("list")
    sar(
        "identity",
        str(request.pk),
        "--asked",
        f"{timezone.localdate():%Y-%m-%d}",
        "--confirmed",
        f"{timezone.localdate():%Y-%m-%d}",
        "--evidence",
        "Passport seen at the registry desk",
    )
    request.refresh_from_db()
    assert request.identity_evidence == "Passport seen at the registry desk"

    found = sar("find", "--request", str(request.pk), "--name", canary.learner.last_name)
    assert f"learner {canary.learner.pk}" in found
    sar("name", str(request.pk), "--learner", str(canary.learner.pk))
    assert list(request.learners.all()) == [canary.learner]

    output = tmp_path / "export.json"
    printed = sar("export", "--request", str(request.pk), "--output", str(output))
    assert f"to {output}" in printed
    held = output.read_text(encoding="utf-8")
    assert canary.learner.first_name in held
    assert json.loads(held)["person_name"] == canary.full_name
    # The export is in the access log, as an export from the page is.
    assert AccessLogEntry.objects.filter(
        learner_id=canary.learner.pk, purpose=f"subject access export for request {request.pk}"
    ).exists()


def test_an_export_without_a_request_is_logged_too(world: World, tmp_path: Path) -> None:
    canary = seed_canary_person(world)
    output = tmp_path / "export.html"
    sar(
        "export",
        "--learner",
        str(canary.learner.pk),
        "--format",
        "html",
        "--output",
        str(output),
    )
    assert canary.learner.last_name in output.read_text(encoding="utf-8")
    logged = AccessLogEntry.objects.get(
        learner_id=canary.learner.pk, purpose__startswith="subject access export"
    )
    assert logged.actor_username == "Widen (widen sar)"
    assert logged.purpose.endswith("from the command line, without a request")


def test_an_overdue_request_is_flagged_in_the_list(world: World) -> None:
    canary = seed_canary_person(world)
    long_ago = timezone.localdate() - timedelta(days=70)
    request = recorded(world, canary, received=f"{long_ago:%Y-%m-%d}")
    line = next(line for line in sar("list").splitlines() if str(request.pk) in line)
    assert line.endswith("OVERDUE")


def test_a_request_names_only_records_its_organisation_holds(world: World) -> None:
    canary = seed_canary_person(world)
    request = recorded(world, canary)
    assert "learner" not in sar("find", "--request", str(request.pk), "--name", "Betason")
    with pytest.raises(CommandError, match="not one the request's organisation holds"):
        sar("name", str(request.pk), "--learner", str(world.learner_beta.pk))
    assert not request.learners.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["record", "--organisation", "Nowhere College", "--person", "A Person"],
            "No organisation has the id, URN, UKPRN or name 'Nowhere College'",
        ),
        (
            [
                "record",
                "--organisation",
                "Alpha University",
                "--person",
                "A Person",
                "--received",
                "31/12/2026",
            ],
            "--received must be a date as YYYY-MM-DD, not '31/12/2026'",
        ),
        (
            ["record", "--organisation", "Alpha University", "--person", "   "],
            "Say who is asking.",
        ),
        (["identity", "not-an-id", "--asked", "2026-01-01"], "The request must be ids"),
        (
            ["identity", "00000000-0000-0000-0000-000000000000"],
            "No request has the id 00000000-0000-0000-0000-000000000000",
        ),
        (["find"], "Give --name, --date-of-birth or --email."),
        (["export", "--output", "x.json"], "Give --request, or name at least one"),
    ],
    ids=[
        "unknown organisation",
        "date not ISO",
        "no name",
        "request id not an id",
        "no such request",
        "nothing to find",
        "nothing to export",
    ],
)
def test_bad_input_is_refused_with_what_was_wrong(
    world: World, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=re.escape(message)):
        sar(*args)
    assert not RightsRequest.objects.exists()


def test_the_list_shows_one_organisations_requests_when_asked(world: World) -> None:
    canary = seed_canary_person(world)
    request = recorded(world, canary)
    assert str(request.pk) in sar("list", "--organisation", world.alpha.name)
    assert "No open requests." in sar("list", "--organisation", world.beta.name)
