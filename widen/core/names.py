"""People's names as the matching compares them: one way to fold a name, one list of variants.

`fold_name` is what a pupil-list import, a register import and the duplicate search all use
to decide whether two written names are the same name: Siân and Sian, Müller and Muller,
O'Brien and O’Brien, "Anne-Marie" and "anne - marie" fold alike. Letters are kept (folded to
ASCII), never deleted.

`are_name_variants` says whether two first names are forms of one name (Harry and Henry,
Bella and Isabella, Kuba and Jakub). It reads the `nicknames` package (Carlton Northern's
hand-curated names.csv, Apache-2.0) and a short list of forms common in UK schools that it
does not have (`INTERNATIONAL_FORMS`).
"""

from __future__ import annotations

import csv
import importlib
import re
import unicodedata
from functools import lru_cache

import polars as pl

# Letters that Unicode does not decompose into a base letter and a mark.
_NOT_DECOMPOSED = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "ħ": "h",
        "ŧ": "t",
    }
)
# Apostrophes and quotation marks people type in names: ’ ‘ ` ´ ʼ ′ become '.
_APOSTROPHES = re.compile(r"[’‘`´ʼʻ′]")
# Hyphens and dashes of every kind become "-", with no spaces around them.
_HYPHENS = re.compile(r"\s*[-‐‑‒–—―−]\s*")
_SPACES = re.compile(r"\s+")
# What is left after folding that is not a letter, digit, apostrophe, hyphen or space.
_OTHER = re.compile(r"[^a-z0-9' \-]")


def fold_name(text: str | None) -> str:
    """`text` as names are compared: accents folded to ASCII letters (NFKD), one kind of
    apostrophe and hyphen, single spaces, case-folded, trimmed. Empty for nothing."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKD", str(text).translate(_NOT_DECOMPOSED))
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    folded = _APOSTROPHES.sub("'", folded.casefold())
    folded = _HYPHENS.sub("-", folded)
    folded = _OTHER.sub("", _SPACES.sub(" ", folded))
    return folded.strip(" -'")


# Forms of first names common in UK schools that names.csv (English names) does not have:
# (a name, its other forms).
INTERNATIONAL_FORMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("jakub", ("kuba", "jacob", "jakob")),
    ("katarzyna", ("kasia", "kate", "kasha")),
    ("malgorzata", ("gosia", "margaret")),
    ("aleksander", ("olek", "alek", "alex", "alexander")),
    ("aleksandra", ("ola", "olenka", "alex", "alexandra")),
    ("wojciech", ("wojtek",)),
    ("krzysztof", ("krzys", "christopher")),
    ("agnieszka", ("aga", "agnes")),
    ("zofia", ("zosia", "sophia", "sophie")),
    ("mateusz", ("mati", "matthew")),
    ("piotr", ("piotrek", "peter")),
    ("tomasz", ("tomek", "thomas")),
    ("joanna", ("asia",)),
    ("anastasia", ("nastya", "stacey", "ana")),
    ("aleksei", ("alyosha", "alexei")),
    ("dmitri", ("dima",)),
    ("ekaterina", ("katya", "katerina")),
    ("giuseppe", ("beppe", "peppe", "joseph")),
    ("francesco", ("cesco", "frank")),
    ("alejandro", ("alex", "alexander")),
    ("guillermo", ("memo", "william")),
    ("francisco", ("paco", "fran")),
    ("jose", ("pepe", "joseph")),
    ("ioan", ("ianto", "john")),
    ("sian", ("jane",)),
    ("sean", ("shaun", "shawn", "john")),
    ("siobhan", ("joan",)),
    ("eoin", ("owen", "john")),
    ("mohammed", ("muhammad", "mohammad", "mohamed", "mohamad", "muhammed", "mo")),
    ("abdullah", ("abdul",)),
    ("oluwaseun", ("seun",)),
    ("oluwatobi", ("tobi",)),
    ("oluwadamilare", ("dami",)),
    ("chukwuemeka", ("emeka",)),
    ("nkechinyere", ("nkechi",)),
)


@lru_cache(maxsize=1)
def _forms() -> dict[str, frozenset[str]]:
    """Each (folded) first name's other forms, as names.csv and `INTERNATIONAL_FORMS` relate
    them, both ways round. Only direct relations count: Albert and Alfred share the short form
    Al, but are two names."""
    from nicknames import with_names_csv_path  # noqa: PLC0415

    forms: dict[str, set[str]] = {}

    def relate(name: str, other: str) -> None:
        name, other = fold_name(name), fold_name(other)
        if name and other and name != other:
            forms.setdefault(name, set()).add(other)
            forms.setdefault(other, set()).add(name)

    with with_names_csv_path() as path, path.open(encoding="utf-8", newline="") as file:
        for row in csv.DictReader(file):
            relate(row["name1"], row["name2"])
    for name, others in INTERNATIONAL_FORMS:
        for other in others:
            relate(name, other)
    return {name: frozenset(others) for name, others in forms.items()}


def name_forms() -> dict[str, list[str]]:
    """Each folded first name the lists know, with its other forms (sorted)."""
    return {name: sorted(others) for name, others in _forms().items()}


# Faker's lists of given names, by locale: the names families in UK schools commonly give, as
# its maintainers keep them. Only used to tell a misspelling from another name.
GIVEN_NAME_LOCALES = (
    "en_GB",
    "en_IE",
    "en_US",
    "fr_FR",
    "de_DE",
    "pl_PL",
    "ro_RO",
    "es_ES",
    "it_IT",
    "pt_PT",
    "nl_NL",
    "tr_TR",
    "ar_AA",
    "hi_IN",
    "bn_BD",
    "fa_IR",
    "yo_NG",
    "tw_GH",
    "zu_ZA",
)


@lru_cache(maxsize=1)
def _given_names() -> frozenset[str]:
    """Every (folded) first name the lists know: names.csv, `INTERNATIONAL_FORMS` and Faker's
    given names in `GIVEN_NAME_LOCALES`."""
    known = set(_forms())
    for locale in GIVEN_NAME_LOCALES:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ImportError:  # a locale a later Faker drops
            continue
        for attribute in ("first_names", "first_names_male", "first_names_female"):
            known.update(fold_name(name) for name in getattr(provider, attribute, ()))
    known.discard("")
    return frozenset(known)


def is_known_name(name: str | None) -> bool:
    """Whether `name` is a first name people are given (not, say, a misspelling of one)."""
    return fold_name(name) in _given_names()


def are_name_variants(first: str | None, second: str | None) -> bool:
    """Whether two first names are one name: the same once folded, or forms of one name."""
    one, two = fold_name(first), fold_name(second)
    if not one or not two:
        return False
    return one == two or two in _forms().get(one, frozenset())


def fold_names(names: pl.Series) -> pl.Series:
    """`fold_name` of each name in a Polars series (each distinct name folded once)."""
    distinct = names.unique().drop_nulls().to_list()
    return names.replace_strict(
        {name: fold_name(name) for name in distinct}, default=None, return_dtype=pl.String
    )


def folded(expression: pl.Expr) -> pl.Expr:
    """A Polars expression of names, folded by `fold_name`."""
    return expression.cast(pl.String).map_batches(fold_names, return_dtype=pl.String)
