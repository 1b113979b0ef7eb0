"""Scales in the question bank: locked wording once published, new versions, scoring."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from conftest import signed_in_client
from tests.evaluation.support import BELONGING_ITEMS, belonging_scale
from widen.accounts.capabilities import system_actor
from widen.core.exceptions import ApplicationError
from widen.evaluation.models import Scale, ScaleItem, ScaleLockedError, ScaleScoring
from widen.evaluation.services import (
    ItemSpec,
    scale_create,
    scale_draft_update,
    scale_new_version,
    scale_publish,
)
from widen.testing.world import World

pytestmark = pytest.mark.django_db

SYSTEM = system_actor("tests of evaluation")


def test_a_draft_scale_can_be_reworded_and_reordered(world: World) -> None:
    scale = belonging_scale(world, publish=False)
    scale_draft_update(
        actor=SYSTEM,
        scale=scale,
        items=[BELONGING_ITEMS[1], ItemSpec("I could see myself at university.")],
    )
    assert [item.text for item in scale.items.all()] == [
        "People like me go to university.",
        "I could see myself at university.",
    ]


def test_a_published_scale_refuses_every_way_of_changing_its_wording(world: World) -> None:
    scale = belonging_scale(world)
    item = scale.items.get(position=1)
    original = [(i.position, i.text, i.reverse_scored) for i in scale.items.all()]

    item.text = "I feel I would really fit in."
    with pytest.raises(ScaleLockedError):
        item.save()
    with pytest.raises(ValidationError):
        item.full_clean()
    with pytest.raises(ScaleLockedError):
        ScaleItem.objects.filter(scale=scale).update(position=9)
    with pytest.raises(ScaleLockedError):
        ScaleItem.objects.filter(pk=item.pk).delete()
    with pytest.raises(ScaleLockedError):
        ScaleItem(scale=scale, position=4, text="An extra item").save()
    with pytest.raises(ScaleLockedError):
        ScaleItem.objects.bulk_create([ScaleItem(scale=scale, position=5, text="Another")])
    with pytest.raises(ScaleLockedError):
        scale_draft_update(actor=SYSTEM, scale=scale, items=[ItemSpec("Changed")])

    scale.scoring = ScaleScoring.SUM
    with pytest.raises(ScaleLockedError):
        scale.save()
    scale.refresh_from_db()
    scale.response_options = [{"value": 1, "label": "No"}, {"value": 2, "label": "Yes"}]
    with pytest.raises(ValidationError):
        scale.full_clean()
    with pytest.raises(ScaleLockedError):
        Scale.objects.filter(pk=scale.pk).update(name="Belonging (short)")
    with pytest.raises(ScaleLockedError):
        Scale.objects.filter(pk=scale.pk).update(status="draft")
    with pytest.raises(ScaleLockedError):
        Scale.objects.filter(pk=scale.pk).delete()

    scale.refresh_from_db()
    assert scale.is_published
    assert scale.scoring == ScaleScoring.MEAN
    assert [(i.position, i.text, i.reverse_scored) for i in scale.items.all()] == original


def test_a_published_scale_description_can_still_be_improved(world: World) -> None:
    scale = belonging_scale(world)
    scale.description = "How far a learner feels they would belong at university."
    scale.save()
    scale.refresh_from_db()
    assert scale.description.startswith("How far")


def test_a_new_version_changes_the_wording_and_leaves_the_old_one_as_it_was(world: World) -> None:
    scale = belonging_scale(world)
    new = scale_new_version(
        actor=SYSTEM,
        scale=scale,
        items=[*BELONGING_ITEMS, ItemSpec("I know someone who went to university.")],
        publish=True,
    )
    assert (new.key, new.version, new.previous_version) == (scale.key, 2, scale)
    assert new.items.count() == 4
    assert scale.items.count() == 3
    assert new.is_published


def test_publishing_needs_items_and_options_are_checked(world: World) -> None:
    with pytest.raises(ApplicationError, match="at least one item"):
        scale_create(actor=SYSTEM, partnership=world.north, name="Empty", items=[])
    with pytest.raises(ApplicationError, match="used twice"):
        scale_create(
            actor=SYSTEM,
            partnership=world.north,
            name="Odd options",
            items=BELONGING_ITEMS,
            response_options=[{"value": 1, "label": "No"}, {"value": 1, "label": "Yes"}],
        )
    draft = belonging_scale(world, publish=False)
    assert scale_publish(actor=SYSTEM, scale=draft).is_published


def test_scoring_a_mean_flips_reverse_scored_items_and_ignores_gaps(world: World) -> None:
    scale = belonging_scale(world)
    one, two, three = scale.items.all()
    # 4, 5 and a reverse-scored 2 (= 6 - 2 = 4): mean 13 / 3.
    assert scale.score({one.pk: 4, two.pk: 5, three.pk: 2}) == pytest.approx(13 / 3)
    # An unanswered item is left out of the mean.
    assert scale.score({one.pk: 4, two.pk: None, three.pk: 1}) == pytest.approx(4.5)
    assert scale.score({}) is None


def test_scoring_a_sum_needs_every_item(world: World) -> None:
    scale = scale_create(
        actor=SYSTEM,
        partnership=world.north,
        name="Confidence",
        items=BELONGING_ITEMS,
        scoring=ScaleScoring.SUM,
        response_options=[{"value": v, "label": str(v)} for v in range(0, 4)],
        publish=True,
    )
    one, two, three = scale.items.all()
    # Options 0-3: the reverse of 1 is 0 + 3 - 1 = 2.
    assert scale.score({one.pk: 3, two.pk: 0, three.pk: 1}) == 5
    assert scale.score({one.pk: 3, two.pk: 0}) is None


def test_the_admin_shows_a_published_scale_read_only_and_refuses_changes(world: World) -> None:
    admin_user = world.users["staff"]
    admin_user.is_superuser = True
    admin_user.save()
    client = signed_in_client(admin_user)
    scale = belonging_scale(world)
    url = reverse("admin:evaluation_scale_change", args=[scale.pk])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert 'name="name"' not in body
    assert 'name="items-0-text"' not in body
    assert "I would feel out of place at university." in body
    client.post(url, {"name": "Renamed", "description": "Better words", "items-TOTAL_FORMS": "0"})
    scale.refresh_from_db()
    assert scale.name == "Sense of belonging"
    assert [item.text for item in scale.items.all()] == [item.text for item in BELONGING_ITEMS]
    assert client.post(reverse("admin:evaluation_scale_delete", args=[scale.pk])).status_code == 403
    assert Scale.objects.filter(pk=scale.pk).exists()
    draft = belonging_scale(world, publish=False)
    assert (
        'name="name"'
        in client.get(reverse("admin:evaluation_scale_change", args=[draft.pk])).content.decode()
    )


def test_bulk_and_moving_writes_cannot_change_a_published_scale(world: World) -> None:
    """Writes that bypass `save`: updating scales in bulk, moving a draft's items into a
    published scale, or moving a published scale's items out."""
    scale = belonging_scale(world)
    draft = scale_create(
        actor=SYSTEM,
        partnership=world.north,
        name="Draft belonging",
        items=[ItemSpec("An extra item"), ItemSpec("Another extra item")],
        publish=False,
    )
    original = [(i.position, i.text, i.reverse_scored) for i in scale.items.all()]

    scale.response_options = [{"value": 1, "label": "No"}, {"value": 2, "label": "Yes"}]
    scale.scoring = ScaleScoring.SUM
    with pytest.raises(ScaleLockedError):
        Scale.objects.bulk_update([scale], ["response_options", "scoring"])
    scale.status = "draft"
    with pytest.raises(ScaleLockedError):
        Scale.objects.bulk_update([scale], ["status"])

    ScaleItem.objects.filter(scale=draft).update(position=models.F("position") + 10)
    with pytest.raises(ScaleLockedError):
        ScaleItem.objects.filter(scale=draft).update(scale=scale)
    with pytest.raises(ScaleLockedError):
        ScaleItem.objects.filter(scale=draft).update(scale_id=scale.pk)

    item = scale.items.get(position=1)
    item.scale_id = draft.pk
    with pytest.raises(ScaleLockedError):
        ScaleItem.objects.bulk_update([item], ["scale"])

    scale.refresh_from_db()
    assert scale.is_published
    assert scale.scoring == ScaleScoring.MEAN
    assert len(scale.response_options) != 2  # noqa: PLR2004
    assert [(i.position, i.text, i.reverse_scored) for i in scale.items.all()] == original
    assert draft.items.count() == 2  # noqa: PLR2004
