"""Finding learners recorded twice: probabilistic record linkage with Splink on DuckDB.

`probable_duplicates` takes a Polars frame of learners (one row each) and returns the pairs that
are probably the same young person, each with its match probability and, field by field, what
agrees and what differs. It reads nothing from the database, so the benchmark runs it on a
synthetic population as it is.

How a pair is scored (Fellegi-Sunter, as Splink implements it):

* Names are compared as `widen.core.names.fold_name` writes them (Siân and Sian, Müller and
  Muller, O'Brien and O’Brien are the same), and a first name that is another form of the other
  (Harry and Henry, Bella and Isabella, Kuba and Jakub: the `nicknames` package's names.csv and
  `INTERNATIONAL_FORMS`) has a level of its own.
* Pairs are only compared when they share a date of birth (whatever the postcode: a family that
  moved house), a postcode, a UPN, a first and last name, a last name and school, or a first or
  last name and the date of birth written day for month ("blocking"), so the work grows with
  the number of learners, not its square.
* Each field's agreement (exact, similar, different, missing) has an `m` probability (how often
  it happens when the two records are the same child) and a `u` probability (how often it
  happens by chance). Both are fixed below: `m` from what school lists get wrong, `u` estimated
  once by Splink's random sampling on generated school-age populations (about five birth
  years), with postcodes kept at the rates of a region's real postcode units. Nothing is
  trained on each search (training took most of a search's time and wandered on small lists);
  an exact first or last name counts for less when the name is common in the list searched
  (term frequency adjustment, from 1,000 learners).
* The same UPN is certain: probability 1.
* Twins are never proposed, however high they score, whatever else differs (`_twins`, applied
  after scoring): the same last name, the same date of birth or it with day and month swapped,
  and first names that cannot be one child's (`same_first_name`); with two different UPNs only
  the same first name is one child's.

`make bench` measures precision, recall, twins proposed and time on generated populations with
every kind of variation (benchmarks/dedup.py), beside heat-helper's `find_duplicates`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from widen.core.names import (
    are_name_variants,
    fold_name,
    folded,
    is_known_name,
    name_forms,
)

# The columns `probable_duplicates` reads.
COLUMNS = (
    "learner_id",
    "first_name",
    "last_name",
    "date_of_birth",
    "postcode",
    "school_id",
    "upn",
)
# More likely the same child than not: an admin decides each pair.
DEFAULT_THRESHOLD = 0.5
# From this many learners, an exact name counts for less when it is common in the list.
TERM_FREQUENCY_MINIMUM = 1_000
# The share of learners expected to be recorded twice, for the prior chance that two records
# picked at random are the same child.
EXPECTED_DUPLICATE_SHARE = 0.02
MAXIMUM_PRIOR = 1e-4

# Levels, best first (the null level is separate). Each comparison: (column, kind, m, u).
# First name: exact, another form of the name, then as the last name. A name wholly different
# is rare for one child (a new surname after a family change, a first name no list knows).
_NAME_M_FIRST = [0.78, 0.08, 0.05, 0.04, 0.04, 0.01]
_NAME_U_FIRST = [0.005, 0.002, 0.0015, 0.002, 0.03, 0.9595]
_NAME_M_LAST = [0.86, 0.06, 0.03, 0.04, 0.01]
_NAME_U_LAST = [0.003, 0.0005, 0.0015, 0.03, 0.965]
# Exact, day and month swapped, one character different, within a month, within a year,
# further apart.
_DOB_M = [0.90, 0.02, 0.04, 0.01, 0.02, 0.01]
_DOB_U = [0.0006, 0.0002, 0.011, 0.027, 0.32, 0.6412]
# Full postcode, sector, district, area, different.
_POSTCODE_M = [0.70, 0.04, 0.06, 0.05, 0.15]
_POSTCODE_U = [0.0005, 0.002, 0.02, 0.2, 0.7775]
_SCHOOL_M = [0.80, 0.20]
_SCHOOL_U = [0.05, 0.95]
_UPN_M = [0.90, 0.10]
_UPN_U = [0.00001, 0.99999]

# What each level means, in words, for the review page (same order as the levels).
_LEVEL_WORDS: dict[str, list[str]] = {
    "first_name": [
        "same",
        "another form of the name",
        "nearly the same",
        "similar",
        "a little alike",
        "different",
    ],
    "last_name": ["same", "nearly the same", "similar", "a little alike", "different"],
    "date_of_birth": [
        "same",
        "day and month swapped",
        "one digit different",
        "within a month",
        "within a year",
        "different",
    ],
    "postcode": ["same", "same sector", "same district", "same area", "different"],
    "school_id": ["same", "different"],
    "upn": ["same", "different"],
}
FIELDS = tuple(_LEVEL_WORDS)

# The kinds of pair `find-duplicates` counts, in the order a pair is given the first that fits.
PAIR_KINDS: dict[str, str] = {
    "same_upn": "the same UPN",
    "same_details": "the same name and date of birth",
    "name_variant": "a short form or another form of the first name",
    "name_typo": "a name spelt differently",
    "date_of_birth": "a date of birth written differently",
    "moved_house": "another home postcode",
    "other": "other differences",
}


@dataclass(frozen=True)
class DuplicateSearch:
    """What one search found: the probable pairs, and how many twin-like pairs it set aside."""

    # learner_one, learner_two, match_probability, kind (PAIR_KINDS), and per field (FIELDS)
    # its agreement in words
    pairs: pl.DataFrame
    learners_compared: int
    pairs_scored: int
    twins_set_aside: int

    def kinds(self) -> dict[str, int]:
        """How many pairs of each kind (PAIR_KINDS order), kinds with none left out."""
        counts = dict(self.pairs["kind"].value_counts().iter_rows()) if self.pairs.height else {}
        return {kind: counts[kind] for kind in PAIR_KINDS if counts.get(kind)}


def _empty_pairs() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "learner_one": pl.String,
            "learner_two": pl.String,
            "match_probability": pl.Float64,
            "kind": pl.String,
            **dict.fromkeys(FIELDS, pl.String),
        }
    )


def _folded(column: str) -> pl.Expr:
    """A name column folded by `fold_name`, blanks as nulls."""
    name = folded(pl.col(column))
    return pl.when(name == "").then(None).otherwise(name).alias(column)


def _forms(column: str) -> pl.Expr:
    """Each folded first name's other forms (Harry: Henry, Hal, …), as a list."""
    forms = name_forms()
    return (
        pl.col(column)
        .map_batches(
            lambda names: pl.Series(
                [forms.get(name, []) if name else [] for name in names.to_list()],
                dtype=pl.List(pl.String),
            ),
            return_dtype=pl.List(pl.String),
        )
        .alias(f"{column}_forms")
    )


