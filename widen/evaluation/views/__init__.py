"""Survey pages (`surveys`), answering a survey by link or at an event (`answering`), and the
question bank (`scales`); `urls` reaches each view through this package."""

from widen.evaluation.views.answering import answer_link_path, answer_view, fill_in_view
from widen.evaluation.views.scales import (
    scale_create_view,
    scale_detail_view,
    scale_edit_view,
    scale_import_commit_view,
    scale_import_detail_view,
    scale_import_roll_back_view,
    scale_import_view,
    scale_list_view,
    scale_new_version_view,
    scale_publish_view,
)
from widen.evaluation.views.surveys import (
    answer_publish_view,
    survey_after_view,
    survey_create_view,
    survey_detail_view,
    survey_list_view,
    survey_questions_view,
    survey_responses_view,
    survey_send_view,
    survey_status_view,
)

__all__ = [
    "answer_link_path",
    "answer_publish_view",
    "answer_view",
    "fill_in_view",
    "scale_create_view",
    "scale_detail_view",
    "scale_edit_view",
    "scale_import_commit_view",
    "scale_import_detail_view",
    "scale_import_roll_back_view",
    "scale_import_view",
    "scale_list_view",
    "scale_new_version_view",
    "scale_publish_view",
    "survey_after_view",
    "survey_create_view",
    "survey_detail_view",
    "survey_list_view",
    "survey_questions_view",
    "survey_responses_view",
    "survey_send_view",
    "survey_status_view",
]
