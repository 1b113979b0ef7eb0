from django.urls import path

from widen.events import public_views, views

app_name = "events"

urlpatterns = [
    # Organisers (signed in).
    path("", views.event_list_view, name="list"),
    path("partnerships/<uuid:partnership_id>/new/", views.event_create_view, name="create"),
    path("<uuid:event_id>/", views.event_detail_view, name="detail"),
    path("<uuid:event_id>/edit/", views.event_edit_view, name="edit"),
    path("<uuid:event_id>/invitation/", views.event_invitation_view, name="invitation_renew"),
    path("<uuid:event_id>/talks/", views.event_programme_view, name="talks"),
    path("<uuid:event_id>/bookings/", views.event_bookings_view, name="bookings"),
    path("<uuid:event_id>/bookings/group/", views.event_group_booking_view, name="group_booking"),
    # Public (no account): the paths match the links in booking and invitation e-mails.
    path("public/", public_views.public_event_list_view, name="public_list"),
    path("public/<uuid:event_id>/", public_views.public_event_view, name="public_event"),
    path("invitation/<str:token>/", public_views.invitation_view, name="invitation"),
    path("booking/<str:token>/", public_views.booking_view, name="booking"),
    path("booking/<str:token>/cancel/", public_views.booking_cancel_view, name="booking_cancel"),
]
