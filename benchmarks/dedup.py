"""Finding duplicate learners: Widen (Splink on DuckDB) beside heat-helper's `find_duplicates`.

Three generated populations ("mixes", each seeded: `MIXES`) of `--dedup-learners` young people
each (default 20,000; 2,000 with `--quick`), Faker en_GB names with a share of names written
with accents, apostrophes and hyphens (Siân, Müller, O’Brien, Nowak-Wójcik) and of names with
common other forms (`NAME_FORMS`), across twenty schools and two universities:

* **duplicates** (6 to 10 % of people recorded a second time, by the other university): one to
  three of a typo in a first or last name (a letter swapped, dropped, changed or doubled),
  another form of the first name (Kuba for Jakub, Harry for Henry, Bella for Isabella), moved
  house (a new postcode, and the new list gives no school or UPN), the accents dropped, the
  last name in capitals, the date of birth with day and month swapped, another school, no UPN;
  each mix weighs these differently (`Mix.weights`);
* **twins** (1.5 to 2 % of people): a brother or sister with the same date of birth and last
  name and another first name, recorded as badly as duplicates are: one record's date of birth
  with day and month swapped, another postcode (and the other university), or no school or UPN.

Both finders get the same frame. Each pair a finder proposes is a true positive when the two
records are one person, and a "twin wrongly paired" when they are twins. heat-helper returns
groups ("Potential Duplicates"); every two records in a group count as a proposed pair. It is
run as its documentation suggests for this task: names as first and last name columns,
`fuzzy_type="permissive"` (blocks on date of birth only, so a changed postcode is still found),
`threshold=80`, `twin_protection=True`.

Cases, for each mix: `widen: probable_duplicates (Splink)` and `heat-helper: find_duplicates`
on the frame (precision, recall, twins wrongly paired and recall by kind of change are in the
details, and printed side by side below the table); and, on the first mix,
`widen: find and store (database)`: the whole `duplicates_find` as an admin of both
universities (reading the learners from the database, scoring, storing the pairs). Checked (a
failure, not a timing): Widen proposes no twins. Whether the aim (precision at least 0.99,
recall at least 0.95 on every mix) is met is printed.
"""

from __future__ import annotations

import random
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from itertools import combinations
from typing import Any

import polars as pl
from faker import Faker

from benchmarks.databases import analyse
from benchmarks.harness import Measurement, SectionRun, Timing
from benchmarks.measure import timed
from benchmarks.world import build_partnership, make_user
from widen.accounts.models import Membership, Role
from widen.core import request_context
from widen.learners.duplicates.finding import COLUMNS, probable_duplicates
from widen.learners.duplicates.reviews import duplicates_find
from widen.learners.models import DuplicateCandidate, Learner
from widen.organisations.models import Partnership
from widen.testing.pupil_lists import valid_upn

SEED = 20_261_125
DEFAULT_PEOPLE = 20_000
QUICK_PEOPLE = 2_000
FIRST_BIRTHDAY = date(2008, 9, 1)  # Years 9 to 13
BIRTH_DAYS = 5 * 365
Pair = frozenset[str]

# Short forms and other forms of first names as people write them, for the planted duplicates.
# Written out here from common usage, not taken from the list Widen reads, so that the
# benchmark measures that list rather than agreeing with itself.
NAME_FORMS: tuple[tuple[str, str], ...] = (
    ("Jakub", "Kuba"),
    ("Isabella", "Bella"),
    ("Henry", "Harry"),
    ("Sophia", "Sophie"),
    ("Oliver", "Ollie"),
    ("Thomas", "Tom"),
    ("William", "Will"),
    ("William", "Billy"),
    ("Elizabeth", "Beth"),
    ("Elizabeth", "Lizzie"),
    ("Alexander", "Alex"),
    ("Katarzyna", "Kasia"),
    ("Margaret", "Maggie"),
    ("Robert", "Rob"),
    ("Samuel", "Sam"),
    ("Daniel", "Danny"),
    ("Edward", "Eddie"),
    ("Abigail", "Abby"),
    ("Matthew", "Matt"),
    ("Rebecca", "Becky"),
    ("Jennifer", "Jenny"),
    ("Eleanor", "Ellie"),
    ("Frederick", "Freddie"),
    ("Joseph", "Joe"),
    ("Nicholas", "Nick"),
    ("Christopher", "Chris"),
    ("Benjamin", "Ben"),
    ("Victoria", "Vicky"),
    ("Zachary", "Zach"),
    ("Jessica", "Jess"),
    ("Catherine", "Katie"),
    ("Mohammed", "Muhammad"),
    ("Wojciech", "Wojtek"),
    ("Małgorzata", "Gosia"),
    ("Aleksander", "Olek"),
    ("Anastasia", "Nastya"),
    ("Giuseppe", "Beppe"),
    ("Francisco", "Paco"),
)
_FORMS: dict[str, list[str]] = {}
for _full, _short in NAME_FORMS:
    _FORMS.setdefault(_full, []).append(_short)

