"""Small random cohorts for the matching tests, from a seed."""

from __future__ import annotations

import random

from widen.mentoring.matching import Mentee, Mentor

INDUSTRIES = ("finance", "law", "engineering", "health", "media")
CAREERS = ("accountant", "solicitor", "civil engineer", "nurse", "journalist", "analyst")
PLACES = ("Leicester", "Nottingham", "Derby")
SLOTS = ("mon-evening", "tue-evening", "wed-morning", "thu-afternoon", "sat-morning")
LANGUAGES = ("English", "Polish", "Urdu", "Gujarati")
BACKGROUNDS = ("first_in_family", "care_experienced", "estranged")
MODES = (frozenset({"online"}), frozenset({"in_person"}), frozenset({"online", "in_person"}))


def some(rng: random.Random, values: tuple[str, ...], most: int) -> frozenset[str]:
    return frozenset(rng.sample(values, rng.randint(0, most)))


def random_cohort(
    seed: int, *, mentees: int, mentors: int, most_places: int = 3
) -> tuple[list[Mentee], list[Mentor], list[tuple[str, str]]]:
    """Mentees, mentors and a few pairs that must never be made."""
    rng = random.Random(seed)
    people = [
        Mentee(
            id=f"student-{i}",
            industries=some(rng, INDUSTRIES, 2),
            career_interests=some(rng, CAREERS, 2),
            location=rng.choice(PLACES),
            modes=rng.choice(MODES),
            availability=some(rng, SLOTS, 3),
            languages=some(rng, LANGUAGES, 2),
            backgrounds_wanted=some(rng, BACKGROUNDS, 2),
            under_18=rng.random() < 0.3,
        )
        for i in range(mentees)
    ]
    offering = [
        Mentor(
            id=f"mentor-{j}",
            industries=some(rng, INDUSTRIES, 2),
            career_path=some(rng, CAREERS, 2),
            location=rng.choice(PLACES),
            modes=rng.choice(MODES),
            availability=some(rng, SLOTS, 3),
            languages=some(rng, LANGUAGES, 2),
            lived_experience=some(rng, BACKGROUNDS, 2),
            capacity=rng.randint(0, most_places),
            dbs_cleared=rng.random() < 0.5,
        )
        for j in range(mentors)
    ]
    never = [
        (rng.choice(people).id, rng.choice(offering).id) for _ in range(rng.randint(0, mentees))
    ]
    return people, offering, never
