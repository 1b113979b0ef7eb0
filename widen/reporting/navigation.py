"""Reporting's pages in the main navigation."""

from widen.core.navigation import Journey, NavEntry, register

register(NavEntry("Dashboard", "reporting:index", Journey.EVALUATE, ("reporting",), order=20))
