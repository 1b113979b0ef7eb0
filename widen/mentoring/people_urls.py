"""Mentoring's people pages (included by `widen.mentoring.urls`): an open programme's public
page where a professional or alumna becomes a mentor, and "My mentoring" for a signed-in mentor
or student."""

from django.urls import path

from widen.mentoring.views import mentees, people, people_answers

urlpatterns = [
    path("open/<uuid:programme_id>/", people.programme_open_view, name="programme_open"),
    path("mine/", people.mine_view, name="mine"),
    path("mine/profile/<uuid:mentor_id>/", people.mine_profile_view, name="mine_profile"),
    path("mine/join/<uuid:programme_id>/", people.mine_join_view, name="mine_join"),
    path(
        "mine/places/<uuid:place_id>/withdraw/",
        people.mine_place_withdraw_view,
        name="mine_place_withdraw",
    ),
    path("mine/apply/<uuid:programme_id>/", people_answers.mine_apply_view, name="mine_apply"),
    path(
        "mine/applications/<uuid:mentee_id>/answers/",
        mentees.mine_answers_view,
        name="mine_answers",
    ),
    path(
        "mine/applications/<uuid:mentee_id>/withdraw/",
        people_answers.mine_application_withdraw_view,
        name="mine_application_withdraw",
    ),
    path(
        "mine/introductions/<uuid:relationship_id>/accept/",
        people_answers.mine_introduction_accept_view,
        name="mine_introduction_accept",
    ),
    path(
        "mine/introductions/<uuid:relationship_id>/decline/",
        people_answers.mine_introduction_decline_view,
        name="mine_introduction_decline",
    ),
]
