"""Mentoring's reads, each scoped by the policy."""
