from django.urls import path

from widen.evaluation.reports import views as report_views

app_name = "evaluation_reports"

urlpatterns = [
    path(
        "activities/<uuid:activity_id>/report/",
        report_views.activity_report_view,
        name="activity",
    ),
    path(
        "programmes/<uuid:programme_id>/report/",
        report_views.programme_report_view,
        name="programme",
    ),
    path("events/<uuid:event_id>/report/", report_views.event_report_view, name="event"),
    path(
        "activities/<uuid:activity_id>/theory-of-change/",
        report_views.activity_theory_view,
        name="activity_theory",
    ),
    path(
        "programmes/<uuid:programme_id>/theory-of-change/",
        report_views.programme_theory_view,
        name="programme_theory",
    ),
]
