"""Pages for the day of an event and after it: check-in (list, search, QR code), calendar files,
CPD certificates, and the conference programme with each booking's personal agenda.

Organisers' pages answer anyone else with 404, as for a missing event. Pages reached by a
booking's one-time link answer a wrong link with 404 too, and are rate-limited by address.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit import ALL
from django_ratelimit.core import is_ratelimited

from widen.accounts.requests import AuthenticatedRequest
from widen.audit.services import access_log_record_subjects
from widen.core.downloads import NO_PERSONAL_DATA, AccessLog, file_download
from widen.core.exceptions import ApplicationError
from widen.events.agenda import agenda_choose, programme
from widen.events.calendars import (
    booking_calendar,
    event_calendar,
    partnership_calendar,
    partnership_feed_events,
    public_calendar_event,
)
from widen.events.certificates import certificate_pdf, certificate_refusal
from widen.events.checkin.services import (
    CheckInOutcome,
    booking_check_in,
    booking_check_in_undo,
    booking_for_checkin_code,
    booking_for_organiser,
    checkin_code,
    checkin_counts,
    checkin_search,
    event_for_checkin,
    shown_name,
    shown_names,
)
from widen.events.models import Booking, BookingStatus, Event, EventKind
from widen.events.selectors import (
    BOOKING_SUBJECT,
    adjustments_seen,
    has_adjustments,
    may_see_adjustments,
    unnamed_bookings,
)
from widen.events.services import booking_for_link
from widen.organisations.models import DataCategory

# Per connection (IP address). One-time links are 256-bit: the limits are against floods.
# The settings WIDEN_EVENT_LINK_RATE, WIDEN_EVENT_LINK_WRITE_RATE and WIDEN_EVENT_FEED_RATE
# override these defaults.
LINK_RATE = "120/m"
LINK_WRITE_RATE = "30/m"
FEED_RATE = "240/m"


def _rate(setting: str, default: str) -> Callable[[], str]:
    """The rate `setting` gives, read when a request comes, or else `default`."""
    return lambda: str(getattr(settings, setting, default))


link_rate = _rate("WIDEN_EVENT_LINK_RATE", LINK_RATE)
link_write_rate = _rate("WIDEN_EVENT_LINK_WRITE_RATE", LINK_WRITE_RATE)
feed_rate = _rate("WIDEN_EVENT_FEED_RATE", FEED_RATE)


View = Callable[..., HttpResponse]

SEARCH_MAX = 100
LIST_SHOWN = 500  # a door list longer than this is searched, not scrolled


# Helpers ---------------------------------------------------------------------------------------


def _over_limit(request: HttpRequest, group: str, rate: str) -> HttpResponse | None:
    """A 429 page when this connection has made too many of these requests, else None."""
    if is_ratelimited(request, group=group, key="ip", rate=rate, method=ALL, increment=True):
        return render(request, "events/checkin_rate_limited.html", status=429)
    return None


def _limited(group: str, rate: Callable[[], str]) -> Callable[[View], View]:
    """A view that answers 429 once this connection has made more than `rate()` of the group's
    requests (the rate is read on each request, so settings can change it)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def limited_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if refused := _over_limit(request, group, rate()):
                return refused
            return view(request, *args, **kwargs)

        return limited_view

    return decorate


def _booking_by_link(token: str) -> Booking:
    booking = booking_for_link(token)
    return Booking.objects.select_related("event__organiser").get(pk=booking.pk)


def _calendar_response(content: bytes, filename: str, *, attachment: bool) -> HttpResponse:
    """A calendar file: a public event, a partnership's feed or the holder's own booking, naming
    nobody else."""
    return file_download(
        content,
        file_name=filename,
        content_type="text/calendar; charset=utf-8",
        access_log=NO_PERSONAL_DATA,
        inline=not attachment,
    )


def _holders_own() -> None:
    """The access log of the holder's own certificate, reached through their one-time link: no
    one else sees it, so there is no one's access to record."""


def checkin_qr_uri(request: HttpRequest, booking: Booking) -> str:
    """The booking's check-in QR code, an SVG as a data URI: it opens the organisers' check-in page
    for this booking (its check-in code, never the one-time link's token)."""
    url = request.build_absolute_uri(
        reverse(
            "checkin:scan", kwargs={"event_id": booking.event_id, "code": checkin_code(booking)}
        )
    )
    return str(segno.make(url, error="m").svg_data_uri(scale=5, border=4))


def _tell(request: HttpRequest, outcome: CheckInOutcome, done: str) -> None:
    messages.success(request, done)
    if outcome.attendance_note:
        messages.warning(request, outcome.attendance_note)
    elif outcome.attendance_recorded:
        messages.info(request, "Their attendance is recorded in their learner journey.")


