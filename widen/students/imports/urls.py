from django.urls import path

from widen.core.upload_urls import staged_upload_paths
from widen.students.imports import views

app_name = "student_imports"

urlpatterns = [
    path("", views.student_import_view, name="upload"),
    *staged_upload_paths(
        "uploads",
        "upload",
        detail=views.student_import_detail_view,
        commit=views.student_import_commit_view,
        roll_back=views.student_import_roll_back_view,
    ),
]
