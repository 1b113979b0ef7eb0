"""Programmes' pages in the main navigation."""

from widen.core.navigation import Journey, NavEntry, register

register(NavEntry("Programmes", "programmes:list", Journey.ENGAGE, ("programmes",), order=10))
