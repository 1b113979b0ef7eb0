from django.urls import path

from widen.students.linking import views

app_name = "student_links"

urlpatterns: list = [
    path("", views.link_list_view, name="list"),
    path("propose/", views.link_propose_view, name="propose"),
    path("<uuid:link_id>/confirm/", views.link_confirm_view, name="confirm"),
    path("<uuid:link_id>/reject/", views.link_reject_view, name="reject"),
]
