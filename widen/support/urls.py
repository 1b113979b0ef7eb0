from django.urls import path

from widen.support.views import memberships, mine, schemes

app_name = "support"

urlpatterns = [
    path("schemes/", schemes.scheme_list_view, name="schemes"),
    path("schemes/new/", schemes.scheme_create_view, name="scheme_create"),
    path("schemes/<uuid:scheme_id>/", schemes.scheme_detail_view, name="scheme"),
    path("schemes/<uuid:scheme_id>/rules/", schemes.scheme_rule_view, name="scheme_rules"),
    path(
        "schemes/<uuid:scheme_id>/work-out/",
        schemes.scheme_compute_view,
        name="scheme_compute",
    ),
    path(
        "schemes/<uuid:scheme_id>/members/",
        memberships.scheme_members_view,
        name="scheme_members",
    ),
    path(
        "schemes/<uuid:scheme_id>/members/invite/",
        memberships.scheme_invite_view,
        name="scheme_invite",
    ),
    path(
        "schemes/<uuid:scheme_id>/members/<uuid:membership_id>/decide/",
        memberships.membership_decide_view,
        name="membership_decide",
    ),
    path("mine/", mine.my_schemes_view, name="my_schemes"),
    path("mine/apply/<uuid:scheme_id>/", mine.my_scheme_apply_view, name="my_scheme_apply"),
    path(
        "mine/<uuid:membership_id>/join/",
        mine.my_membership_join_view,
        name="my_membership_join",
    ),
    path(
        "mine/<uuid:membership_id>/decline/",
        mine.my_membership_decline_view,
        name="my_membership_decline",
    ),
    path(
        "mine/<uuid:membership_id>/leave/",
        mine.my_membership_leave_view,
        name="my_membership_leave",
    ),
]

from widen.support.views import outcomes  # noqa: E402

urlpatterns += [
    path(
        "schemes/<uuid:scheme_id>/outcomes/",
        outcomes.scheme_outcomes_view,
        name="scheme_outcomes",
    ),
]
