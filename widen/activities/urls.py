from django.urls import path

from widen.activities import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list_view, name="list"),
    path("partnerships/<uuid:partnership_id>/new/", views.activity_create_view, name="create"),
    path("<uuid:activity_id>/", views.activity_detail_view, name="detail"),
    path("<uuid:activity_id>/sessions/new/", views.session_create_view, name="session_create"),
    path("sessions/<uuid:session_id>/register/", views.register_view, name="register"),
    path(
        "sessions/<uuid:session_id>/register/import/",
        views.register_import_view,
        name="register_import",
    ),
    path(
        "register-imports/<uuid:import_id>/",
        views.register_import_detail_view,
        name="register_import_detail",
    ),
    path(
        "register-imports/<uuid:import_id>/import/",
        views.register_import_commit_view,
        name="register_import_commit",
    ),
    path(
        "register-imports/<uuid:import_id>/roll-back/",
        views.register_import_roll_back_view,
        name="register_import_roll_back",
    ),
    path("learners/<uuid:learner_id>/", views.learner_timeline_view, name="learner"),
    path(
        "programmes/<uuid:programme_id>/progress/",
        views.programme_progress_view,
        name="progress",
    ),
    path(
        "programmes/<uuid:programme_id>/progress/add-to-session/",
        views.progress_add_view,
        name="progress_add",
    ),
]
