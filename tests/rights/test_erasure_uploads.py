"""An upload that changed an erased learner can no longer put their details back: erasure clears
what the upload kept to be undone (its file, its row problems, the previous values)."""

from __future__ import annotations

import pytest

from widen.accounts.capabilities import system_actor
from widen.core import request_context
from widen.learners.models import ImportRun
from widen.rights.erasing import person_erase
from widen.rights.models import ErasureTombstone
from widen.rights.people import Person
from widen.testing.world import World

pytestmark = pytest.mark.django_db


def _upload(world: World, *, changed: list[str]) -> ImportRun:
    return ImportRun.objects.create(
        organisation=world.alpha,
        file_name="pupils.csv",
        file_format="csv",
        file_sha256="0" * 64,
        file_size=30,
        file_content=b"first_name,last_name\nAmara,Alphason\n",
        problems=[{"row": 2, "column": "UPN", "message": "Amara's UPN is not valid"}],
        changes={"created": changed, "updated": {}},
    )


def test_erasing_a_learner_clears_the_uploads_that_changed_them(world: World) -> None:
    erased = world.learner_alpha
    naming = _upload(world, changed=[str(erased.pk)])
    other = _upload(world, changed=[str(world.learner_beta.pk)])

    with request_context.bind(source="test"):
        report = person_erase(
            person=Person(learner_ids=(erased.pk,)),
            request=None,
            actor=system_actor("test erasure"),
        )

    naming.refresh_from_db()
    assert naming.file_content is None
    assert naming.problems == []
    assert naming.changes == {}
    assert report.anonymised["learners.importrun"] == 1
    assert ErasureTombstone.objects.filter(
        object_type="learners.importrun", object_id=str(naming.pk)
    ).exists()
    other.refresh_from_db()
    assert bytes(other.file_content) == b"first_name,last_name\nAmara,Alphason\n"
    assert other.changes == {"created": [str(world.learner_beta.pk)], "updated": {}}
