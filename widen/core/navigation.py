"""The main navigation: a registry of pages, grouped by the user's journey.

Each app lists its pages in its own `navigation.py` (found when Django starts) with `register`:
the label, the URL name, the journey it belongs to, which pages count as "here", and who may open
it (a function of the person, answered by the app's policy). The header shows one entry per
journey, each opening to that journey's pages, so new areas add links inside a group rather than
lengthening the bar; a person sees only the pages they may open, and a journey with none is not
shown at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.http import HttpRequest
from django.urls import reverse


class Journey(StrEnum):
    IDENTIFY = "Identify"
    ENGAGE = "Engage"
    SUPPORT = "Support"
    EVALUATE = "Evaluate"
    COMMUNITY = "Community"
    ADMINISTRATION = "Administration"


def signed_in(person: Any) -> bool:
    return bool(getattr(person, "is_authenticated", False))


def roles_held(person: Any) -> tuple[tuple[str, str], ...]:
    """The role and organisation type of each of `person`'s memberships (none for someone not
    signed in). Asked once per request: the menu's entries decide from it without asking again."""
    if not signed_in(person):
        return ()
    known = getattr(person, "_widen_roles_held", None)
    if known is None:
        memberships = getattr(person, "memberships", None)
        known = (
            tuple(memberships.values_list("role", "organisation__organisation_type"))
            if memberships is not None
            else ()
        )
        person._widen_roles_held = known
    return tuple(known)


def works_somewhere(person: Any) -> bool:
    """Whether `person` holds a role in some organisation: staff, who see the staff pages. A
    student or mentor with no role sees only their own pages."""
    return bool(roles_held(person))


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    journey: Journey
    # What counts as being on this page: an app's URL namespace ("learners") or one URL
    # ("targeting:schools"), or URLs whose names start alike ("targeting:rule_set*"). The entry's
    # own URL always counts.
    current_when: tuple[str, ...] = ()
    # By default a page for staff (people with a role in an organisation).
    may_open: Callable[[Any], bool] = works_somewhere
    order: int = 100


@dataclass(frozen=True)
class NavLink:
    label: str
    href: str
    current: bool


@dataclass(frozen=True)
class NavGroup:
    journey: Journey
    links: list[NavLink] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(self.journey)

    @property
    def current(self) -> bool:
        return any(link.current for link in self.links)

    @property
    def slug(self) -> str:
        return self.journey.name.lower()


_entries: dict[str, NavEntry] = {}


def register(*entries: NavEntry) -> None:
    for entry in entries:
        _entries[entry.url_name] = entry


def registered() -> list[NavEntry]:
    return sorted(
        _entries.values(), key=lambda entry: (list(Journey).index(entry.journey), entry.order)
    )


def _is_current(entry: NavEntry, request: HttpRequest) -> bool:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return False
    here = f"{match.namespace}:{match.url_name}" if match.namespace else str(match.url_name)
    for place in (entry.url_name, *entry.current_when):
        if place.endswith("*") and here.startswith(place[:-1]):
            return True
        if ":" in place and place == here:
            return True
        if ":" not in place and place == match.namespace:
            return True
    return False


def menu_for(request: HttpRequest, entries: Iterable[NavEntry] | None = None) -> list[NavGroup]:
    """The journeys and pages `request.user` may open, in journey order, empty groups left out."""
    person = getattr(request, "user", None)
    groups: dict[Journey, NavGroup] = {}
    # Pages opened by the same right ask it once.
    decided: dict[Any, bool] = {}
    for entry in registered() if entries is None else entries:
        if entry.may_open not in decided:
            decided[entry.may_open] = bool(entry.may_open(person))
        if not decided[entry.may_open]:
            continue
        group = groups.setdefault(entry.journey, NavGroup(entry.journey))
        group.links.append(
            NavLink(entry.label, reverse(entry.url_name), _is_current(entry, request))
        )
    return [groups[journey] for journey in Journey if journey in groups]


def navigation_for(request: HttpRequest | None) -> list[NavGroup]:
    """The groups for the signed-in, MFA-verified person making `request` (none otherwise)."""
    person = getattr(request, "user", None)
    if request is None or not signed_in(person):
        return []
    if not getattr(person, "is_verified", lambda: False)():
        return []
    return menu_for(request)
