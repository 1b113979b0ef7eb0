"""Finding learners recorded twice: probabilistic record linkage with Splink on DuckDB.

`probable_duplicates` takes a Polars frame of learners (one row each) and returns the pairs that
are probably the same young person, each with its match probability and, field by field, what
agrees and what differs. It reads nothing from the database, so the benchmark runs it on a
synthetic population as it is.

How a pair is scored (Fellegi-Sunter, as Splink implements it):

* Pairs are only compared when they share a date of birth, a postcode, a UPN, a first and last
  name, or a last name and school ("blocking"), so the work grows with the number of learners,
  not its square.
* Each field's agreement (exact, similar, different, missing) has an `m` probability (how often
  it happens when the two records are the same child) and a `u` probability (how often it
  happens by chance). Both start from the priors written below, chosen for school-age
  populations (about seven birth years, schools of a thousand pupils, London-sized postcode
  units). With at least `U_SAMPLE_MINIMUM` learners, `u` is estimated from the population by
  random sampling, and an exact first or last name counts for less when the name is common
  (term frequency adjustment); `m` stays at its prior (expectation maximisation needs far more
  duplicates than a partnership's list holds, and on small lists it wanders).
* The same UPN is certain: probability 1.
* Twins (the same date of birth, postcode and school, with different first names, and not the
  same UPN) are never proposed, however high they score: `looks_like_twins` is applied after
  scoring.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

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
DEFAULT_THRESHOLD = 0.8
U_SAMPLE_MINIMUM = 1_000
U_SAMPLE_PAIRS = 1_000_000
# The share of learners expected to be recorded twice, for the prior chance that two records
# picked at random are the same child.
EXPECTED_DUPLICATE_SHARE = 0.02
MAXIMUM_PRIOR = 1e-4

# Levels, best first (the null level is separate). Each comparison: (column, kind, m, u).
_NAME_M_FIRST = [0.80, 0.06, 0.04, 0.06, 0.04]
_NAME_U_FIRST = [0.01, 0.002, 0.004, 0.08, 0.904]
_NAME_M_LAST = [0.85, 0.06, 0.03, 0.03, 0.03]
_NAME_U_LAST = [0.003, 0.001, 0.002, 0.05, 0.944]
# Exact, one character different, day and month swapped, within a month, within a year,
# further apart.
_DOB_M = [0.90, 0.04, 0.02, 0.01, 0.02, 0.01]
_DOB_U = [0.0005, 0.01, 0.00005, 0.015, 0.3, 0.67445]
# Full postcode, sector, district, area, different.
_POSTCODE_M = [0.80, 0.04, 0.06, 0.04, 0.06]
_POSTCODE_U = [0.0005, 0.002, 0.02, 0.2, 0.7775]
_SCHOOL_M = [0.80, 0.20]
_SCHOOL_U = [0.05, 0.95]
_UPN_M = [0.90, 0.10]
_UPN_U = [0.00001, 0.99999]

# What each level means, in words, for the review page (same order as the levels).
_LEVEL_WORDS: dict[str, list[str]] = {
    "first_name": ["same", "nearly the same", "similar", "a little alike", "different"],
    "last_name": ["same", "nearly the same", "similar", "a little alike", "different"],
    "date_of_birth": [
        "same",
        "one digit different",
        "day and month swapped",
        "within a month",
        "within a year",
        "different",
    ],
    "postcode": ["same", "same sector", "same district", "same area", "different"],
    "school_id": ["same", "different"],
    "upn": ["same", "different"],
}
FIELDS = tuple(_LEVEL_WORDS)

# Short forms of first names: a pair where one is the other's short form is not "different
# first names" (not twins). Both directions are looked up.
SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "alexander": ("alex", "sandy"),
    "alexandra": ("alex", "lexi", "sandra"),
    "abdullah": ("abdul",),
    "benjamin": ("ben", "benji"),
    "catherine": ("cath", "cathy", "kate", "katie"),
    "charles": ("charlie",),
    "charlotte": ("charlie", "lottie"),
    "christopher": ("chris",),
    "daniel": ("dan", "danny"),
    "david": ("dave", "davy"),
    "edward": ("ed", "eddie", "ted"),
    "elizabeth": ("beth", "liz", "lizzie", "eliza", "betty"),
    "eleanor": ("ellie", "nell"),
    "frederick": ("fred", "freddie"),
    "gabriel": ("gabe",),
    "jacob": ("jake",),
    "james": ("jim", "jimmy", "jamie"),
    "jennifer": ("jen", "jenny"),
    "jessica": ("jess", "jessie"),
    "jonathan": ("jon", "jonny"),
    "joseph": ("joe", "joey"),
    "joshua": ("josh",),
    "katherine": ("kate", "katie", "kat"),
    "margaret": ("maggie", "meg", "peggy"),
    "matthew": ("matt",),
    "michael": ("mike", "mikey", "mick"),
    "mohammed": ("mo", "mohammad", "muhammad", "mohamed"),
    "muhammad": ("mo", "mohammed", "mohammad", "mohamed"),
    "nathaniel": ("nat", "nathan"),
    "nicholas": ("nick", "nicky"),
    "oliver": ("olly", "ollie"),
    "patrick": ("pat", "paddy"),
    "rebecca": ("becky", "becca"),
    "richard": ("rich", "rick", "dick"),
    "robert": ("rob", "bob", "bobby", "robbie"),
    "samantha": ("sam", "sammy"),
    "samuel": ("sam", "sammy"),
    "stephen": ("steve",),
    "steven": ("steve",),
    "susan": ("sue", "susie"),
    "thomas": ("tom", "tommy"),
    "victoria": ("vicky", "tori"),
    "william": ("will", "bill", "billy", "liam"),
    "zachary": ("zach", "zack"),
}
_SHORT_FORM_PAIRS: frozenset[tuple[str, str]] = frozenset(
    pair
    for full, shorts in SHORT_FORMS.items()
    for short in shorts
    for pair in ((full, short), (short, full))
)


@dataclass(frozen=True)
class DuplicateSearch:
    """What one search found: the probable pairs, and how many twin-like pairs it set aside."""

    # learner_one, learner_two, match_probability, and per field (FIELDS) its agreement in words
    pairs: pl.DataFrame
    learners_compared: int
    pairs_scored: int
    twins_set_aside: int


def _empty_pairs() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "learner_one": pl.String,
            "learner_two": pl.String,
            "match_probability": pl.Float64,
            **dict.fromkeys(FIELDS, pl.String),
        }
    )


def prepare(frame: pl.DataFrame) -> pl.DataFrame:
    """Learners as Splink compares them: trimmed lower-case names, ISO dates, blanks as nulls."""

    def name(column: str) -> pl.Expr:
        cleaned = (
            pl.col(column)
            .cast(pl.String)
            .str.to_lowercase()
            .str.replace_all(r"[^a-z' \-]", "")
            .str.replace_all(r"\s+", " ")
            .str.strip_chars(" -'")
        )
        return pl.when(cleaned == "").then(None).otherwise(cleaned).alias(column)

    def blank_as_null(column: str) -> pl.Expr:
        text = pl.col(column).cast(pl.String).str.strip_chars().str.to_uppercase()
        return pl.when(text == "").then(None).otherwise(text).alias(column)

    return frame.select(
        pl.col("learner_id").cast(pl.String).alias("unique_id"),
        name("first_name"),
        name("last_name"),
        pl.col("date_of_birth").cast(pl.Date).dt.strftime("%Y-%m-%d").alias("date_of_birth"),
        blank_as_null("postcode"),
        blank_as_null("school_id"),
        blank_as_null("upn"),
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
    """Exact, one character different, day and month swapped (an American-style entry), within
    a month, within a year, further apart."""
    import splink.comparison_level_library as cll  # noqa: PLC0415
    import splink.comparison_library as cl  # noqa: PLC0415

    column = "date_of_birth"
    swapped = (
        f"substr({column}_l, 1, 4) = substr({column}_r, 1, 4)"
        f" AND substr({column}_l, 6, 2) = substr({column}_r, 9, 2)"
        f" AND substr({column}_l, 9, 2) = substr({column}_r, 6, 2)"
    )
    as_date = "try_strptime({col}, '%Y-%m-%d')"
    return cl.CustomComparison(
        output_column_name=column,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            cll.DamerauLevenshteinLevel(column, 1),
            cll.CustomLevel(swapped, label_for_charts="Day and month swapped"),
            cll.CustomLevel(
                "abs(date_diff('day', "
                + as_date.format(col=f"{column}_l")
                + ", "
                + as_date.format(col=f"{column}_r")
                + ")) <= 31",
                label_for_charts="Within a month",
            ),
            cll.CustomLevel(
                "abs(date_diff('day', "
                + as_date.format(col=f"{column}_l")
                + ", "
                + as_date.format(col=f"{column}_r")
                + ")) <= 366",
                label_for_charts="Within a year",
            ),
            cll.ElseLevel(),
        ],
    )


def _settings(population: int) -> Any:
    import splink.comparison_library as cl  # noqa: PLC0415 (DuckDB starts only when needed)
    from splink import SettingsCreator, block_on  # noqa: PLC0415

    pairs = max(population * (population - 1) / 2, 1)
    # On a small list two records chosen at random are more often the same child, but a
    # couple of hundred learners who share a school and year also share much by chance:
    # the prior is never above one in ten thousand.
    prior = min(EXPECTED_DUPLICATE_SHARE * population / pairs, MAXIMUM_PRIOR)
    # Common names agree by chance more often (term frequency adjustment), once there are
    # enough learners for their frequencies to mean something.
    frequencies = population >= U_SAMPLE_MINIMUM
    return SettingsCreator(
        link_type="dedupe_only",
        probability_two_random_records_match=prior,
        comparisons=[
            _name_comparison("first_name", frequencies).configure(
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
        blocking_rules_to_generate_predictions=[
            block_on("date_of_birth"),
            block_on("postcode"),
            block_on("upn"),
            block_on("first_name", "last_name"),
            block_on("last_name", "school_id"),
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
        if prepared.height >= U_SAMPLE_MINIMUM:
            linker.training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=1)
        # UPN pairs are kept whatever they score, so nothing is filtered inside Splink below
        # the lowest probability a same-UPN pair could need.
        predictions = linker.inference.predict(warning_mode="never")
        gamma_columns = [f"gamma_{field}" for field in FIELDS]
        columns = [
            "unique_id_l",
            "unique_id_r",
            "match_probability",
            *gamma_columns,
            *(f"{column}_{side}" for column in ("first_name", "upn") for side in ("l", "r")),
            *(f"{column}_l" for column in ("date_of_birth", "postcode", "school_id")),
            *(f"{column}_r" for column in ("date_of_birth", "postcode", "school_id")),
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


def different_first_names(first: pl.Expr, second: pl.Expr) -> pl.Expr:
    """Two first names that are not the same name: not equal, neither the start of the other
    (Jess, Jessica), and not a known short form (Tom, Thomas)."""
    short_forms = pl.DataFrame(
        [list(pair) for pair in sorted(_SHORT_FORM_PAIRS)], schema=["a", "b"], orient="row"
    )
    pair_key = pl.concat_str([first, pl.lit("|"), second])
    known = short_forms.select(pl.concat_str(["a", pl.lit("|"), "b"]))["a"]
    return (
        first.is_not_null()
        & second.is_not_null()
        & (first != second)
        & ~first.str.starts_with(second)
        & ~second.str.starts_with(first)
        & ~pair_key.is_in(known.implode())
    )


def looks_like_twins() -> pl.Expr:
    """Same date of birth, same postcode, same school (or one not known), different first
    names: two children of one family, never one child recorded twice.

    Only the same UPN outweighs it (twins never share a UPN). Without one, a one-letter typo in
    a first name is told from twins named Amelia and Amelie by nothing on the record, so such a
    pair is not proposed either: never merging twins comes first."""
    same_school = (
        pl.col("school_id_l").is_null()
        | pl.col("school_id_r").is_null()
        | (pl.col("school_id_l") == pl.col("school_id_r"))
    )
    same_upn = pl.col("upn_l").is_not_null() & (pl.col("upn_l") == pl.col("upn_r"))
    return (
        ~same_upn
        & (pl.col("date_of_birth_l") == pl.col("date_of_birth_r"))
        & pl.col("postcode_l").is_not_null()
        & (pl.col("postcode_l") == pl.col("postcode_r"))
        & same_school
        & different_first_names(pl.col("first_name_l"), pl.col("first_name_r"))
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
    twins = scored.filter(looks_like_twins())
    kept = scored.filter(~looks_like_twins()).sort("match_probability", descending=True)
    pairs = kept.select(
        pl.col("unique_id_l").alias("learner_one"),
        pl.col("unique_id_r").alias("learner_two"),
        pl.col("match_probability").cast(pl.Float64),
        *(_reason(field) for field in FIELDS),
    )
    return DuplicateSearch(pairs, prepared.height, scored.height, twins.height)


def pairs_as_keys(pairs: pl.DataFrame) -> Sequence[tuple[str, str]]:
    return list(zip(pairs["learner_one"].to_list(), pairs["learner_two"].to_list(), strict=True))
