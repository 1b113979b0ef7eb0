"""The official datasets Widen loads: their publishers, layouts, checks and how rows are stored.

Each dataset turns a `SourceTable` (text columns) into the rows of its model with Polars column
expressions, and reports every row it cannot accept by line, column and reason; a file with any
such row is refused whole.
"""

from widen.reference.datasets.checks import PSEUDO_AREA_CODE, REFERENCE_POSTCODE, real_area
from widen.reference.datasets.specs import (
    MONTH_NAMES,
    SPECS,
    DatasetSpec,
    edition_from_file_name,
    model_rows,
    spec_for,
)

__all__ = [
    "MONTH_NAMES",
    "PSEUDO_AREA_CODE",
    "REFERENCE_POSTCODE",
    "SPECS",
    "DatasetSpec",
    "edition_from_file_name",
    "model_rows",
    "real_area",
    "spec_for",
]
