"""URLs for the day of an event and after: check-in, calendar files, certificates, the programme
and personal agendas. Included under `events/` next to the events app's own pages."""

from django.urls import path

from widen.events.checkin import views

app_name = "checkin"

urlpatterns = [
    path("<uuid:event_id>/check-in/", views.checkin_list_view, name="list"),
    path("<uuid:event_id>/check-in/<uuid:booking_id>/", views.check_in_view, name="check_in"),
    path(
        "<uuid:event_id>/check-in/<uuid:booking_id>/undo/",
        views.check_in_undo_view,
        name="undo",
    ),
    path(
        "<uuid:event_id>/check-in/<uuid:booking_id>/certificate.pdf",
        views.organiser_certificate_view,
        name="organiser_certificate",
    ),
    path("<uuid:event_id>/check-in/scan/<str:code>/", views.check_in_scan_view, name="scan"),
    path("<uuid:event_id>/calendar.ics", views.event_calendar_view, name="event_calendar"),
    path("<uuid:event_id>/programme/", views.programme_view, name="programme"),
    path("booking/<str:token>/calendar.ics", views.booking_calendar_view, name="booking_calendar"),
    path("booking/<str:token>/agenda/", views.agenda_view, name="agenda"),
    path(
        "booking/<str:token>/certificate.pdf",
        views.booking_certificate_view,
        name="certificate",
    ),
    path(
        "feeds/<uuid:partnership_id>/events.ics",
        views.partnership_feed_view,
        name="partnership_feed",
    ),
]
