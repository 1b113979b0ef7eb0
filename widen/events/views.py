"""Organisers' pages: the partnership's events, creating and changing them, their programme of
strands and talks, the bookings list (with access requirements for those allowed, logged) and
booking a whole group of learners."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.activities.models import Activity
from widen.core.academic_years import AcademicYear
from widen.core.details import details_given
from widen.core.exceptions import ApplicationError, NotFound
from widen.core.form_pages import Refused, carried_out, form_page
from widen.core.forms import add_service_error
from widen.events.forms import (
    CHOICE_FIELDS,
    EventForm,
    GroupBookingForm,
    PresenterForm,
    StrandForm,
    TalkForm,
)
from widen.events.models import BookingStatus, Event
from widen.events.permissions import MANAGE_BOOKINGS, event_policy
from widen.events.selectors import (
    adjustments_seen,
    booking_counts,
    bookings_for_event,
    event_for_manager,
    event_for_organiser,
    event_programme,
    events_for_user,
    may_manage,
    may_see_adjustments,
    unnamed_bookings,
)
from widen.events.services import (
    BOOKING_LINK_PATH,
    INVITATION_LINK_PATH,
    EventDetails,
    EventMade,
    booking_cancel_by_organiser,
    event_create,
    event_invitation_renew,
    event_update,
    group_booking_create,
    presenter_add,
    strand_create,
    talk_create,
)
from widen.learners.models import Learner, identifiable_condition
from widen.learners.saved_searches import (
    saved_search_get,
    saved_search_learners,
    saved_search_list,
)
from widen.organisations.models import Organisation, OrganisationType, Partnership

# The invitation link of an event just created or renewed, shown once on its page.
INVITATION_SESSION_KEY = "widen_event_invitation"


def _activities(partnership: Partnership) -> Any:
    return Activity.objects.filter(partnership=partnership).order_by("name")


def _remember_invitation(request: HttpRequest, event: Event, link: str) -> None:
    request.session[INVITATION_SESSION_KEY] = {
        "event": str(event.pk),
        "link": request.build_absolute_uri(link),
    }


def _saved(request: HttpRequest, made: EventMade, said: str) -> HttpResponse:
    """After an event is saved: keep a new invitation link to show once, say so, show the event."""
    if made.invitation_link:
        _remember_invitation(request, made.event, made.invitation_link)
    messages.success(request, said)
    return redirect("events:detail", event_id=made.event.pk)


def _event_form_page(
    request: HttpRequest,
    form: EventForm,
    save_event: Callable[..., EventMade],
    said: str,
    **context: Any,
) -> HttpResponse:
    """The form adding or changing an event. `save_event` is given the form's data and the
    service's common arguments (`actor`, `details`, `link_base`); `said` is the message once
    saved, where {title} stands for the event's title."""

    def save(data: dict[str, Any]) -> HttpResponse:
        made = save_event(
            data,
            actor=request.user,
            details=details_given(EventDetails, data),
            link_base=INVITATION_LINK_PATH,
        )
        return _saved(request, made, said.format(title=made.event.title))

    context["choice_fields"] = CHOICE_FIELDS
    return form_page(request, form, save, "events/event_form.html", context)


@require_GET
def event_list_view(request: AuthenticatedRequest) -> HttpResponse:
    events = events_for_user(request.user).order_by("-starts_at", "title")
    organising = list(event_policy.partnerships_organised_by(request.user).order_by("name"))
    return render(
        request,
        "events/event_list.html",
        {"events": events, "organising": organising, "organising_ids": {p.pk for p in organising}},
    )


@require_http_methods(["GET", "POST"])
def event_create_view(request: AuthenticatedRequest, partnership_id: UUID) -> HttpResponse:
    partnership = event_policy.partnership_for_create(request.user, partnership_id)
    organisers = event_policy.organisers_for(request.user, partnership)
    form = EventForm(
        request.POST if request.method == "POST" else None,
        organisers=organisers,
        activities=_activities(partnership),
    )
    return _event_form_page(
        request,
        form,
        lambda data, **given: event_create(
            partnership=partnership, organiser=data["organiser"], **given
        ),
        "Added {title}.",
        partnership=partnership,
        title=f"Add an event to {partnership.name}",
        button="Add event",
        back=reverse("events:list"),
    )