def _organisers_booking(
    request: AuthenticatedRequest, event_id: UUID, booking_id: UUID
) -> tuple[Event, Booking]:
    """The event the person checks people in at, and one of its bookings (404 when not theirs)."""
    event = event_for_checkin(actor=request.user, event_id=event_id)
    return event, booking_for_organiser(actor=request.user, event=event, booking_id=booking_id)


def _check_in(request: AuthenticatedRequest, booking: Booking) -> None:
    """Check the booking in and say how it went (or why it was refused) in a message."""
    try:
        outcome = booking_check_in(actor=request.user, booking=booking)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        _tell(request, outcome, f"{shown_name(request.user, booking)} is checked in.")


def _back_to_list(request: HttpRequest, event: Event, booking: Booking | None = None) -> Any:
    search = str(request.POST.get("q", ""))[:SEARCH_MAX]
    url = reverse("checkin:list", kwargs={"event_id": event.pk})
    if search:
        url += "?" + urlencode({"q": search})
    if booking is not None:
        url += f"#booking-{booking.pk}"
    return redirect(url)


# Check-in (organisers) -------------------------------------------------------------------------


@require_GET
def checkin_list_view(request: AuthenticatedRequest, event_id: UUID) -> HttpResponse:
    event = event_for_checkin(actor=request.user, event_id=event_id)
    search = " ".join(str(request.GET.get("q", "")).split())[:SEARCH_MAX]
    bookings = list(
        checkin_search(actor=request.user, event=event, search=search)[: LIST_SHOWN + 1]
    )
    names = shown_names(request.user, bookings)
    for booking in bookings:
        booking.shown_name = names[booking.pk]  # type: ignore[attr-defined]
    return render(
        request,
        "events/checkin_list.html",
        {
            "event": event,
            "search": search,
            "bookings": bookings[:LIST_SHOWN],
            "more": len(bookings) > LIST_SHOWN,
            "shown": LIST_SHOWN,
            "counts": checkin_counts(event=event),
            "is_cpd": event.kind == EventKind.CPD,
        },
    )


@require_POST
def check_in_view(request: AuthenticatedRequest, event_id: UUID, booking_id: UUID) -> HttpResponse:
    event, booking = _organisers_booking(request, event_id, booking_id)
    _check_in(request, booking)
    return _back_to_list(request, event, booking)


@require_POST
def check_in_undo_view(
    request: AuthenticatedRequest, event_id: UUID, booking_id: UUID
) -> HttpResponse:
    event, booking = _organisers_booking(request, event_id, booking_id)
    try:
        outcome = booking_check_in_undo(actor=request.user, booking=booking)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{shown_name(request.user, booking)}'s check-in is undone.")
        if outcome.attendance_recorded:
            messages.info(request, "Their attendance is no longer marked in their learner journey.")
    return _back_to_list(request, event, booking)


@require_http_methods(["GET", "POST"])
def check_in_scan_view(request: AuthenticatedRequest, event_id: UUID, code: str) -> HttpResponse:
    """What scanning a booking's QR code opens: the booking, and one button to check it in."""
    event = event_for_checkin(actor=request.user, event_id=event_id)
    booking = booking_for_checkin_code(actor=request.user, event=event, code=code)
    if request.method == "POST":
        _check_in(request, booking)
        return redirect("checkin:scan", event_id=event.pk, code=code)
    # At the door the organisers need the person's access requirements and adjustments
    # (special category data): shown to those who may see them, and each view logged.
    adjustments = has_adjustments(booking) and may_see_adjustments(request.user, event)
    if adjustments:
        adjustments_seen(
            user=request.user,
            event=event,
            bookings=[booking],
            purpose=f"Check-in: access requirements and adjustments for {event.title}",
        )
    return render(
        request,
        "events/checkin_scan.html",
        {
            "event": event,
            "booking": booking,
            "name": shown_name(request.user, booking),
            "counts": checkin_counts(event=event),
            "adjustments": adjustments,
        },
    )


@require_GET
def organiser_certificate_view(
    request: AuthenticatedRequest, event_id: UUID, booking_id: UUID
) -> HttpResponse:
    event, booking = _organisers_booking(request, event_id, booking_id)
    if booking.pk in unnamed_bookings(request.user, [booking]):
        # The certificate names the person: not for organisers who may not see their name.
        return render(
            request,
            "events/checkin_certificate_refused.html",
            {
                "event": booking.event,
                "reason": "This learner was booked by another organisation, so their "
                "certificate is theirs to download from their booking's page.",
            },
            status=409,
        )

    def logged() -> None:
        access_log_record_subjects(
            actor=request.user,
            subject_type=BOOKING_SUBJECT,
            subjects=[(booking.pk, booking.learner_id)],
            data_categories=[DataCategory.IDENTITY],
            purpose=f"Check-in: the attendance certificate of a booking for {event.title}",
            actor_organisation_id=event.organiser_id,
        )

    return _certificate_or_refusal(request, booking, status=409, access_log=logged)


