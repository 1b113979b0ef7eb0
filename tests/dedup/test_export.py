"""The probable pairs as CSV (queue page, command, API): both records' references, formula-safe
cells, every learner in it access-logged; and the command says how many of each kind it found."""

from __future__ import annotations

import csv
import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.http.response import HttpResponseBase
from django.test import Client

from conftest import signed_in_client
from tests.dedup.conftest import MakeLearner
from widen.accounts.models import Role, User
from widen.audit.models import AccessLogEntry
from widen.core import request_context
from widen.learners.duplicates.reviews import duplicates_find
from widen.learners.models import Learner
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _pair(world: World, admin: User, make_learner: MakeLearner) -> tuple[Learner, Learner]:
    first = make_learner("Isabella", "Kowalczyk")
    second = make_learner("Bella", "Kowalczyk", postcode="N4 1AA", school=None)
    with request_context.bind(source="test"):
        first.reference = '=HYPERLINK("http://x")'
        first.save()
        second.reference = "MIS-0042"
        second.save()
    duplicates_find(actor=admin, partnership=world.north)
    return first, second


def _rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def _body(response: HttpResponseBase) -> bytes:
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def _check(rows: list[dict[str, str]], first: Learner, second: Learner) -> None:
    assert len(rows) == 1
    row = rows[0]
    by_id = {
        row["Learner one id"]: (row["Learner one reference"], row["Learner one name"]),
        row["Learner two id"]: (row["Learner two reference"], row["Learner two name"]),
    }
    assert by_id == {
        str(first.pk): ('\'=HYPERLINK("http://x")', "Isabella Kowalczyk"),
        str(second.pk): ("MIS-0042", "Bella Kowalczyk"),
    }
    assert float(row["Match probability"]) >= 0.5
    assert row["Kind"] == "a short form or another form of the first name"
    assert "first name: another form of the name" in row["What agrees and differs"]
    assert "date of birth: same" in row["What agrees and differs"]


def _logged(first: Learner, second: Learner) -> set[object]:
    return set(
        AccessLogEntry.objects.filter(purpose__startswith="duplicate pairs export").values_list(
            "learner_id", flat=True
        )
    )


def test_the_queue_page_downloads_the_pairs_safely_and_logs_it(
    world: World, admin: User, make_learner: MakeLearner
) -> None:
    first, second = _pair(world, admin, make_learner)
    client = signed_in_client(admin)

    assert "/learners/duplicates/export/" in client.get("/learners/duplicates/").content.decode()
    response = client.get("/learners/duplicates/export/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    _check(_rows(_body(response)), first, second)
    assert _logged(first, second) == {first.pk, second.pk}


def test_only_admins_download_the_pairs(
    world: World, admin: User, make_learner: MakeLearner
) -> None:
    _pair(world, admin, make_learner)
    officer = world.users[Role.OUTREACH_OFFICER]

    assert signed_in_client(officer).get("/learners/duplicates/export/").status_code == 404
    response = Client().get(
        "/api/v1/duplicate-pairs/export",
        headers={"Authorization": f"Bearer {world.tokens[Role.OUTREACH_OFFICER]}"},
    )
    assert response.status_code == 404
    assert not AccessLogEntry.objects.filter(purpose__startswith="duplicate pairs export")


def test_the_api_gives_the_same_csv(world: World, admin: User, make_learner: MakeLearner) -> None:
    first, second = _pair(world, admin, make_learner)

    response = Client().get(
        "/api/v1/duplicate-pairs/export",
        headers={"Authorization": f"Bearer {world.tokens[Role.PARTNERSHIP_ADMIN]}"},
    )

    assert response.status_code == 200
    _check(_rows(_body(response)), first, second)
    assert _logged(first, second) == {first.pk, second.pk}


def test_the_command_writes_the_pairs_and_counts_each_kind(
    world: World, admin: User, make_learner: MakeLearner, tmp_path: Path
) -> None:
    first, second = _pair(world, admin, make_learner)
    make_learner("Zara", "Hussain")
    make_learner("Zarah", "Hussain", postcode="E15 1DB")
    output = tmp_path / "pairs.csv"
    out = StringIO()

    call_command(
        "learners", "find-duplicates", "--user", admin.username, "--output", str(output), stdout=out
    )

    printed = out.getvalue()
    assert "1 with a short form or another form of the first name" in printed
    assert "1 with a name spelt differently" in printed
    assert f"2 pairs waiting for a decision written to {output}" in printed
    rows = _rows(output.read_bytes())
    assert len(rows) == 2  # noqa: PLR2004
    _check([row for row in rows if "Kowalczyk" in row["Learner one name"]], first, second)
