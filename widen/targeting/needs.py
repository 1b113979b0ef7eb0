"""The open data a rule set's conditions read, and which of it is not loaded (with the command
that loads it), or loaded only as synthetic values."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from widen.reference.models import Dataset, DatasetEdition
from widen.reference.services import current_edition
from widen.targeting.criteria import CRITERIA

# The dataset each area or education criterion reads (area criteria also need the postcodes).
CRITERION_DATASETS: dict[str, tuple[str, ...]] = {
    "imd_decile": (Dataset.POSTCODES, Dataset.IOD2019),
    "imd_quintile": (Dataset.POSTCODES, Dataset.IOD2019),
    "idaci_decile": (Dataset.POSTCODES, Dataset.IOD2019),
    "idaci_quintile": (Dataset.POSTCODES, Dataset.IOD2019),
    "wimd_decile": (Dataset.POSTCODES, Dataset.WIMD2019),
    "simd_decile": (Dataset.POSTCODES, Dataset.SIMD2020),
    "polar4_quintile": (Dataset.OFS_POSTCODES,),
    "tundra_lsoa_quintile": (Dataset.OFS_POSTCODES,),
    "tundra_msoa_quintile": (Dataset.OFS_POSTCODES,),
    "uni_connect_target_ward": (Dataset.OFS_POSTCODES,),
    "state_funded_school": (Dataset.GIAS,),
}

# How to load each: the exact command, and where the file comes from when it is not fetched.
LOAD_COMMANDS: dict[str, tuple[str, str]] = {
    Dataset.POSTCODES: (
        "widen data load postcodes PATH",
        "PATH: the ONS postcode directory or ONS postcode lookup (ONSPD or NSPL) from the ONS "
        "Open Geography Portal",
    ),
    Dataset.IOD2019: ("widen data fetch iod2019", ""),
    Dataset.WIMD2019: (
        "widen data load wimd2019 PATH",
        "PATH: the WIMD 2019 ranks by LSOA from the Welsh Government",
    ),
    Dataset.SIMD2020: ("widen data fetch simd2020", ""),
    Dataset.OFS_POSTCODES: (
        "widen data load ofs PATH",
        "PATH: the OfS “Postcode look-up dataset” (POLAR4, TUNDRA, target wards), from the "
        "Office for Students pages “Young participation by area → Get the postcode data”",
    ),
    Dataset.GIAS: ("widen data fetch gias", ""),
}


@dataclass(frozen=True)
class DatasetNeed:
    dataset: str
    label: str  # the dataset as people name it
    criteria: tuple[str, ...]  # the conditions that read it, as labels
    command: str
    source: str  # where the file comes from, when the command needs a path
    synthetic: DatasetEdition | None = None  # loaded, but invented values


def _criteria(definition: Any) -> Iterable[str]:
    for group in (definition or {}).get("any", []):
        for condition in group.get("all", []):
            if isinstance(condition, dict) and condition.get("criterion"):
                yield str(condition["criterion"])


def rule_set_data_needs(definition: Any) -> tuple[list[DatasetNeed], list[DatasetNeed]]:
    """(not loaded, loaded only as synthetic values) for a rule set's definition."""
    by_dataset: dict[str, list[str]] = {}
    for key in _criteria(definition):
        criterion = CRITERIA.get(key)
        for dataset in CRITERION_DATASETS.get(key, ()):
            labels = by_dataset.setdefault(dataset, [])
            label = criterion.label if criterion else key
            if label not in labels:
                labels.append(label)
    missing: list[DatasetNeed] = []
    synthetic: list[DatasetNeed] = []
    for dataset, labels in by_dataset.items():
        command, source = LOAD_COMMANDS[dataset]
        need = DatasetNeed(
            dataset=dataset,
            label=str(Dataset(dataset).label),
            criteria=tuple(labels),
            command=command,
            source=source,
        )
        edition = current_edition(dataset)
        if edition is None:
            missing.append(need)
        elif edition.synthetic:
            synthetic.append(replace(need, synthetic=edition))
    return missing, synthetic
