from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from widen.config.api import api
from widen.config.home import home_view
from widen.core import views as core_views

admin.site.site_header = "Widen administration"
admin.site.site_title = "Widen administration"

_api_patterns, _api_app_name, _api_namespace = api.urls
for _pattern in _api_patterns:
    # The API authenticates every operation with a bearer token (deny by default) instead.
    _pattern.callback = login_not_required(_pattern.callback)  # type: ignore[type-var]

urlpatterns = [
    path("", home_view, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("accounts/", include("widen.accounts.urls")),
    path("accounts/passkeys/", include("widen.accounts.passkeys")),
    path("organisations/", include("widen.organisations.urls")),
    path("learners/", include("widen.learners.urls")),
    path("targeting/", include("widen.targeting.urls")),
    path("activities/", include("widen.activities.urls")),
    path("programmes/", include("widen.programmes.urls")),
    path("reporting/", include("widen.reporting.urls")),
    path("evaluation/", include("widen.evaluation.reports.urls")),
    path("evaluation/", include("widen.evaluation.urls")),
    path("events/", include("widen.events.urls")),
    path("events/", include("widen.events.checkin.urls")),
    path("notifications/", include("widen.notifications.urls")),
    path("payments/", include("widen.payments.urls")),
    path("students/import/", include("widen.students.imports.urls")),
    path("students/links/", include("widen.students.linking.urls")),
    path("students/", include("widen.students.urls")),
    path("my/", include("widen.students.mine.urls")),
    path("my/", include("widen.students.mine.single_sign_on_urls")),
    path("partners/", include("widen.partners.urls")),
    path("support/", include("widen.support.urls")),
    path("mentoring/", include("widen.mentoring.urls")),
    path("rights/who-accessed/", include("widen.rights.who_accessed.urls")),
    path("rights/", include("widen.rights.urls")),
    path("api/v1/", (_api_patterns, _api_app_name, _api_namespace)),
    path("admin/", admin.site.urls),
]

handler400 = "widen.core.views.bad_request"
handler403 = "widen.core.views.permission_denied"
handler404 = "widen.core.views.not_found"
handler500 = "widen.core.views.server_error"