# Names written with accents, apostrophes or hyphens, which another system may write without.
ACCENTED_FIRST = ("Siân", "Zoë", "Chloë", "Renée", "José", "Łukasz", "Søren", "Anaïs", "Dáithí")
ACCENTED_LAST: tuple[str, ...] = (
    "Müller",
    "Núñez",
    "O’Brien",
    "D’Souza",
    "Łukasiewicz",
    "Gómez",
    "Brontë",
    "Smith-Jones",
    "Nowak-Wójcik",
    "Fernández",
)

# The planted variations, each with its weight in each of the mixes the benchmark runs. A copy
# gets one to three of them.
CHANGES = (
    "typo_first",
    "typo_last",
    "name_form",
    "moved_house",
    "accents_dropped",
    "case",
    "dob_swapped",
    "school",
    "no_upn",
)


@dataclass(frozen=True)
class Mix:
    """One generated population: its seed, how many are recorded twice or are twins, and how
    often each change is planted."""

    name: str
    seed: int
    duplicate_share: float
    twin_share: float
    weights: dict[str, float]


MIXES = (
    Mix("even", SEED, 0.08, 0.015, dict.fromkeys(CHANGES, 1.0)),
    Mix(
        "names",
        SEED + 1,
        0.06,
        0.02,
        {**dict.fromkeys(CHANGES, 0.5), "name_form": 3.0, "accents_dropped": 2.0, "case": 1.0},
    ),
    Mix(
        "moves",
        SEED + 2,
        0.10,
        0.02,
        {**dict.fromkeys(CHANGES, 0.5), "moved_house": 3.0, "dob_swapped": 1.5, "no_upn": 2.0},
    ),
)


@dataclass(frozen=True)
class Population:
    frame: pl.DataFrame  # COLUMNS, plus "holder" (alpha or beta)
    duplicates: set[Pair]
    twins: set[Pair]
    changes: dict[Pair, tuple[str, ...]]


def _typo(name: str, rng: random.Random) -> str:
    if len(name) < 4:  # noqa: PLR2004
        return name + name[-1]
    at = rng.randrange(1, len(name) - 1)
    kind = rng.choice(("swap", "drop", "change", "double"))
    if kind == "swap":
        return name[:at] + name[at + 1] + name[at] + name[at + 2 :]
    if kind == "drop":
        return name[:at] + name[at + 1 :]
    if kind == "double":
        return name[:at] + name[at] + name[at:]
    return name[:at] + rng.choice("aeioulnrst") + name[at + 1 :]


def _without_accents(name: str) -> str:
    """As a system that cannot store accents writes the name: letters folded, ’ as '."""
    folded = unicodedata.normalize("NFKD", name.replace("ł", "l").replace("Ł", "L"))
    folded = folded.replace("ø", "o").replace("’", "'")
    return "".join(char for char in folded if not unicodedata.combining(char))


def _swapped(born: date) -> date | None:
    if born.day > 12 or born.day == born.month:  # noqa: PLR2004
        return None
    return born.replace(month=born.day, day=born.month)


