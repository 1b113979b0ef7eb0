from django.urls import path

from widen.programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list_view, name="list"),
    path("partnerships/<uuid:partnership_id>/new/", views.programme_create_view, name="create"),
    path("<uuid:programme_id>/", views.programme_detail_view, name="detail"),
    path("<uuid:programme_id>/enrol/", views.programme_enrol_view, name="enrol"),
    path("<uuid:programme_id>/enrolments/", views.programme_enrolments_view, name="enrolments"),
    path(
        "<uuid:programme_id>/enrolments/change/",
        views.programme_enrolment_change_view,
        name="enrolment_change",
    ),
]
