"""The one learner matcher: which learners a row of a file names.

Every import that names learners (a pupil list, a register; timesheets and awards to come)
recognises a learner the same way, and the duplicate search folds names the same way:

* by UPN: the same UPN (as `widen.core.identifiers.normalise_upn` writes it);
* otherwise by identity (`identity_key_expr`): the legal first name (or, where the import allows,
  the preferred name), the last name and the date of birth, names folded by
  `widen.core.names.fold_name`, and the home postcode where the file has that column.

`upn_matches` and `identity_matches` answer, for each row, every learner that fits; the import
decides what a row that fits none, or several, means (each says why, naming the row).
"""

from __future__ import annotations

from typing import Any

import polars as pl
from django.db.models import Q, QuerySet

from widen.core.names import folded
from widen.learners.models import Learner

LEARNER = "_learner_id"
UPN = "upn"
FIRST_NAME = "first_name"
PREFERRED_NAME = "preferred_name"
LAST_NAME = "last_name"
DATE_OF_BIRTH = "date_of_birth"
POSTCODE = "home_postcode"
_KEY = "_identity_key"

LEARNER_SCHEMA: dict[str, Any] = {
    LEARNER: pl.String,
    UPN: pl.String,
    FIRST_NAME: pl.String,
    PREFERRED_NAME: pl.String,
    LAST_NAME: pl.String,
    DATE_OF_BIRTH: pl.Date,
    POSTCODE: pl.String,
}


def identity_key_expr(*, first: str = FIRST_NAME, postcode: bool = False) -> pl.Expr:
    """The identity of each row of a frame, as one string: the names folded by `fold_name`, the
    date of birth, and the home postcode (blank when `postcode` is false). A row missing a name
    or the date of birth has none (null), so it matches nothing."""
    return pl.concat_str(
        [
            folded(pl.col(first)),
            folded(pl.col(LAST_NAME)),
            pl.col(DATE_OF_BIRTH).cast(pl.String),
            pl.col(POSTCODE).fill_null("") if postcode else pl.lit(""),
        ],
        separator="|",
    )


def learners_frame(learners: QuerySet[Learner], condition: Q | None = None) -> pl.DataFrame:
    """`learners` (those meeting `condition`) as the matcher reads them, one row each."""
    if condition is not None:
        learners = learners.filter(condition)
    rows = learners.values_list(
        "id", UPN, FIRST_NAME, PREFERRED_NAME, LAST_NAME, DATE_OF_BIRTH, POSTCODE
    )
    return pl.DataFrame(
        [(str(learner_id), *rest) for learner_id, *rest in rows],
        schema=LEARNER_SCHEMA,
        orient="row",
    ).with_columns(pl.col(UPN, PREFERRED_NAME, POSTCODE).replace("", None))


def upn_matches(rows: pl.DataFrame, learners: pl.DataFrame, *, row: str) -> pl.DataFrame:
    """(`row`, `LEARNER`) for each row whose UPN a learner has."""
    return (
        rows.filter(pl.col(UPN).is_not_null() & (pl.col(UPN) != ""))
        .select(row, UPN)
        .join(learners.filter(pl.col(UPN).is_not_null()).select(LEARNER, UPN), on=UPN)
        .select(row, LEARNER)
    )


def identity_matches(
    rows: pl.DataFrame,
    learners: pl.DataFrame,
    *,
    row: str,
    postcode: bool = False,
    preferred_names: bool = False,
) -> pl.DataFrame:
    """(`row`, `LEARNER`) for each row whose identity (`identity_key_expr`) is a learner's.
    With `preferred_names`, a row's first name may be the learner's preferred name."""
    # A first name that folds to nothing (no preferred name, say) names nobody.
    named = ~pl.col(_KEY).str.starts_with("|")
    keyed = rows.select(row, identity_key_expr(postcode=postcode).alias(_KEY)).filter(named)
    firsts = [FIRST_NAME, PREFERRED_NAME] if preferred_names else [FIRST_NAME]
    known = pl.concat(
        [
            learners.select(LEARNER, identity_key_expr(first=first, postcode=postcode).alias(_KEY))
            for first in firsts
        ]
    ).filter(named)
    return keyed.join(known.unique(), on=_KEY).select(row, LEARNER).unique(maintain_order=True)
