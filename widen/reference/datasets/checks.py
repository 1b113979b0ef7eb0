"""What every dataset's build shares: the checks that name each row, column and reason a file
cannot be accepted for, and the column expressions that read postcodes, numbers and area codes."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from widen.reference.reading import DatasetError, SourceTable

MAX_PROBLEMS_SHOWN = 20
# Postcodes as the directories publish them; the outward code may be three letters alone in old,
# terminated postcodes (e.g. NPT 0AD, Newport, until 1984).
REFERENCE_POSTCODE = r"^([A-Z]{1,2}[0-9][A-Z0-9]?|[A-Z]{3}|GIR)([0-9][A-Z]{2})$"
ROW = "_row"


class Checks:
    """Problems found in a table, each naming its row, column and reason."""

    def __init__(self, source: SourceTable) -> None:
        self.source = source
        self.problems: list[str] = []
        self.count = 0
        self.warnings: list[str] = []

    def failing(
        self, frame: pl.DataFrame, bad: pl.Expr, column: str, reason: str, label: str = ""
    ) -> None:
        """Record the rows of `frame` where `bad` holds (`label`: the heading to name)."""
        rows = frame.filter(bad).select(ROW, pl.col(column).alias("_value"))
        self.count += rows.height
        for row, value in rows.head(MAX_PROBLEMS_SHOWN).iter_rows():
            if len(self.problems) < MAX_PROBLEMS_SHOWN:
                shown = str(value)[:40]
                self.problems.append(
                    f"{self.source.place(row).capitalize()}, "
                    f"{label or self.source.headings.get(column, column)}: {reason}"
                    + (f" ('{shown}')" if shown else "")
                )

    def note(self, frame: pl.DataFrame, odd: pl.Expr, column: str, what: str) -> None:
        """Rows loaded anyway, with `what` done about them (a warning, not a refusal)."""
        rows = frame.filter(odd).select(ROW, pl.col(column).alias("_value"))
        if rows.height:
            heading = self.source.headings.get(column, column)
            places = ", ".join(
                f"{self.source.place(row)} ('{str(value)[:20]}')"
                for row, value in rows.head(5).iter_rows()
            )
            more = f" and {rows.height - 5:,} more" if rows.height > 5 else ""
            self.warnings.append(f"{heading} {what}: {places}{more}.")

    def raise_if_any(self, what: str) -> None:
        if self.count:
            more = self.count - len(self.problems)
            raise DatasetError(
                f"Nothing was loaded: {self.count:,} {what} cannot be accepted"
                + (f" ({more:,} more not listed)" if more > 0 else "")
                + ".",
                self.problems,
            )


def with_rows(source: SourceTable, *, blank: Iterable[str] = ()) -> pl.DataFrame:
    """The table's cells trimmed and each row numbered (`ROW`); every column of `blank` the file
    does not have (its layout's optional columns) is there, empty."""
    frame = source.frame.with_row_index(ROW).with_columns(
        pl.col(column).str.strip_chars() for column in source.frame.columns
    )
    missing = [column for column in dict.fromkeys(blank) if column not in frame.columns]
    return frame.with_columns(pl.lit("").alias(column) for column in missing)


def postcode_keyed(
    source: SourceTable, *, blank: Iterable[str] = ()
) -> tuple[pl.DataFrame, Checks]:
    """A table with a row per postcode: its rows (`with_rows`) with the postcode read into
    `_postcode`, and its checks, which already refuse a row whose postcode is not a UK one."""
    frame = with_rows(source, blank=blank).with_columns(_postcode=uk_postcode("postcode"))
    checks = Checks(source)
    checks.failing(frame, pl.col("_postcode").is_null(), "postcode", "not a UK postcode")
    return frame, checks


def postcodes_once(frame: pl.DataFrame, checks: Checks) -> None:
    """Refuse a postcode the file gives more than once."""
    duplicates(frame.filter(pl.col("_postcode").is_not_null()), checks, ["_postcode"], "postcode")


def clipped(**lengths: int) -> dict[str, pl.Expr]:
    """Each named column cut to its model field's length, in the order given."""
    return {column: pl.col(column).str.slice(0, length) for column, length in lengths.items()}


def uk_postcode(column: str) -> pl.Expr:
    squeezed = pl.col(column).str.replace_all(r"\s+", "").str.to_uppercase()
    return (
        pl.when(squeezed.str.contains(REFERENCE_POSTCODE))
        .then(squeezed.str.replace(REFERENCE_POSTCODE, "$1 $2"))
        .otherwise(None)
    )


def integer(column: str) -> pl.Expr:
    """Whole numbers, also when a spreadsheet wrote them as 12.0; blank and junk become null."""
    text = pl.col(column).str.replace(r"\.0+$", "")
    return pl.when(text.str.contains(r"^-?\d{1,9}$")).then(text.cast(pl.Int64)).otherwise(None)


def duplicates(
    frame: pl.DataFrame, checks: Checks, key: list[str], column: str, label: str = ""
) -> None:
    repeated = frame.select(pl.struct(key).is_duplicated().alias("_repeated"))["_repeated"]
    checks.failing(
        frame.with_columns(_repeated=repeated),
        pl.col("_repeated"),
        column,
        "appears more than once in the file",
        label,
    )


# ONS pseudo-codes: a nation's letter then 99999999 (L99999999 Channel Islands, M99999999 Isle of
# Man, N99999999 for Northern Ireland's MSOA, E/W/S99999999), given where a postcode has no area
# of that geography. They name no area, so they are kept as "no area".
PSEUDO_AREA_CODE = r"^[A-Z]99999999$"


def real_area(column: str) -> pl.Expr:
    """The area codes of `column`, with the ONS pseudo-codes as "" (no area)."""
    return (
        pl.when(pl.col(column).str.contains(PSEUDO_AREA_CODE))
        .then(pl.lit(""))
        .otherwise(pl.col(column))
    )
