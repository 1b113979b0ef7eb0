"""Mentoring's pages, area by area: coordinators running programmes and matching
(`coordinator_urls`) and measuring their outcomes (`outcomes_urls`), mentors and mentees joining
and answering introductions (`people_urls`), and each pair's space (`pair_urls`)."""

from widen.mentoring.coordinator_urls import urlpatterns as coordinator_urlpatterns
from widen.mentoring.outcomes_urls import urlpatterns as outcomes_urlpatterns
from widen.mentoring.pair_urls import urlpatterns as pair_urlpatterns
from widen.mentoring.people_urls import urlpatterns as people_urlpatterns

app_name = "mentoring"

urlpatterns = [
    *coordinator_urlpatterns,
    *outcomes_urlpatterns,
    *people_urlpatterns,
    *pair_urlpatterns,
]
