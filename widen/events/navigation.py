"""Events' pages in the main navigation."""

from widen.core.navigation import Journey, NavEntry, register

register(NavEntry("Events", "events:list", Journey.ENGAGE, ("events", "checkin"), order=30))
