"""Mentoring's coordinator pages (included by `widen.mentoring.urls`): programmes, their cohort,
and matching runs to review and publish."""

from django.urls import path

from widen.mentoring.views import coordinator, coordinator_never, coordinator_runs, mentees

urlpatterns = [
    path("programmes/", coordinator.programme_list_view, name="programmes"),
    path("programmes/new/", coordinator.programme_create_view, name="programme_create"),
    path("programmes/<uuid:programme_id>/", coordinator.programme_detail_view, name="programme"),
    path(
        "programmes/<uuid:programme_id>/edit/",
        coordinator.programme_edit_view,
        name="programme_edit",
    ),
    path(
        "programmes/<uuid:programme_id>/pupils/",
        coordinator.pupils_add_view,
        name="programme_pupils",
    ),
    path(
        "programmes/<uuid:programme_id>/match/",
        coordinator_runs.run_create_view,
        name="programme_match",
    ),
    path(
        "programmes/<uuid:programme_id>/never/",
        coordinator_never.never_pairs_view,
        name="never_pairs",
    ),
    path(
        "never/<int:never_id>/remove/",
        coordinator_never.never_pair_remove_view,
        name="never_pair_remove",
    ),
    path("places/<uuid:place_id>/", coordinator.place_edit_view, name="place"),
    path("places/<uuid:place_id>/decide/", coordinator.place_decide_view, name="place_decide"),
    path("mentees/<uuid:mentee_id>/decide/", coordinator.mentee_decide_view, name="mentee_decide"),
    path("mentees/<uuid:mentee_id>/answers/", mentees.pupil_answers_view, name="pupil_answers"),
    path("mentees/<uuid:mentee_id>/sign-in/", mentees.pupil_sign_in_view, name="pupil_sign_in"),
    path("runs/<int:run_id>/", coordinator_runs.run_detail_view, name="run"),
    path("runs/<int:run_id>/swap/", coordinator_runs.pairs_swap_view, name="run_swap"),
    path("runs/<int:run_id>/publish/", coordinator_runs.run_publish_view, name="run_publish"),
    path("runs/<int:run_id>/discard/", coordinator_runs.run_discard_view, name="run_discard"),
    path(
        "proposed/<uuid:pair_id>/lock/", coordinator_runs.pair_lock_view, name="proposed_pair_lock"
    ),
]
