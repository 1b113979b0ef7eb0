"""Public pages, no account needed: the public events list, an event's page with its booking
form (public events, or invitation-only ones through their invitation link), and a booking's
one-time link page to view, change or cancel it.

A link reaches exactly one booking; a wrong, old or malformed link gets the same page-not-found
answer as a missing one. Nothing here shows other people's bookings beyond whether places are
left. Bookings and changes are rate-limited per IP address.
"""

from __future__ import annotations

from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import is_ratelimited

from widen.core.details import details_given
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.forms import add_service_error
from widen.events.forms import BookingForm, CancelForm
from widen.events.models import BookingStatus, Event
from widen.events.selectors import (
    event_programme,
    invited_event,
    places_left,
    public_event,
    public_events,
)
from widen.events.services import (
    BOOKING_LINK_PATH,
    BookingDetails,
    booking_cancel,
    booking_change,
    booking_create,
    booking_for_link,
)

# Per IP address: bookings made, changes saved, cancellations. The settings
# WIDEN_EVENT_BOOKING_RATE and WIDEN_EVENT_CHANGE_RATE override these defaults.
BOOKING_RATE = "10/h"
CHANGE_RATE = "30/h"


def booking_rate() -> str:
    return str(getattr(settings, "WIDEN_EVENT_BOOKING_RATE", BOOKING_RATE))


def change_rate() -> str:
    return str(getattr(settings, "WIDEN_EVENT_CHANGE_RATE", CHANGE_RATE))


def _limited(request: HttpRequest, group: str, rate: str) -> bool:
    return is_ratelimited(request, group=group, key="ip", rate=rate, method="POST", increment=True)


def rate_limited(request: HttpRequest, what: str) -> HttpResponse:
    return render(request, "events/rate_limited.html", {"what": what}, status=429)


@login_not_required
@require_GET
def public_event_list_view(request: HttpRequest) -> HttpResponse:
    events = list(public_events()[:200])
    return render(
        request,
        "events/public_list.html",
        {"events": [(event, places_left(event)) for event in events]},
    )


def _event_page(request: HttpRequest, event: Event, *, form_action: str) -> HttpResponse:
    form = BookingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if _limited(request, "events.booking", booking_rate()):
            return rate_limited(request, "bookings")
        if form.is_valid():
            data = form.cleaned_data
            try:
                made = booking_create(
                    event=event,
                    details=details_given(BookingDetails, data),
                    link_base=request.build_absolute_uri(BOOKING_LINK_PATH),
                )
            except ApplicationError as error:
                add_service_error(form, error)
            else:
                # The link is shown this once (and e-mailed); only its digest is kept.
                return render(
                    request,
                    "events/booking_made.html",
                    {"event": event, "booking": made.booking, "link": made.link},
                )
    return render(
        request,
        "events/public_event.html",
        {
            "event": event,
            "form": form,
            "places_left": places_left(event),
            "talks": event_programme(event),
            "form_action": form_action,
        },
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def public_event_view(request: HttpRequest, event_id: UUID) -> HttpResponse:
    event = public_event(event_id)
    return _event_page(request, event, form_action=request.path)


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_view(request: HttpRequest, token: str) -> HttpResponse:
    event = invited_event(token)
    return _event_page(request, event, form_action=request.path)


def _url_or_blank(name: str, token: str) -> str:
    """A page of the day-of-event pages (agenda, calendar) for this booking, where there is one."""
    try:
        return reverse(name, kwargs={"token": token})
    except NoReverseMatch:
        return ""


@login_not_required
@require_http_methods(["GET", "POST"])
def booking_view(request: HttpRequest, token: str) -> HttpResponse:
    """The holder's booking: what they booked, their place, and a form to change it."""
    booking = booking_for_link(token)
    # Nothing is changed once the event is over (its adjustments are then removed).
    changeable = (
        booking.status != BookingStatus.CANCELLED and booking.event.ends_at > timezone.now()
    )
    initial = {
        "name": booking.name,
        "access_requirements": booking.access_requirements,
        "reasonable_adjustments": booking.reasonable_adjustments,
        "dietary_needs": booking.dietary_needs,
        "care_experienced": "yes" if booking.care_experienced else "no",
        "disabled": "yes" if booking.disabled else "no",
    }
    form = BookingForm(
        request.POST if request.method == "POST" else None, initial=initial, changing=True
    )
    if request.method == "POST" and changeable:
        if _limited(request, "events.booking_change", change_rate()):
            return rate_limited(request, "changes")
        if form.is_valid():
            data = form.cleaned_data
            try:
                booking_change(
                    booking=booking,
                    details=details_given(
                        BookingDetails,
                        data,
                        email=booking.email,
                        attendee_type=booking.attendee_type,
                        talk_ids=list(booking.agenda.values_list("pk", flat=True)),
                    ),
                )
            except ApplicationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, "Your booking has been changed.")
                return redirect(request.path)
    return render(
        request,
        "events/booking.html",
        {
            "booking": booking,
            "event": booking.event,
            "form": form,
            "changeable": changeable,
            "token": token,
            "agenda_url": _url_or_blank("checkin:agenda", token)
            if booking.event.talks.exists()
            else "",
            "calendar_url": _url_or_blank("checkin:booking_calendar", token),
        },
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def booking_cancel_view(request: HttpRequest, token: str) -> HttpResponse:
    """Cancel a booking, after a confirm step; a freed place goes to the first waiting."""
    booking = booking_for_link(token)
    back = f"{BOOKING_LINK_PATH}{token}/"
    if booking.status == BookingStatus.CANCELLED:
        messages.info(request, "This booking is already cancelled.")
        return redirect(back)
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if _limited(request, "events.booking_change", change_rate()):
            return rate_limited(request, "changes")
        if form.is_valid():
            if form.cleaned_data["confirm"] != "yes":
                messages.info(request, "Your booking has not been cancelled.")
                return redirect(back)
            try:
                booking_cancel(booking=booking)
            except (ApplicationError, NotFound) as error:
                messages.error(request, str(getattr(error, "message", error)))
            else:
                messages.success(request, "Your booking has been cancelled.")
            return redirect(back)
    return render(
        request,
        "events/booking_cancel.html",
        {"booking": booking, "event": booking.event, "form": form, "back": back},
    )
