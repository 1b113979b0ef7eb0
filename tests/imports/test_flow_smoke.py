from __future__ import annotations

import pytest

from widen.accounts.models import Role
from widen.learners.imports.services import (
    learner_import_check,
    learner_import_commit,
    learner_import_start,
)
from widen.learners.models import Learner
from widen.testing.pupil_lists import MIS_HEADINGS, csv_bytes, pupil_rows, table_cells
from widen.testing.world import World


@pytest.mark.django_db
def test_flow(world: World) -> None:
    rows = pupil_rows(50)
    content = csv_bytes(table_cells(rows, MIS_HEADINGS["SIMS"]))
    actor = world.users[Role.OUTREACH_OFFICER]
    run = learner_import_start(
        actor=actor,
        organisation=world.alpha,
        school=world.school,
        file_name="sims.csv",
        content=content,
    )
    report = learner_import_check(run, actor=run.uploaded_by)
    assert report.rows_to_create == 50
    before = Learner.objects.count()
    learner_import_commit(run=run, actor=actor)
    assert Learner.objects.count() == before + 50
