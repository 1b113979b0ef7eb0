"""Mentoring's pair pages (included by `widen.mentoring.urls`): a person's own pairs, each
pair's space and its forms, and a programme's pairs for its coordinators."""

from django.urls import path

from widen.mentoring.views import pairs

_PAIR = "pairs/<uuid:relationship_id>/"

urlpatterns = [
    path("pairs/", pairs.my_pairs_view, name="pairs_mine"),
    path(_PAIR, pairs.pair_view, name="pair"),
    path(f"{_PAIR}goals/", pairs.pair_goal_view, name="pair_goal"),
    path(
        f"{_PAIR}goals/<int:goal_id>/review/",
        pairs.pair_goal_review_view,
        name="pair_goal_review",
    ),
    path(f"{_PAIR}meetings/", pairs.pair_meeting_view, name="pair_meeting"),
    path(
        f"{_PAIR}check-ins/<int:check_in_id>/",
        pairs.pair_check_in_view,
        name="pair_check_in",
    ),
    path(f"{_PAIR}messages/", pairs.pair_message_view, name="pair_message"),
    path(f"{_PAIR}concern/", pairs.pair_concern_view, name="pair_concern"),
    path(f"{_PAIR}end/", pairs.pair_end_view, name="pair_end"),
    path(f"{_PAIR}feedback/", pairs.pair_feedback_view, name="pair_feedback"),
    path(
        "programmes/<uuid:programme_id>/relationships/",
        pairs.programme_pairs_view,
        name="programme_pairs",
    ),
]
