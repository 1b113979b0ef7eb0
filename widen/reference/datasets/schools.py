"""The DfE's register of schools and colleges (Get Information About Schools)."""

from __future__ import annotations

import polars as pl

from widen.reference.datasets.checks import (
    Checks,
    clipped,
    duplicates,
    integer,
    uk_postcode,
    with_rows,
)
from widen.reference.reading import Layout, SourceTable

# --- DfE GIAS ----------------------------------------------------------------------------------

GIAS_LAYOUT = Layout(
    required={
        "urn": ("URN",),
        "name": ("EstablishmentName", "establishment_name", "name"),
    },
    optional={
        "establishment_type": ("TypeOfEstablishment (name)", "establishment_type"),
        "type_group": ("EstablishmentTypeGroup (name)", "establishment_type_group"),
        "phase": ("PhaseOfEducation (name)", "education_phase", "phase"),
        "status": ("EstablishmentStatus (name)", "establishment_status", "status"),
        "local_authority_code": ("LA (code)", "la_code"),
        "local_authority": ("LA (name)", "la_name"),
        "postcode": ("Postcode",),
        "percentage_fsm": ("PercentageFSM", "percentage_fsm"),
        "number_of_pupils": ("NumberOfPupils", "number_of_pupils"),
        "easting": ("Easting", "easting"),
        "northing": ("Northing", "northing"),
    },
)
# GIAS type groups whose establishments are funded by the state.
STATE_FUNDED_GROUPS = {
    "academies",
    "colleges",
    "free schools",
    "local authority maintained schools",
    "special schools",
}
NOT_STATE_FUNDED_TYPES = {"non-maintained special school", "other independent special school"}


def build_gias(source: SourceTable) -> tuple[pl.DataFrame, list[str]]:
    frame = with_rows(source, blank=GIAS_LAYOUT.optional).with_columns(
        _postcode=uk_postcode("postcode")
    )
    checks = Checks(source)
    checks.failing(
        frame, ~pl.col("urn").str.contains(r"^[1-9]\d{5}$"), "urn", "not a 6-digit DfE URN"
    )
    checks.failing(frame, pl.col("name") == "", "name", "the establishment has no name")
    # GIAS records a few establishments (overseas, closed long ago) with no UK postcode: they
    # load without one rather than keeping the whole register out.
    checks.note(
        frame,
        pl.col("_postcode").is_null() & (pl.col("postcode") != ""),
        "postcode",
        "is not a UK postcode and was left blank",
    )
    fsm = pl.col("percentage_fsm")
    fsm_value = (
        pl.when(fsm.str.contains(r"^\d{1,3}(\.\d+)?$")).then(fsm.cast(pl.Float64)).otherwise(None)
    )
    checks.failing(
        frame,
        (fsm != "") & (fsm_value.is_null() | (fsm_value > 100)),
        "percentage_fsm",
        "not a percentage",
    )
    pupils = pl.col("number_of_pupils")
    checks.failing(
        frame,
        (pupils != "") & integer("number_of_pupils").is_null(),
        "number_of_pupils",
        "not a number of pupils",
    )
    for column in ("easting", "northing"):
        checks.failing(
            frame,
            (pl.col(column) != "") & integer(column).is_null(),
            column,
            "not a grid reference in metres",
        )
    duplicates(frame, checks, ["urn"], "urn")
    checks.raise_if_any("establishments")
    group = pl.col("type_group").str.to_lowercase()
    kind = pl.col("establishment_type").str.to_lowercase()
    rows = frame.select(
        urn=pl.col("urn"),
        **clipped(
            name=200,
            establishment_type=100,
            type_group=100,
            phase=60,
            status=60,
            local_authority_code=10,
            local_authority=100,
        ),
        postcode=pl.col("_postcode").fill_null(""),
        percentage_fsm=fsm_value.round(1),
        number_of_pupils=integer("number_of_pupils"),
        # No grid reference: blank, or 0 as some GIAS extracts give it.
        easting=pl.when(integer("easting") > 0).then(integer("easting")).otherwise(None),
        northing=pl.when(integer("northing") > 0).then(integer("northing")).otherwise(None),
        state_funded=pl.when(group != "")
        .then(group.is_in(list(STATE_FUNDED_GROUPS)) & ~kind.is_in(NOT_STATE_FUNDED_TYPES))
        # Without the type group (some extracts), the type alone says it.
        .when(kind != "")
        .then(
            ~kind.str.contains("independent")
            & ~kind.str.contains("higher education")
            & ~kind.is_in(NOT_STATE_FUNDED_TYPES)
        )
        .otherwise(None),
    )
    return rows, checks.warnings