def prepare(frame: pl.DataFrame) -> pl.DataFrame:
    """Learners as Splink compares them: names folded by `fold_name`, each first name's other
    forms, ISO dates, blanks as nulls."""

    def blank_as_null(column: str) -> pl.Expr:
        text = pl.col(column).cast(pl.String).str.strip_chars().str.to_uppercase()
        return pl.when(text == "").then(None).otherwise(text).alias(column)

    prepared = frame.select(
        pl.col("learner_id").cast(pl.String).alias("unique_id"),
        _folded("first_name"),
        _folded("last_name"),
        pl.col("date_of_birth").cast(pl.Date).dt.strftime("%Y-%m-%d").alias("date_of_birth"),
        blank_as_null("postcode"),
        blank_as_null("school_id"),
        blank_as_null("upn"),
    )
    return prepared.with_columns(
        _forms("first_name"),
        # The date of birth with day and month swapped (when that is a date), so that a record
        # written the American way is compared with the other.
        pl.concat_str(
            [
                pl.col("date_of_birth").str.slice(0, 5),
                pl.col("date_of_birth").str.slice(8, 2),
                pl.lit("-"),
                pl.col("date_of_birth").str.slice(5, 2),
            ]
        ).alias("date_of_birth_swapped"),
        # Days since 1970, for "within a month" without parsing the date for every pair.
        pl.col("date_of_birth").str.to_date("%Y-%m-%d").cast(pl.Int32).alias("days_of_birth"),
    )