@require_http_methods(["GET", "POST"])
def event_edit_view(request: AuthenticatedRequest, event_id: UUID) -> HttpResponse:
    event = event_for_manager(request.user, event_id)
    initial = {
        name: getattr(event, name)
        for name in (
            "title",
            "kind",
            "description",
            "venue",
            "online_link",
            "audiences",
            "year_groups",
            "capacity",
            "co_created_with",
        )
    }
    initial.update(
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        is_public="yes" if event.is_public else "no",
        activity=event.activity_id,
    )
    form = EventForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        organisers=Organisation.objects.filter(pk=event.organiser_id),
        activities=_activities(event.partnership),
    )
    del form.fields["organiser"]
    return _event_form_page(
        request,
        form,
        lambda data, **given: event_update(event=event, **given),
        "Saved the changes to {title}.",
        event=event,
        title=f"Change {event.title}",
        button="Save changes",
        back=reverse("events:detail", kwargs={"event_id": event.pk}),
    )


@require_GET
def event_detail_view(request: AuthenticatedRequest, event_id: UUID) -> HttpResponse:
    event = event_for_organiser(request.user, event_id)
    invitation = request.session.get(INVITATION_SESSION_KEY)
    invitation_link = ""
    if invitation and invitation.get("event") == str(event.pk):
        invitation_link = invitation["link"]
        del request.session[INVITATION_SESSION_KEY]
    public_link = (
        request.build_absolute_uri(reverse("events:public_event", kwargs={"event_id": event.pk}))
        if event.is_public
        else ""
    )
    return render(
        request,
        "events/event_detail.html",
        {
            "report_url": _url_or_blank("evaluation_reports:event", event.pk),
            "event": event,
            "manages": may_manage(request.user, event),
            "counts": booking_counts(event),
            "talks": event_programme(event),
            "strands": event.strands.all(),
            "invitation_link": invitation_link,
            "public_link": public_link,
        },
    )


def _url_or_blank(name: str, event_id: UUID) -> str:
    """A page the day-of-event and evaluation pages give for this event, where there is one."""
    try:
        return reverse(name, kwargs={"event_id": event_id})
    except NoReverseMatch:
        return ""


@require_POST
def event_invitation_view(request: AuthenticatedRequest, event_id: UUID) -> HttpResponse:
    """A new invitation link for an invitation-only event; the old one stops working."""
    event = event_for_manager(request.user, event_id)
    made = carried_out(
        request,
        lambda: event_invitation_renew(
            actor=request.user, event=event, link_base=INVITATION_LINK_PATH
        ),
        "Made a new invitation link: the old one no longer works.",
    )
    if made is not Refused.REFUSED:
        _remember_invitation(request, made.event, made.invitation_link)
    return redirect("events:detail", event_id=event.pk)


@require_http_methods(["GET", "POST"])
def event_programme_view(request: AuthenticatedRequest, event_id: UUID) -> HttpResponse:
    """The event's strands and talks, with their presenters, and forms to add to them."""
    event = event_for_manager(request.user, event_id)
    action = request.POST.get("action", "")
    strands = event.strands.all()
    talks = event.talks.all().order_by("starts_at", "title")
    strand_form = StrandForm(request.POST if action == "strand" else None, prefix="strand")
    talk_form = TalkForm(request.POST if action == "talk" else None, strands=strands, prefix="talk")
    presenter_form = PresenterForm(
        request.POST if action == "presenter" else None, talks=talks, prefix="presenter"
    )
    if request.method == "POST":
        try:
            if action == "strand" and strand_form.is_valid():
                strand = strand_create(actor=request.user, event=event, **strand_form.cleaned_data)
                messages.success(request, f"Added the strand {strand.title}.")
                return redirect("events:talks", event_id=event.pk)
            if action == "talk" and talk_form.is_valid():
                talk = talk_create(actor=request.user, event=event, **talk_form.cleaned_data)
                messages.success(request, f"Added the talk {talk.title}.")
                return redirect("events:talks", event_id=event.pk)
            if action == "presenter" and presenter_form.is_valid():
                presenter = presenter_add(actor=request.user, **presenter_form.cleaned_data)
                messages.success(
                    request, f"Added {presenter.name} as a presenter of {presenter.talk.title}."
                )
                return redirect("events:talks", event_id=event.pk)
        except ApplicationError as error:
            form = {"strand": strand_form, "talk": talk_form, "presenter": presenter_form}[action]
            add_service_error(form, error)
    return render(
        request,
        "events/event_programme.html",
        {
            "event": event,
            "talks": event_programme(event),
            "strands": strands,
            "strand_form": strand_form,
            "talk_form": talk_form,
            "presenter_form": presenter_form,
        },
    )