def synthetic_population(people: int, *, mix: Mix = MIXES[0]) -> Population:  # noqa: C901, PLR0912, PLR0915
    """`people` young people, some recorded twice, some with a twin (see the module's notes)."""
    rng = random.Random(mix.seed)
    fake = Faker("en_GB")
    fake.seed_instance(mix.seed)
    schools = [f"school-{number:02d}" for number in range(20)]
    rows: list[dict[str, Any]] = []
    duplicates: set[Pair] = set()
    twins: set[Pair] = set()
    changes_by_pair: dict[Pair, tuple[str, ...]] = {}
    kinds = list(mix.weights)
    weights = [mix.weights[kind] for kind in kinds]

    def add(**values: Any) -> str:
        key = str(uuid.UUID(int=rng.getrandbits(128)))
        rows.append({"learner_id": key, **values})
        return key

    def first_name() -> str:
        roll = rng.random()
        if roll < 0.15:  # noqa: PLR2004
            return rng.choice(list(_FORMS))
        if roll < 0.20:  # noqa: PLR2004
            return rng.choice(ACCENTED_FIRST)
        return fake.first_name_female() if rng.random() < 0.5 else fake.first_name_male()  # noqa: PLR2004

    for serial in range(people):
        first = first_name()
        last = rng.choice(ACCENTED_LAST) if rng.random() < 0.04 else fake.last_name()  # noqa: PLR2004
        born = FIRST_BIRTHDAY + timedelta(days=rng.randrange(BIRTH_DAYS))
        postcode = fake.postcode()
        school = rng.choice(schools)
        upn = valid_upn(316, serial * 3 + 1) if rng.random() < 0.85 else None  # noqa: PLR2004
        holder = rng.choice(("alpha", "beta"))
        original = add(
            first_name=first,
            last_name=last,
            date_of_birth=born,
            postcode=postcode,
            school_id=school,
            upn=upn,
            holder=holder,
        )
        roll = rng.random()
        if roll < mix.duplicate_share:
            copy: dict[str, Any] = {
                "first_name": first,
                "last_name": last,
                "date_of_birth": born,
                "postcode": postcode,
                "school_id": school,
                "upn": upn,
                "holder": "beta" if holder == "alpha" else "alpha",
            }
            count = rng.choice((1, 1, 2, 2, 3))
            changes: list[str] = []
            while len(changes) < count:
                change = rng.choices(kinds, weights)[0]
                if change not in changes:
                    changes.append(change)
            if "name_form" in changes and first in _FORMS:
                copy["first_name"] = rng.choice(_FORMS[first])
            elif "typo_first" in changes:
                copy["first_name"] = _typo(first, rng)
            if "typo_last" in changes:
                copy["last_name"] = _typo(last, rng)
            if "accents_dropped" in changes:
                copy["first_name"] = _without_accents(copy["first_name"])
                copy["last_name"] = _without_accents(copy["last_name"])
            if "case" in changes:
                copy["last_name"] = copy["last_name"].upper()
            if "moved_house" in changes:
                # A family that moved: a new postcode, and the new list gives no school.
                copy["postcode"] = fake.postcode()
                copy["school_id"] = None
                copy["upn"] = None
            if "school" in changes:
                copy["school_id"] = rng.choice(schools)
            if "no_upn" in changes or upn is None:
                copy["upn"] = None
            if "dob_swapped" in changes and _swapped(born):
                copy["date_of_birth"] = _swapped(born)
            pair = frozenset((original, add(**copy)))
            duplicates.add(pair)
            changes_by_pair[pair] = tuple(changes)
        elif roll < mix.duplicate_share + mix.twin_share:
            other = first
            while other[:3].lower() == first[:3].lower():
                other = fake.first_name_female() if rng.random() < 0.5 else fake.first_name_male()  # noqa: PLR2004
            twin: dict[str, Any] = {
                "first_name": other,
                "last_name": last,
                "date_of_birth": born,
                "postcode": postcode,
                "school_id": school,
                "upn": valid_upn(316, serial * 3 + 2) if upn else None,
                "holder": holder,
            }
            # Twins recorded as badly as duplicates are: one record's date of birth written
            # the American way, another home postcode, no school, no UPN.
            twist = rng.random()
            if twist < 0.25 and _swapped(born):  # noqa: PLR2004
                twin["date_of_birth"] = _swapped(born)
            elif twist < 0.5:  # noqa: PLR2004
                twin["postcode"] = fake.postcode()
                twin["holder"] = "beta" if holder == "alpha" else "alpha"
            elif twist < 0.7:  # noqa: PLR2004
                twin["school_id"] = None
                twin["upn"] = None
            twins.add(frozenset((original, add(**twin))))
    frame = pl.DataFrame(rows).select(*COLUMNS, "holder")
    return Population(frame, duplicates, twins, changes_by_pair)


