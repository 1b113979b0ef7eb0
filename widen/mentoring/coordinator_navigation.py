"""Mentoring's coordinator pages in the main navigation (registered by
`widen.mentoring.navigation`)."""
