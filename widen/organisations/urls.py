from django.urls import path

from widen.organisations import views

app_name = "organisations"

urlpatterns = [
    path("", views.organisation_list_view, name="list"),
    path("partnerships/", views.partnership_list_view, name="partnerships"),
    path("partnerships/<uuid:partnership_id>/", views.partnership_detail_view, name="partnership"),
    path("<uuid:organisation_id>/", views.organisation_detail_view, name="detail"),
]
