"""Learners' pages in the main navigation."""

from widen.core.navigation import Journey, NavEntry, register

register(NavEntry("Learners", "learners:list", Journey.IDENTIFY, ("learners",), order=10))
