"""Mentoring's people endpoints in the JSON API, under the same policy, selectors and services
as the pages."""

from ninja import Router

router = Router(tags=["mentoring"])
