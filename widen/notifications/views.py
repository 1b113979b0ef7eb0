"""The signed-in person's notifications and choices; stopping e-mails from a link in one."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from widen.accounts.requests import AuthenticatedRequest
from widen.core.exceptions import ApplicationError, NotFound
from widen.notifications.forms import PreferencesForm
from widen.notifications.models import ESSENTIAL_CATEGORIES, Category
from widen.notifications.selectors import notification_get, notification_list, unread_count
from widen.notifications.services import (
    address_preference_set,
    notification_mark_read,
    notifications_mark_all_read,
    preference_set,
    preferences_of,
)
from widen.notifications.stop_links import stop_read

PAGE_SIZE = 25


@require_http_methods(["GET"])
def notification_list_view(request: AuthenticatedRequest) -> HttpResponse:
    notifications = notification_list(actor=request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread": unread_count(actor=request.user)},
    )


@require_http_methods(["GET"])
def notification_detail_view(request: AuthenticatedRequest, notification_id: UUID) -> HttpResponse:
    notification = notification_get(actor=request.user, notification_id=notification_id)
    was_unread = not notification.is_read
    notification_mark_read(actor=request.user, notification=notification)
    return render(
        request,
        "notifications/detail.html",
        {"notification": notification, "was_unread": was_unread},
    )


@require_POST
def notifications_mark_all_read_view(request: AuthenticatedRequest) -> HttpResponse:
    marked = notifications_mark_all_read(actor=request.user)
    if marked:
        messages.success(
            request, f"Marked {marked} notification{'' if marked == 1 else 's'} as read."
        )
    return redirect("notifications:list")


@require_http_methods(["GET", "POST"])
def preferences_view(request: AuthenticatedRequest) -> HttpResponse:
    current = preferences_of(actor=request.user)
    # Every box unticked sends an empty form: still a submission.
    form = PreferencesForm(request.POST if request.method == "POST" else None, current=current)
    if request.method == "POST" and form.is_valid():
        for category, enabled in form.cleaned_data.items():
            if current.get(category) != enabled:
                preference_set(actor=request.user, category=category, enabled=enabled)
        messages.success(request, "Your choices are saved.")
        return redirect("notifications:preferences")
    essential = [category for category in Category if category in ESSENTIAL_CATEGORIES]
    return render(request, "notifications/preferences.html", {"form": form, "essential": essential})


@login_not_required
@csrf_exempt  # mail programs stop a list with a plain POST (RFC 8058); the signed link is the key
@require_http_methods(["GET", "POST"])
def stop_view(request: HttpRequest, token: str) -> HttpResponse:
    """Stop one optional category of e-mails to the address the link was sent to. Opening the
    link only asks (mail scanners open links); the button stops them."""
    email, category_value = stop_read(token)
    try:
        category = Category(category_value)
    except ValueError as error:
        raise NotFound("This link is not valid.") from error
    stopped = False
    if request.method == "POST":
        try:
            address_preference_set(email=email, category=category, enabled=False)
        except ApplicationError as error:
            raise NotFound("This link is not valid.") from error
        stopped = True
    return render(
        request,
        "notifications/stop.html",
        {"email": email, "category": category, "stopped": stopped},
    )
