"""What the targeting tests share: the open-data extracts they load, a learner's move."""

from __future__ import annotations

from pathlib import Path

from widen.accounts.models import User
from widen.learners.models import Learner
from widen.learners.permissions import learner_policy
from widen.learners.services import learner_update
from widen.reference.services import dataset_load

DATA = Path(__file__).parent / "data"
ONS_LOOKUP = DATA / "PCD_OA_LSOA_MSOA_LAD_MAY22_UK_LU_extract.csv"
IOD2019 = DATA / "File_3_-_IoD2019_Supplementary_Indices_extract.csv"


def english_areas_loaded() -> None:
    """The ONS postcode lookup and the English indices of deprivation 2019 (extracts) loaded."""
    dataset_load("postcodes", ONS_LOOKUP)
    dataset_load("iod2019", IOD2019)


def home_postcode_changed(officer: User, learner: Learner, postcode: str) -> None:
    """`officer` changes `learner`'s home postcode the way the learner's edit page does."""
    access = learner_policy.access(officer, learner)
    assert access is not None
    learner_update(
        learner=learner,
        access=access,
        changes={"home_postcode": postcode},
        acting_user=officer,
    )