@require_http_methods(["GET", "POST"])
def event_bookings_view(request: AuthenticatedRequest, event_id: UUID) -> HttpResponse:
    """Everyone booked, waiting and cancelled. Access requirements and adjustments are shown
    only to the organising organisation's admins and outreach officers, and each view of them
    is written to the access log."""
    event = event_for_manager(request.user, event_id)
    if request.method == "POST":
        try:
            booking = event_policy.booking_get(
                request.user, event, request.POST.get("booking"), action=MANAGE_BOOKINGS
            )
        except NotFound:
            messages.error(request, "That booking is not one of this event's.")
        else:
            try:
                promoted = booking_cancel_by_organiser(actor=request.user, booking=booking)
            except ApplicationError as error:
                messages.error(request, error.message)
            else:
                text = f"Cancelled {booking.name}'s booking."
                if promoted is not None:
                    text += f" {promoted.name} moved from the waiting list to a place."
                messages.success(request, text)
        return redirect("events:bookings", event_id=event.pk)
    bookings = list(bookings_for_event(request.user, event))
    unnamed = unnamed_bookings(request.user, bookings)
    for booking in bookings:
        booking.unnamed = booking.pk in unnamed  # type: ignore[attr-defined]
    sees_adjustments = may_see_adjustments(request.user, event)
    if sees_adjustments:
        adjustments_seen(
            user=request.user,
            event=event,
            bookings=bookings,
            purpose=f"Event bookings: access requirements and adjustments for {event.title}",
        )
    # "Cancel" first asks: the booking named by ?cancel= is shown with a confirm button.
    cancel_id = request.GET.get("cancel")
    confirming = next(
        (b for b in bookings if str(b.pk) == cancel_id and b.status != BookingStatus.CANCELLED),
        None,
    )
    groups = [
        (status, label, [b for b in bookings if b.status == status])
        for status, label in (
            (BookingStatus.BOOKED, "Booked"),
            (BookingStatus.WAITING, "Waiting list"),
            (BookingStatus.CANCELLED, "Cancelled"),
        )
    ]
    return render(
        request,
        "events/event_bookings.html",
        {
            "event": event,
            "groups": groups,
            "counts": booking_counts(event),
            "sees_adjustments": sees_adjustments,
            "confirming": confirming,
        },
    )


def _named(user: Any) -> Any:
    return event_policy.named_learners(user)


def _group_learners(request: AuthenticatedRequest, data: dict[str, Any]) -> list[Learner]:
    # An anonymised record is never offered; a restricted learner's is, and the booking names
    # them as not booked, and why.
    named = _named(request.user).filter(identifiable_condition())
    if data["source"] == "school":
        found = named.filter(school=data["school"])
        if data.get("year_group"):
            first, last = AcademicYear.current().birth_dates_for(data["year_group"])
            found = found.filter(date_of_birth__gte=first, date_of_birth__lte=last)
    else:
        try:
            search = saved_search_get(actor=request.user, search_id=data["search"])
        except NotFound as error:
            raise ApplicationError("Choose one of your saved searches.", field="search") from error
        found = saved_search_learners(actor=request.user, search=search).filter(
            pk__in=named.values("pk")
        )
    return list(found.order_by("last_name", "first_name", "pk"))


@require_http_methods(["GET", "POST"])
def event_group_booking_view(request: AuthenticatedRequest, event_id: UUID) -> HttpResponse:
    """Book a whole group of learners: a school's pupils, or one of the person's saved searches,
    among those they may see by name; the service books only those their organisation holds."""
    event = event_for_organiser(request.user, event_id)
    schools = Organisation.objects.filter(
        pk__in=_named(request.user).values("school_id"),
        organisation_type=OrganisationType.SCHOOL,
    ).order_by("name")
    searches = [(str(s.pk), s.name) for s in saved_search_list(actor=request.user)]
    form = GroupBookingForm(
        request.POST if request.method == "POST" else None,
        schools=schools,
        searches=searches,
        initial={"contact_email": request.user.email, "source": "school"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            learners = _group_learners(request, form.cleaned_data)
            if not learners:
                raise ApplicationError("There are no learners you can see by name to book there.")
            outcome = group_booking_create(
                actor=request.user,
                event=event,
                learners=learners,
                contact_email=form.cleaned_data["contact_email"],
                link_base=request.build_absolute_uri(BOOKING_LINK_PATH),
            )
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, outcome.summary())
            return redirect("events:bookings", event_id=event.pk)
    return render(
        request,
        "events/group_booking.html",
        {"event": event, "form": form, "counts": booking_counts(event)},
    )
