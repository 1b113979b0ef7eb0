"""Widen: widening participation in UK higher education."""

__version__ = "0.1.0"
