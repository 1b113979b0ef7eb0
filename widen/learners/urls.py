from django.urls import path

from widen.learners import views

app_name = "learners"

urlpatterns = [
    path("", views.learner_list_view, name="list"),
    path("new/", views.learner_create_view, name="create"),
    path("<uuid:learner_id>/", views.learner_detail_view, name="detail"),
    path("<uuid:learner_id>/edit/", views.learner_edit_view, name="edit"),
    path(
        "<uuid:learner_id>/parents-carers/new/",
        views.parent_carer_add_view,
        name="parent_carer_add",
    ),
    path("<uuid:learner_id>/consents/new/", views.consent_add_view, name="consent_add"),
    path("<uuid:learner_id>/access/", views.learner_access_view, name="access"),
]
