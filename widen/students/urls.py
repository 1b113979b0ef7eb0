from django.urls import path

from widen.students import views

app_name = "students"

urlpatterns = [
    path("", views.student_list_view, name="list"),
    path("new/", views.student_create_view, name="create"),
    path("<uuid:student_id>/", views.student_detail_view, name="detail"),
    path("<uuid:student_id>/edit/", views.student_edit_view, name="edit"),
    path("<uuid:student_id>/status/", views.student_status_view, name="status"),
    path("providers/<uuid:organisation_id>/terms/", views.term_dates_view, name="terms"),
    path("providers/<uuid:organisation_id>/terms/new/", views.term_add_view, name="term_add"),
    path("terms/<uuid:term_id>/edit/", views.term_edit_view, name="term_edit"),
    path("terms/<uuid:term_id>/delete/", views.term_delete_view, name="term_delete"),
]
