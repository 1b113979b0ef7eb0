"""The student partners' pages: each area's URLs live beside its views (`widen.partners.views`)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from widen.partners.views import (
    barriers,
    claims,
    co_presenting,
    plans,
    roles,
    shifts,
    timesheets,
    work,
)

app_name = "partners"

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += work.urlpatterns
urlpatterns += timesheets.urlpatterns
urlpatterns += plans.urlpatterns
urlpatterns += barriers.urlpatterns
urlpatterns += claims.urlpatterns
urlpatterns += roles.urlpatterns
urlpatterns += shifts.urlpatterns
urlpatterns += co_presenting.urlpatterns
