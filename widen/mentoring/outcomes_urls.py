"""A mentoring programme's outcomes page (included by `widen.mentoring.urls`)."""

from django.urls import path

from widen.mentoring.views import outcomes

urlpatterns = [
    path(
        "programmes/<uuid:programme_id>/outcomes/",
        outcomes.programme_outcomes_view,
        name="programme_outcomes",
    ),
]
