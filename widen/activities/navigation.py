"""Activities' pages in the main navigation."""

from widen.core.navigation import Journey, NavEntry, register

register(NavEntry("Activities", "activities:list", Journey.ENGAGE, ("activities",), order=20))