def _first_name_comparison(frequencies: bool) -> Any:
    """Exact, another form of the name (names.csv: Harry and Henry), then Jaro-Winkler at
    least 0.92, 0.88 and 0.7, then different."""
    import splink.comparison_level_library as cll  # noqa: PLC0415
    import splink.comparison_library as cl  # noqa: PLC0415

    column = "first_name"
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column, term_frequency_adjustments=frequencies),
            cll.CustomLevel(
                f"list_contains({column}_forms_l, {column}_r)",
                label_for_charts="Another form of the name",
            ),
            cll.JaroWinklerLevel(column, 0.92),
            cll.JaroWinklerLevel(column, 0.88),
            cll.JaroWinklerLevel(column, 0.7),
            cll.ElseLevel(),
        ],
    )


def _name_comparison(column: str, frequencies: bool) -> Any:
    """Exact, then Jaro-Winkler at least 0.92, 0.88 and 0.7, then different (as Splink's
    NameComparison, with term frequencies only when asked for)."""
    import splink.comparison_level_library as cll  # noqa: PLC0415
    import splink.comparison_library as cl  # noqa: PLC0415

    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column, term_frequency_adjustments=frequencies),
            cll.JaroWinklerLevel(column, 0.92),
            cll.JaroWinklerLevel(column, 0.88),
            cll.JaroWinklerLevel(column, 0.7),
            cll.ElseLevel(),
        ],
    )


def _date_of_birth_comparison() -> Any:
    """Exact, day and month swapped (an American-style entry), one character different, within
    a month, within a year, further apart."""
    import splink.comparison_level_library as cll  # noqa: PLC0415
    import splink.comparison_library as cl  # noqa: PLC0415

    column = "date_of_birth"
    within = "abs(days_of_birth_l - days_of_birth_r) <= {days}"
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            cll.CustomLevel(
                f"{column}_swapped_l = {column}_r", label_for_charts="Day and month swapped"
            ),
            cll.DamerauLevenshteinLevel(column, 1),
            cll.CustomLevel(within.format(days=31), label_for_charts="Within a month"),
            cll.CustomLevel(within.format(days=366), label_for_charts="Within a year"),
            cll.ElseLevel(),
        ],
    )


def _settings(population: int) -> Any:
    import splink.comparison_library as cl  # noqa: PLC0415 (DuckDB starts only when needed)
    from splink import SettingsCreator, block_on  # noqa: PLC0415
    from splink.blocking_rule_library import CustomRule  # noqa: PLC0415

    pairs = max(population * (population - 1) / 2, 1)
    # On a small list two records chosen at random are more often the same child, but a
    # couple of hundred learners who share a school and year also share much by chance:
    # the prior is never above one in ten thousand.
    prior = min(EXPECTED_DUPLICATE_SHARE * population / pairs, MAXIMUM_PRIOR)
    # Common names agree by chance more often (term frequency adjustment), once there are
    # enough learners for their frequencies to mean something.
    frequencies = population >= TERM_FREQUENCY_MINIMUM
    return SettingsCreator(
        link_type="dedupe_only",
        probability_two_random_records_match=prior,
        comparisons=[
            _first_name_comparison(frequencies).configure(
                m_probabilities=_NAME_M_FIRST, u_probabilities=_NAME_U_FIRST
            ),
            _name_comparison("last_name", frequencies).configure(
                m_probabilities=_NAME_M_LAST, u_probabilities=_NAME_U_LAST
            ),
            _date_of_birth_comparison().configure(m_probabilities=_DOB_M, u_probabilities=_DOB_U),
            cl.PostcodeComparison("postcode").configure(
                m_probabilities=_POSTCODE_M, u_probabilities=_POSTCODE_U
            ),
            cl.ExactMatch("school_id").configure(
                m_probabilities=_SCHOOL_M, u_probabilities=_SCHOOL_U
            ),
            cl.ExactMatch("upn").configure(m_probabilities=_UPN_M, u_probabilities=_UPN_U),
        ],
        # A pair is compared when it shares any of these: a date of birth (however the home
        # postcode differs: a family that moved), a postcode, a UPN, both names, a last name
        # and school, or a first or last name and the date of birth written the other way.
        blocking_rules_to_generate_predictions=[
            block_on("date_of_birth"),
            block_on("postcode"),
            block_on("upn"),
            block_on("first_name", "last_name"),
            block_on("last_name", "school_id"),
            CustomRule("l.date_of_birth_swapped = r.date_of_birth AND l.last_name = r.last_name"),
            CustomRule("l.date_of_birth_swapped = r.date_of_birth AND l.first_name = r.first_name"),
        ],
        additional_columns_to_retain=[
            "first_name_forms",
            "date_of_birth_swapped",
            "days_of_birth",
        ],
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=True,
    )


