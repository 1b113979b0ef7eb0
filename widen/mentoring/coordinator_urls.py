"""Mentoring's coordinator pages (included by `widen.mentoring.urls`)."""

from typing import Any

urlpatterns: list[Any] = []
