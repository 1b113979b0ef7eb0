"""The student partners' pages: each area's URLs live beside its views (`widen.partners.views`)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

app_name = "partners"

urlpatterns: list[URLPattern | URLResolver] = []
