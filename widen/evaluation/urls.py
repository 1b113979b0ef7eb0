from django.urls import path

from widen.core.upload_urls import staged_upload_paths
from widen.evaluation import views

app_name = "evaluation"

urlpatterns = [
    path("surveys/", views.survey_list_view, name="surveys"),
    path(
        "partnerships/<uuid:partnership_id>/surveys/new/",
        views.survey_create_view,
        name="survey_create",
    ),
    path("surveys/<uuid:survey_id>/", views.survey_detail_view, name="survey"),
    path("surveys/<uuid:survey_id>/questions/", views.survey_questions_view, name="questions"),
    path("surveys/<uuid:survey_id>/status/", views.survey_status_view, name="survey_status"),
    path("surveys/<uuid:survey_id>/after/", views.survey_after_view, name="survey_after"),
    path("surveys/<uuid:survey_id>/send/", views.survey_send_view, name="send"),
    path("surveys/<uuid:survey_id>/responses/", views.survey_responses_view, name="responses"),
    path("surveys/<uuid:survey_id>/fill-in/", views.fill_in_view, name="fill_in"),
    path("answers/<uuid:answer_id>/publication/", views.answer_publish_view, name="publish"),
    path("answer/<str:token>/", views.answer_view, name="answer"),
    path("scales/", views.scale_list_view, name="scales"),
    path(
        "partnerships/<uuid:partnership_id>/scales/new/",
        views.scale_create_view,
        name="scale_create",
    ),
    path(
        "partnerships/<uuid:partnership_id>/scales/import/",
        views.scale_import_view,
        name="scale_import",
    ),
    path("scales/<uuid:scale_id>/", views.scale_detail_view, name="scale"),
    path("scales/<uuid:scale_id>/edit/", views.scale_edit_view, name="scale_edit"),
    path("scales/<uuid:scale_id>/publish/", views.scale_publish_view, name="scale_publish"),
    path(
        "scales/<uuid:scale_id>/new-version/",
        views.scale_new_version_view,
        name="scale_new_version",
    ),
    *staged_upload_paths(
        "scale-imports",
        "scale_import",
        detail=views.scale_import_detail_view,
        commit=views.scale_import_commit_view,
        roll_back=views.scale_import_roll_back_view,
    ),
]
