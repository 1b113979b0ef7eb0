"""The scales Widen ships (`fixtures/scales.yaml`, Widen's own wording), loaded into the
question bank by `widen evaluation load-scales`.

Loading is idempotent: a scale already there with the same wording is left alone. A scale whose
wording in the file differs from the one loaded is refused unless `force` is given — and even
then the published scale is not overwritten: a new version is published beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from widen.accounts.capabilities import system_actor
from widen.core.exceptions import ApplicationError
from widen.evaluation.models import Scale, ScaleScoring, ScaleSource
from widen.evaluation.services import (
    ItemSpec,
    agreement_options,
    scale_create,
    scale_new_version,
    scale_same_as,
)

SHIPPED_SCALES = Path(__file__).parent / "fixtures" / "scales.yaml"


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _entries(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ApplicationError(f"{path.name} should be a list of scales.")
    for number, entry in enumerate(data, start=1):
        if not isinstance(entry, dict) or not entry.get("key") or not entry.get("name"):
            raise ApplicationError(f"{path.name}: scale {number} needs a key and a name.")
        if not isinstance(entry.get("items"), list) or not entry["items"]:
            raise ApplicationError(f"{path.name}: {entry['name']} needs items.")
    return data


@transaction.atomic
def shipped_scales_load(*, path: Path = SHIPPED_SCALES, force: bool = False) -> LoadResult:
    result = LoadResult()
    widen = system_actor("load the scales Widen ships")
    changed: list[str] = []
    for entry in _entries(path):
        items = [
            ItemSpec(
                text=str(item.get("text", "")),
                reverse_scored=bool(item.get("reverse_scored", False)),
                code=str(item.get("code", "")),
            )
            for item in entry["items"]
        ]
        options = entry.get("options") or agreement_options()
        scoring = entry.get("scoring") or ScaleScoring.MEAN
        latest = (
            Scale.objects.filter(partnership=None, key=entry["key"]).order_by("-version").first()
        )
        if latest is None:
            scale_create(
                actor=widen,
                partnership=None,
                name=entry["name"],
                key=entry["key"],
                items=items,
                response_options=options,
                scoring=scoring,
                description=str(entry.get("description", "")),
                source=ScaleSource.WIDEN,
                publish=True,
            )
            result.created.append(entry["name"])
        elif scale_same_as(
            latest, name=entry["name"], items=items, response_options=options, scoring=scoring
        ):
            result.unchanged.append(entry["name"])
        elif not force:
            changed.append(entry["name"])
        else:
            scale_new_version(
                actor=widen,
                scale=latest,
                items=items,
                name=entry["name"],
                response_options=options,
                scoring=scoring,
                publish=True,
            )
            result.new_versions.append(entry["name"])
    if changed:
        raise ApplicationError(
            "These scales are already loaded with other wording: "
            + ", ".join(changed)
            + ". Nothing was changed. Use --force to publish a new version of each (the "
            "versions already published stay as they are)."
        )
    return result
