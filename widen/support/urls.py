from django.urls import path

from widen.support.views import memberships, schemes

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
]
