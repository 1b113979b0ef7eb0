"""Targeting's pages in the main navigation."""

from widen.core.navigation import Journey, NavEntry, register

register(
    NavEntry("Schools", "targeting:schools", Journey.IDENTIFY, ("targeting:map",), order=20),
    NavEntry(
        "Rule sets", "targeting:rule_sets", Journey.IDENTIFY, ("targeting:rule_set*",), order=30
    ),
    NavEntry("Postcodes", "targeting:postcode_lookup", Journey.IDENTIFY, order=40),
)