@dataclass(frozen=True)
class Scores:
    proposed: int
    precision: float
    recall: float
    twins_paired: int

    def line(self, seconds: float, twins: int) -> str:
        return (
            f"precision {self.precision:.3f}, recall {self.recall:.3f}, "
            f"twins wrongly paired {self.twins_paired} of {twins}, "
            f"{self.proposed:,} pairs proposed, {seconds:.2f} s"
        )


def score(proposed: set[Pair], population: Population) -> Scores:
    right = len(proposed & population.duplicates)
    return Scores(
        proposed=len(proposed),
        precision=right / len(proposed) if proposed else 1.0,
        recall=right / len(population.duplicates) if population.duplicates else 1.0,
        twins_paired=len(proposed & population.twins),
    )


def widen_pairs(frame: pl.DataFrame) -> set[Pair]:
    pairs = probable_duplicates(frame.select(COLUMNS)).pairs
    return {frozenset(pair) for pair in pairs.select("learner_one", "learner_two").iter_rows()}


def heat_helper_pairs(frame: pl.DataFrame) -> set[Pair]:
    from heat_helper import disable_logging, find_duplicates  # noqa: PLC0415

    disable_logging()
    table = frame.select(
        "learner_id",
        "first_name",
        "last_name",
        pl.col("date_of_birth").cast(pl.String),
        pl.col("postcode").fill_null(""),
    ).to_pandas()
    found = find_duplicates(
        table,
        name_col=["first_name", "last_name"],
        date_of_birth_col="date_of_birth",
        postcode_col="postcode",
        id_col="learner_id",
        threshold=80,
        fuzzy_type="permissive",
        twin_protection=True,
    )
    groups = {group for group in found["Potential Duplicates"].dropna() if group}
    return {frozenset(pair) for group in groups for pair in combinations(group.split(", "), 2)}


# The aim (issue 14): on every mix, at least this precision and recall, no twins, and faster
# than heat-helper on the same records.
AIM_PRECISION = 0.99
AIM_RECALL = 0.95


def run(bench: SectionRun) -> None:
    people = getattr(bench.options, "dedup_learners", None) or (
        QUICK_PEOPLE if bench.options.quick else DEFAULT_PEOPLE
    )
    populations: list[tuple[Mix, Population]] = []
    with bench.stopwatch("build the synthetic populations"):
        populations = [(mix, synthetic_population(people, mix=mix)) for mix in MIXES]
    records = sum(population.frame.height for _, population in populations)
    bench.unit = "learner records"
    bench.scale = populations[0][1].frame.height
    bench.facts["row_counts"] = {
        "people_per_mix": people,
        "learner_records": populations[0][1].frame.height,
        "learner_records_all_mixes": records,
        "planted_duplicates": sum(len(population.duplicates) for _, population in populations),
        "planted_twins": sum(len(population.twins) for _, population in populations),
    }
    missed: list[str] = []
    for mix, population in populations:
        twins = len(population.twins)
        seconds_by_finder: dict[str, float] = {}
        for finder_name, label, finder in (
            ("widen: probable_duplicates (Splink)", "Widen (Splink on DuckDB)", widen_pairs),
            ("heat-helper: find_duplicates", "heat-helper (find duplicates)", heat_helper_pairs),
        ):
            case = f"{finder_name}, {mix.name} mix"
            bench.say(f"{case} on {population.frame.height:,} records")
            seconds, proposed = timed(partial(finder, population.frame))
            seconds_by_finder[finder_name] = seconds
            scores = score(proposed, population)
            bench.facts[f"{label}, {mix.name} mix"] = scores.line(seconds, twins)
            bench.record(
                Measurement(
                    case=case,
                    scale=population.frame.height,
                    timing=Timing((seconds * 1000,)),
                    details={
                        "mix": mix.name,
                        "seed": mix.seed,
                        "precision": round(scores.precision, 4),
                        "recall": round(scores.recall, 4),
                        "twins_wrongly_paired": scores.twins_paired,
                        "pairs_proposed": scores.proposed,
                        "recall_by_change": _recall_by_change(proposed, population),
                    },
                )
            )
            if finder_name.startswith("widen"):
                if scores.twins_paired:
                    bench.failures.append(
                        f"Widen proposed {scores.twins_paired} twin pairs ({mix.name} mix)"
                    )
                if scores.precision < AIM_PRECISION or scores.recall < AIM_RECALL:
                    missed.append(
                        f"{mix.name}: precision {scores.precision:.3f}, recall {scores.recall:.3f}"
                    )
        widen_seconds = seconds_by_finder["widen: probable_duplicates (Splink)"]
        heat_seconds = seconds_by_finder["heat-helper: find_duplicates"]
        bench.facts[f"Side by side, {mix.name} mix"] = (
            f"Widen {widen_seconds:.2f} s, heat-helper {heat_seconds:.2f} s "
            f"({'Widen faster' if widen_seconds < heat_seconds else 'heat-helper faster'})"
        )
    bench.facts[f"Aim (precision >= {AIM_PRECISION}, recall >= {AIM_RECALL}, no twins)"] = (
        "met on every mix" if not missed else "not met: " + "; ".join(missed)
    )
    _in_the_database(bench, populations[0][1])


