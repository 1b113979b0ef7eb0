"""Mentoring's pages in the main navigation: coordinators' programmes, and a mentor's or a
mentee's own mentoring, each registered by its own module."""

from widen.mentoring import coordinator_navigation, people_navigation

__all__ = ["coordinator_navigation", "people_navigation"]
