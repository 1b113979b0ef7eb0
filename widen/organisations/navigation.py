"""The partnership's pages in the main navigation."""

from widen.core.navigation import Journey, NavEntry, register

register(NavEntry("Partnership", "organisations:list", Journey.ADMINISTRATION, ("organisations",)))
