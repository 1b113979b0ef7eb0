from django.urls import path

from widen.activities import views
from widen.core.upload_urls import staged_upload_paths

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
    *staged_upload_paths(
        "register-imports",
        "register_import",
        detail=views.register_import_detail_view,
        commit=views.register_import_commit_view,
        roll_back=views.register_import_roll_back_view,
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
