from django.urls import path

from widen.targeting import views

app_name = "targeting"

urlpatterns = [
    path("postcodes/", views.postcode_lookup_view, name="postcode_lookup"),
    path("rule-sets/", views.rule_set_list_view, name="rule_sets"),
    path("schools/", views.school_targeting_view, name="schools"),
    path("schools/map/", views.school_map_view, name="map"),
    path("rule-sets/<uuid:rule_set_id>/", views.rule_set_detail_view, name="rule_set"),
    path("rule-sets/<uuid:rule_set_id>/edit/", views.rule_set_edit_view, name="rule_set_edit"),
    path(
        "partnerships/<uuid:partnership_id>/rule-sets/new/",
        views.rule_set_create_view,
        name="rule_set_create",
    ),
    path(
        "partnerships/<uuid:partnership_id>/rule-sets/presets/",
        views.rule_set_presets_view,
        name="rule_set_presets",
    ),
    path("learners/<uuid:learner_id>/", views.learner_targeting_view, name="learner"),
]
