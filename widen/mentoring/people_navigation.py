"""Mentoring's people pages in the main navigation (registered by
`widen.mentoring.navigation`)."""
