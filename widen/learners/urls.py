from django.urls import path

from widen.core.upload_urls import staged_upload_paths
from widen.learners import views
from widen.learners.duplicates import views as duplicate_views
from widen.learners.imports import views as import_views

app_name = "learners"

urlpatterns = [
    path("", views.learner_list_view, name="list"),
    path("new/", views.learner_create_view, name="create"),
    path("duplicates/", duplicate_views.duplicate_queue_view, name="duplicates"),
    path("duplicates/find/", duplicate_views.duplicate_find_view, name="duplicates_find"),
    path("duplicates/export/", duplicate_views.duplicate_export_view, name="duplicates_export"),
    path("duplicates/<uuid:pair_id>/", duplicate_views.duplicate_pair_view, name="duplicate_pair"),
    path(
        "duplicates/<uuid:pair_id>/merge/",
        duplicate_views.duplicate_merge_view,
        name="duplicate_merge",
    ),
    path(
        "duplicates/<uuid:pair_id>/reject/",
        duplicate_views.duplicate_reject_view,
        name="duplicate_reject",
    ),
    path("<uuid:learner_id>/", views.learner_detail_view, name="detail"),
    path("<uuid:learner_id>/edit/", views.learner_edit_view, name="edit"),
    path(
        "<uuid:learner_id>/parents-carers/new/",
        views.parent_carer_add_view,
        name="parent_carer_add",
    ),
    path("<uuid:learner_id>/consents/new/", views.consent_add_view, name="consent_add"),
    path("<uuid:learner_id>/access/", views.learner_access_view, name="access"),
    path("searches/new/", views.saved_search_create_view, name="saved_search_create"),
    path(
        "searches/<uuid:search_id>/delete/",
        views.saved_search_delete_view,
        name="saved_search_delete",
    ),
    path("import/", import_views.import_start_view, name="import_start"),
    path(
        "import/template.<str:file_format>",
        import_views.import_template_view,
        name="import_template",
    ),
    path("imports/", import_views.import_list_view, name="import_list"),
    *staged_upload_paths(
        "imports",
        "import",
        detail=import_views.import_detail_view,
        commit=import_views.import_commit_view,
        roll_back=import_views.import_roll_back_view,
    ),
    path(
        "imports/<uuid:import_id>/progress/",
        import_views.import_progress_view,
        name="import_progress",
    ),
    path(
        "imports/<uuid:import_id>/rows-to-fix/",
        import_views.import_failed_rows_view,
        name="import_failed_rows",
    ),
]
