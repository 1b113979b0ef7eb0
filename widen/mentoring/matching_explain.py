"""How a coordinator reads a match: each criterion's points in words, and why a mentee is left out.

Words are built from what the two people said about themselves, in the order the criteria are
weighed, e.g. "both in finance; mentor is first in family, as the student asked; both prefer
online; Tuesday evenings overlap".
"""

from __future__ import annotations

from collections.abc import Iterable

DAYS = {
    "mon": "Monday",
    "tue": "Tuesday",
    "wed": "Wednesday",
    "thu": "Thursday",
    "fri": "Friday",
    "sat": "Saturday",
    "sun": "Sunday",
}
PARTS = {"morning": "mornings", "afternoon": "afternoons", "evening": "evenings"}
BACKGROUNDS = {
    "first_in_family": "first in family",
    "care_experienced": "care experienced",
    "estranged": "estranged from family",
    "free_school_meals": "had free school meals",
    "young_carer": "a young carer",
    "disabled": "disabled",
}


def plain(value: str) -> str:
    """`software_engineering` as "software engineering"."""
    return value.replace("_", " ").replace("-", " ").strip()


def listed(values: Iterable[str], *, words: dict[str, str] | None = None) -> str:
    """ "a", "a and b", "a, b and c", sorted so the words are the same every run."""
    named = [(words or {}).get(value, plain(value)) for value in sorted(values)]
    if len(named) <= 1:
        return "".join(named)
    return ", ".join(named[:-1]) + " and " + named[-1]


def slot_words(slot: str) -> str:
    """ "tue-evening" as "Tuesday evenings"; a slot written otherwise as it was written."""
    day, _, part = slot.partition("-")
    if day.lower() in DAYS and part.lower() in PARTS:
        return f"{DAYS[day.lower()]} {PARTS[part.lower()]}"
    return plain(slot)


def industry_words(shared: Iterable[str]) -> str:
    return f"both in {listed(shared)}"


def career_words(shared: Iterable[str]) -> str:
    return f"mentor's career path is in {listed(shared)}, as the student hopes"


def background_words(shared: Iterable[str], wanted: Iterable[str]) -> str:
    shared = set(shared)
    said = f"mentor is {listed(shared, words=BACKGROUNDS)}, as the student asked"
    missing = set(wanted) - shared
    if missing:
        said += f" (not {listed(missing, words=BACKGROUNDS)})"
    return said


def meeting_words(*, online: bool, in_person: bool, location: str) -> str:
    if in_person and online:
        return f"both in {location} and happy to meet in person or online"
    if in_person:
        return f"both in {location} and want to meet in person"
    return "both prefer online"


def availability_words(shared: Iterable[str]) -> str:
    slots = sorted(shared)
    said = listed([slot_words(slot) for slot in slots])
    return f"{said} {'overlap' if len(slots) == 1 else 'all overlap'}"


def language_words(shared: Iterable[str]) -> str:
    return f"both speak {listed(shared)}"


# Why a mentee was left without a mentor, most specific first (see `unmatched_reason`).
NO_PLACES = "no mentor has a place left"
UNDER_18_NO_DBS = "under 18 and no DBS-checked mentor has a place"
UNDER_18_DBS_FULL = "under 18 and every DBS-checked mentor who could take them is full"
ALL_EXCLUDED = "every possible mentor is excluded (pairs that must never be made)"


def unmatched_reason(
    *,
    places_at_start: int,
    under_18: bool,
    dbs_places_at_start: int,
    possible_at_start: int,
    industries: Iterable[str],
    industry_mentors: int,
) -> str:
    """Why a mentee left unmatched by an optimal run is left out.

    `places_at_start` counts mentors with a free place before the run; `dbs_places_at_start`
    those of them DBS-checked; `possible_at_start` those the mentee may be matched with (DBS and
    pairs that must never be made allowing); `industry_mentors` how many of those share an
    industry with the mentee. Since as many mentees as possible are matched, every mentor the
    mentee could have had is full at the end: otherwise one more pair could be made.
    """
    if places_at_start == 0:
        return NO_PLACES
    if under_18 and dbs_places_at_start == 0:
        return UNDER_18_NO_DBS
    if possible_at_start == 0:
        return ALL_EXCLUDED
    if under_18:
        return UNDER_18_DBS_FULL
    industries = sorted(industries)
    if industries and industry_mentors == 0:
        return (
            f"no mentor with a place works in {listed(industries)}, and every other mentor "
            "who could take them is full"
        )
    if industries:
        return (
            f"no mentor with capacity in their industry: every mentor in {listed(industries)}"
            " (and every other who could take them) is full"
        )
    return "every mentor who could take them is full"