def _recall_by_change(proposed: set[Pair], population: Population) -> dict[str, str]:
    """For each planted change, how many of the duplicates carrying it were found."""
    found: dict[str, int] = {}
    planted: dict[str, int] = {}
    for pair, changes in population.changes.items():
        for change in changes:
            planted[change] = planted.get(change, 0) + 1
            found[change] = found.get(change, 0) + (pair in proposed)
    return {change: f"{found[change]}/{planted[change]}" for change in sorted(planted)}


def _in_the_database(bench: SectionRun, population: Population) -> None:
    """Seed the records as learners of two universities and time the whole search."""
    with bench.stopwatch("seed the learners (bulk)"):
        world = build_partnership()
        partnership = Partnership.objects.get()
        admin = make_user("dedup.bench", world.alpha, Role.ORGANISATION_ADMIN)
        Membership.objects.create(user=admin, organisation=world.beta, role=Role.ORGANISATION_ADMIN)
        schools = {f"school-{number:02d}": school.pk for number, school in enumerate(world.schools)}
        holders = {"alpha": world.alpha.pk, "beta": world.beta.pk}
        rows = [
            {
                "id": uuid.UUID(row["learner_id"]),
                "organisation_id": holders[row["holder"]],
                "school_id": schools[row["school_id"]] if row["school_id"] else None,
                "first_name": row["first_name"],
                "last_name": row["last_name"],
                "date_of_birth": row["date_of_birth"],
                "home_postcode": row["postcode"] or "",
                "upn": row["upn"] or "",
            }
            for row in population.frame.iter_rows(named=True)
        ]
        with request_context.bind(source="system"):
            Learner.objects.bulk_insert(rows)
        bench.facts["planner_statistics"] = analyse(sqlite=bench.options.analyse_sqlite)
    bench.say("widen: find and store (database)")
    with request_context.bind(actor=admin, source="system"):
        seconds, summary = timed(partial(duplicates_find, actor=admin, partnership=partnership))
    stored = {
        frozenset((str(one), str(two)))
        for one, two in DuplicateCandidate.objects.values_list("learner_one_key", "learner_two_key")
    }
    scores = score(stored, population)
    bench.facts["Widen, reading and storing in the database"] = scores.line(
        seconds, len(population.twins)
    )
    bench.record(
        Measurement(
            case="widen: find and store (database)",
            scale=population.frame.height,
            timing=Timing((seconds * 1000,)),
            details={
                "precision": round(scores.precision, 4),
                "recall": round(scores.recall, 4),
                "twins_wrongly_paired": scores.twins_paired,
                "pairs_stored": summary.pairs_new,
                "learners_compared": summary.learners_compared,
            },
        )
    )
    if summary.learners_compared != population.frame.height:
        bench.failures.append(
            f"the search compared {summary.learners_compared:,} of "
            f"{population.frame.height:,} learners"
        )
