"""Activity pages: the catalogue of a partnership's activities, their sessions, registers taken
on a phone or tablet (and imported from a spreadsheet), progress on a programme, and a learner's
journey."""

from widen.activities.views.catalogue import (
    activity_create_view,
    activity_detail_view,
    activity_list_view,
    session_create_view,
)
from widen.activities.views.journey import learner_timeline_view
from widen.activities.views.progress import programme_progress_view, progress_add_view
from widen.activities.views.register_imports import (
    register_import_commit_view,
    register_import_detail_view,
    register_import_roll_back_view,
    register_import_view,
)
from widen.activities.views.registers import register_view

__all__ = [
    "activity_create_view",
    "activity_detail_view",
    "activity_list_view",
    "learner_timeline_view",
    "programme_progress_view",
    "progress_add_view",
    "register_import_commit_view",
    "register_import_detail_view",
    "register_import_roll_back_view",
    "register_import_view",
    "register_view",
    "session_create_view",
]
