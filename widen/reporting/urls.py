from django.urls import path

from widen.reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.reporting_index_view, name="index"),
    path("partnerships/<uuid:partnership_id>/", views.dashboard_view, name="dashboard"),
    path("partnerships/<uuid:partnership_id>/targets/", views.targets_view, name="targets"),
    path("partnerships/<uuid:partnership_id>/sustained/", views.sustained_view, name="sustained"),
    path(
        "partnerships/<uuid:partnership_id>/progression/",
        views.progression_view,
        name="progression",
    ),
    path(
        "partnerships/<uuid:partnership_id>/monitoring-export/",
        views.monitoring_export_view,
        name="monitoring_export",
    ),
]