def _certificate_or_refusal(
    request: HttpRequest, booking: Booking, *, status: int, access_log: AccessLog
) -> HttpResponse:
    refusal = certificate_refusal(booking)
    if refusal is None:
        try:
            certificate = certificate_pdf(booking)
        except ApplicationError as error:
            refusal = error.message
        else:
            return file_download(
                certificate.content,
                file_name=certificate.filename,
                content_type="application/pdf",
                access_log=access_log,
            )
    return render(
        request,
        "events/checkin_certificate_refused.html",
        {"event": booking.event, "reason": refusal},
        status=status,
    )


# Public: calendar files and the programme -------------------------------------------------------


@login_not_required
@require_GET
@_limited("event_day.calendar", feed_rate)
def event_calendar_view(request: HttpRequest, event_id: UUID) -> HttpResponse:
    event = public_calendar_event(event_id)
    page = request.build_absolute_uri(reverse("checkin:programme", kwargs={"event_id": event.pk}))
    return _calendar_response(
        event_calendar(event, page_url=page), f"event-{event.pk}.ics", attachment=True
    )


@login_not_required
@require_GET
@_limited("event_day.calendar", feed_rate)
def partnership_feed_view(request: HttpRequest, partnership_id: UUID) -> HttpResponse:
    partnership, events = partnership_feed_events(partnership_id)

    def page_for(event: Event) -> str:
        return request.build_absolute_uri(
            reverse("checkin:programme", kwargs={"event_id": event.pk})
        )

    content = partnership_calendar(partnership, events, page_url_for=page_for)
    return _calendar_response(content, "events.ics", attachment=False)


@login_not_required
@require_GET
@_limited("event_day.programme", feed_rate)
def programme_view(request: HttpRequest, event_id: UUID) -> HttpResponse:
    event = public_calendar_event(event_id)
    return render(
        request,
        "events/agenda_programme.html",
        {"event": event, "strands": programme(event)},
    )


# Public, by the booking's one-time link --------------------------------------------------------


@login_not_required
@require_GET
@_limited("event_day.booking_link", link_rate)
def booking_calendar_view(request: HttpRequest, token: str) -> HttpResponse:
    booking = _booking_by_link(token)
    agenda = request.build_absolute_uri(reverse("checkin:agenda", kwargs={"token": token}))
    return _calendar_response(
        booking_calendar(booking, page_url=agenda), "my-booking.ics", attachment=True
    )


@login_not_required
@require_GET
@_limited("event_day.booking_link", link_rate)
def booking_certificate_view(request: HttpRequest, token: str) -> HttpResponse:
    booking = _booking_by_link(token)
    return _certificate_or_refusal(request, booking, status=409, access_log=_holders_own)


@login_not_required
@require_http_methods(["GET", "POST"])
@_limited("event_day.booking_link", link_rate)
def agenda_view(request: HttpRequest, token: str) -> HttpResponse:
    """The holder's page for the day: their agenda (with the clash check), their check-in QR
    code, their calendar file and, at a CPD event, their certificate."""
    booking = _booking_by_link(token)
    event = booking.event
    error = ""
    chosen = {str(pk) for pk in booking.agenda.values_list("pk", flat=True)}
    if request.method == "POST":
        if limited := _over_limit(request, "event_day.agenda_save", link_write_rate()):
            return limited
        wanted = [str(value) for value in request.POST.getlist("talk")][:500]
        try:
            agenda_choose(booking=booking, talk_ids=wanted)
        except ApplicationError as refused:
            error = refused.message
            chosen = set(wanted)
        else:
            messages.success(request, "Your agenda is saved.")
            return redirect("checkin:agenda", token=token)
    context = {
        "booking": booking,
        "event": event,
        "token": token,
        "strands": programme(event),
        "chosen": chosen,
        "error": error,
        "booked": booking.status == BookingStatus.BOOKED,
        "cancelled": booking.status == BookingStatus.CANCELLED,
        "qr_data_uri": checkin_qr_uri(request, booking)
        if booking.status == BookingStatus.BOOKED and event.ends_at > timezone.now()
        else "",
        "is_cpd": event.kind == EventKind.CPD,
        "certificate_refusal": certificate_refusal(booking),
    }
    return render(request, "events/agenda_booking.html", context)
