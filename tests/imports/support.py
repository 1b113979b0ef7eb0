"""What the pupil-list import tests share: an import begun, a SIMS file, the command, an upload."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from widen.accounts.models import Role
from widen.learners.imports.services import learner_import_start
from widen.learners.models import ImportRun, Learner
from widen.testing.pupil_lists import MIS_HEADINGS, csv_bytes, table_cells
from widen.testing.world import World


def start(
    world: World, content: bytes, name: str = "pupils.csv", role: str = Role.OUTREACH_OFFICER
) -> ImportRun:
    return learner_import_start(
        actor=world.users[role],
        organisation=world.organisation_of(role),
        school=world.school,
        file_name=name,
        content=content,
    )


def sims_csv(rows: list[dict[str, object]]) -> bytes:
    return csv_bytes(table_cells(rows, MIS_HEADINGS["SIMS"]))


def held(world: World) -> int:
    return Learner.objects.filter(organisation=world.alpha).count()


def run_command(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("import", *args, stdout=out, stderr=io.StringIO())
    except SystemExit as stop:
        return int(stop.code or 0), out.getvalue()
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def upload(client: Client, world: World, content: bytes, name: str = "pupils.csv") -> Any:
    return client.post(
        reverse("learners:import_start"),
        {
            "organisation": str(world.alpha.id),
            "school": str(world.school.id),
            "pupil_list": SimpleUploadedFile(name, content),
        },
    )