def _score(prepared: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """Every blocked pair Splink scores at `threshold` or above (or with the same UPN)."""
    from splink import DuckDBAPI, Linker  # noqa: PLC0415

    logging.getLogger("splink").setLevel(logging.ERROR)
    database = DuckDBAPI(":memory:")
    try:
        table = database.register(prepared.to_arrow(), dataset_display_name="learners")
        linker = Linker(table, _settings(prepared.height), log_level=None)
        # UPN pairs are kept whatever they score, so nothing is filtered inside Splink below
        # the lowest probability a same-UPN pair could need.
        predictions = linker.inference.predict(warning_mode="never")
        gamma_columns = [f"gamma_{field}" for field in FIELDS]
        columns = [
            "unique_id_l",
            "unique_id_r",
            "match_probability",
            *gamma_columns,
            *(
                f"{column}_{side}"
                for column in (
                    "first_name",
                    "last_name",
                    "upn",
                    "date_of_birth",
                    "date_of_birth_swapped",
                    "postcode",
                    "school_id",
                )
                for side in ("l", "r")
            ),
        ]
        # Only the pairs proposed leave DuckDB: a large partnership scores millions of pairs.
        sql = (
            f"SELECT {', '.join(columns)} FROM {predictions.physical_name}"  # noqa: S608
            " WHERE match_probability >= ? OR (upn_l IS NOT NULL AND upn_l = upn_r)"
        )
        scored = database._con.sql(sql, params=[threshold]).pl()  # noqa: SLF001
    finally:
        database._con.close()  # noqa: SLF001
    same_upn = pl.col("upn_l").is_not_null() & (pl.col("upn_l") == pl.col("upn_r"))
    return scored.with_columns(
        pl.when(same_upn)
        .then(pl.lit(1.0))
        .otherwise(pl.col("match_probability"))
        .alias("match_probability")
    ).filter(pl.col("match_probability") >= threshold)


def _one_edit_apart(first: str, second: str) -> bool:
    """One letter changed, added, dropped, or two neighbours swapped."""
    if abs(len(first) - len(second)) > 1 or first == second:
        return False
    if len(first) == len(second):
        differ = [index for index, (a, b) in enumerate(zip(first, second, strict=True)) if a != b]
        if len(differ) == 1:
            return True
        return (
            len(differ) == 2  # noqa: PLR2004
            and differ[1] == differ[0] + 1
            and first[differ[0]] == second[differ[1]]
            and first[differ[1]] == second[differ[0]]
        )
    shorter, longer = sorted((first, second), key=len)
    return any(longer[:index] + longer[index + 1 :] == shorter for index in range(len(longer)))


def same_first_name(first: str | None, second: str | None) -> bool:
    """Whether two first names can be one child's: the same once folded, forms of one name
    (names.csv: Harry and Henry), one the start of the other (Jess, Jessica), or one a
    misspelling of the other (one letter apart, and not both names people are given: Amelia
    and Amelie are two names)."""
    one, two = fold_name(first), fold_name(second)
    if not one or not two:
        return False
    if one == two or are_name_variants(one, two):
        return True
    if min(len(one), len(two)) >= 3 and (one.startswith(two) or two.startswith(one)):  # noqa: PLR2004
        return True
    return _one_edit_apart(one, two) and not (is_known_name(one) and is_known_name(two))


def _twins(scored: pl.DataFrame) -> pl.Series:
    """True for each scored pair that is two children of one family: the same last name, the
    same date of birth (or it with day and month swapped), first names that cannot be one
    child's (`same_first_name`), and not the same UPN (twins never share one). Whatever else
    agrees or differs, such a pair is never proposed: never merging twins comes first."""
    if scored.height == 0:
        return pl.Series("twins", [], dtype=pl.Boolean)
    same_upn = (pl.col("upn_l") == pl.col("upn_r")).fill_null(value=False)
    candidate = scored.select(
        (
            ~same_upn
            & (pl.col("last_name_l") == pl.col("last_name_r"))
            & (
                (pl.col("date_of_birth_l") == pl.col("date_of_birth_r"))
                | (pl.col("date_of_birth_swapped_l") == pl.col("date_of_birth_r"))
            )
        ).fill_null(value=False)
    ).to_series()
    # Two UPNs that differ are two pupils unless the first names are the same: Lee is a short
    # form of Shirley, but Lee and Shirley with their own UPNs are twins.
    other_upns = scored.select(
        (pl.col("upn_l").is_not_null() & pl.col("upn_r").is_not_null()).fill_null(value=False)
    ).to_series()
    rows = zip(
        candidate.to_list(),
        other_upns.to_list(),
        scored["first_name_l"].to_list(),
        scored["first_name_r"].to_list(),
        strict=True,
    )
    return pl.Series(
        "twins",
        [
            bool(maybe)
            and (fold_name(one) != fold_name(two) if upns else not same_first_name(one, two))
            for maybe, upns, one, two in rows
        ],
        dtype=pl.Boolean,
    )


def _kind() -> pl.Expr:
    """The first kind in PAIR_KINDS that fits the pair's agreement levels."""
    words = {field: pl.col(field) for field in FIELDS}
    return (
        pl.when(words["upn"] == "same")
        .then(pl.lit("same_upn"))
        .when(
            (words["first_name"] == "same")
            & (words["last_name"] == "same")
            & (words["date_of_birth"] == "same")
            & words["postcode"].is_in(["same", "missing"])
        )
        .then(pl.lit("same_details"))
        .when(words["first_name"] == "another form of the name")
        .then(pl.lit("name_variant"))
        .when((words["first_name"] != "same") | (words["last_name"] != "same"))
        .then(pl.lit("name_typo"))
        .when(words["date_of_birth"] != "same")
        .then(pl.lit("date_of_birth"))
        .when(words["postcode"] != "same")
        .then(pl.lit("moved_house"))
        .otherwise(pl.lit("other"))
        .alias("kind")
    )


def _reason(field: str) -> pl.Expr:
    """A field's agreement in words. Splink numbers levels from the bottom: 0 is "different",
    the highest is exact, -1 is a value missing on either side."""
    words = _LEVEL_WORDS[field]
    mapping = {len(words) - 1 - index: word for index, word in enumerate(words)}
    return (
        pl.col(f"gamma_{field}")
        .replace_strict(mapping, default="missing", return_dtype=pl.String)
        .alias(field)
    )


def probable_duplicates(
    frame: pl.DataFrame, *, threshold: float = DEFAULT_THRESHOLD
) -> DuplicateSearch:
    """The pairs of `frame`'s learners (columns `COLUMNS`) that are probably the same child.

    `learner_one` sorts before `learner_two` (as text). Safe on any size: fewer than two
    learners compare nothing.
    """
    if frame.height < 2:  # noqa: PLR2004
        return DuplicateSearch(_empty_pairs(), frame.height, 0, 0)
    prepared = prepare(frame.select(COLUMNS)).unique(subset="unique_id")
    scored = _score(prepared, threshold)
    twins = _twins(scored)
    kept = scored.filter(~twins).sort("match_probability", descending=True)
    pairs = kept.select(
        pl.col("unique_id_l").alias("learner_one"),
        pl.col("unique_id_r").alias("learner_two"),
        pl.col("match_probability").cast(pl.Float64),
        *(_reason(field) for field in FIELDS),
    ).with_columns(_kind())
    pairs = pairs.select("learner_one", "learner_two", "match_probability", "kind", *FIELDS)
    return DuplicateSearch(pairs, prepared.height, scored.height, int(twins.sum()))


def pairs_as_keys(pairs: pl.DataFrame) -> Sequence[tuple[str, str]]:
    return list(zip(pairs["learner_one"].to_list(), pairs["learner_two"].to_list(), strict=True))
