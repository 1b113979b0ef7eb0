"""Students' own pages: asking for a sign-in link, opening it, and "My record"."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import user_has_device
from django_ratelimit.core import is_ratelimited

from widen.accounts.passkeys import has_passkey
from widen.accounts.requests import AuthenticatedRequest
from widen.accounts.sign_in_links import (
    LINK_SESSION_KEY,
    LinkNotUsableError,
    has_staff_role,
    link_sign_in,
    sign_in_link_find,
)
from widen.audit.services import access_log_record_subjects
from widen.core.exceptions import NotFound
from widen.core.form_pages import form_page
from widen.organisations.models import DataCategory
from widen.students.mine.forms import MyDetailsForm, SignInLinkForm
from widen.students.mine.selectors import my_student_get, my_students
from widen.students.mine.services import STUDENT_CORRECTS, my_details_update
from widen.students.mine.sign_in import (
    link_target_after,
    sign_in_by_link,
    sign_in_link_request,
)
from widen.students.mine.single_sign_on import origin_of, sign_on_choices
from widen.students.models import DECLARED_FIELDS, Student

# Asking for links: per address (someone filling another's inbox) and per client address (someone
# trying many addresses). Beyond the first, the page answers as always and sends nothing; beyond
# the second, 429 until the hour is up.
LINK_RATE_PER_ADDRESS = "5/h"
LINK_RATE_PER_CLIENT = "30/h"
# Opening links, per client address (someone guessing tokens).
OPEN_RATE_PER_CLIENT = "60/m"


def _limited_by_client(request: HttpRequest, group: str, setting: str, default: str) -> bool:
    return bool(
        is_ratelimited(
            request,
            group=group,
            key="ip",
            rate=getattr(settings, setting, default),
            method="POST",
            increment=True,
        )
    )


def _limited_by_address(request: HttpRequest, email: str) -> bool:
    address_key = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return bool(
        is_ratelimited(
            request,
            group="students.sign_in_link.address",
            key=lambda group, request: address_key,
            rate=getattr(settings, "WIDEN_SIGN_IN_LINK_ADDRESS_RATE", LINK_RATE_PER_ADDRESS),
            method="POST",
            increment=True,
        )
    )


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "students/mine/too_many.html", status=429)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_view(request: HttpRequest) -> HttpResponse:
    """Ask for a sign-in link: the answer is the same whether or not the address is known."""
    if request.user.is_authenticated:
        return redirect("my_student:record")
    form = SignInLinkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _limited_by_client(
            request, "students.sign_in_link", "WIDEN_SIGN_IN_LINK_RATE", LINK_RATE_PER_CLIENT
        ):
            return _too_many(request)
        email = form.cleaned_data["email"]
        if not _limited_by_address(request, email):
            sign_in_link_request(email=email, site_url=request.build_absolute_uri("/"))
        return render(request, "students/mine/link_sent.html", {"email": email})
    providers = sign_on_choices()
    response = render(
        request, "students/mine/sign_in.html", {"form": form, "sign_on_choices": providers}
    )
    # A provider's button leaves for its own sign-in page (the form's redirect goes there).
    origins = sorted({origin_of(choice.server_url) for choice in providers} - {""})
    if origins:
        response._csp_update = {"form-action": origins}  # type: ignore[attr-defined]
    return response


def _unusable(request: HttpRequest, reason: str, status: int) -> HttpResponse:
    return render(request, "students/mine/link_unusable.html", {"reason": reason}, status=status)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link_view(request: HttpRequest, token: str) -> HttpResponse:
    """A sign-in link: its page asks the person to press "Sign in" (so a mail scanner opening
    the link does not spend it), which signs them in, once."""
    if request.method == "POST" and _limited_by_client(
        request, "students.sign_in_link.open", "WIDEN_SIGN_IN_LINK_OPEN_RATE", OPEN_RATE_PER_CLIENT
    ):
        return _too_many(request)
    try:
        sign_in_link_find(token)
        if request.method == "GET":
            return render(request, "students/mine/link_open.html", {"action": request.path})
        user = sign_in_by_link(token=token)
    except NotFound:
        return _unusable(request, "invalid", 404)
    except LinkNotUsableError as error:
        return _unusable(request, error.reason, 200)
    target = link_target_after(user)
    if link_sign_in(request, user):
        return redirect(f"{reverse('accounts:mfa_verify')}?{urlencode({'next': target})}")
    return redirect(target)


# --- My record ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeclaredItem:
    label: str
    value: str
    recorded_by: str
    recorded_at: Any
    source: str


def _value_text(name: str, raw: str) -> str:
    model_field = Student._meta.get_field(name)
    choices = dict(getattr(model_field, "choices", None) or [])
    if raw in choices:
        return str(choices[raw])
    return {"True": "Yes", "true": "Yes", "False": "No", "false": "No", "": "Not declared"}.get(
        raw, raw
    )


def _label(name: str) -> str:
    model_field = Student._meta.get_field(name)
    return str(getattr(model_field, "verbose_name", name)).capitalize()


def _who(user: Any, me: Any) -> str:
    if user is None:
        return "Your university or college"
    if user.pk == me.pk:
        return "You"
    return user.get_full_name() or user.username


def _declared(student: Student, me: Any) -> list[DeclaredItem]:
    return [
        DeclaredItem(
            label=_label(item.characteristic),
            value=_value_text(item.characteristic, item.value),
            recorded_by=_who(item.recorded_by, me),
            recorded_at=item.created_at,
            source=item.source,
        )
        for item in student.declarations.select_related("recorded_by")
        if item.characteristic in DECLARED_FIELDS
    ]


@never_cache
@require_http_methods(["GET"])
def my_record_view(request: AuthenticatedRequest) -> HttpResponse:
    """The signed-in person's own student records, every one, and nobody else's."""
    students = list(my_students(actor=request.user))
    records = [
        {
            "student": student,
            "history": [
                {"change": change, "recorded_by": _who(change.recorded_by, request.user)}
                for change in student.status_history.select_related("recorded_by")
            ],
            "declared": _declared(student, request.user),
        }
        for student in students
    ]
    if students:
        access_log_record_subjects(
            actor=request.user,
            subject_type="students.student",
            subjects=[(student.pk, None) for student in students],
            data_categories=DataCategory.values,
            purpose="The student's own record, seen by them",
        )
    offer_second_factor = bool(request.session.get(LINK_SESSION_KEY)) and not user_has_device(
        request.user, confirmed=True
    )
    passkey = has_passkey(request.user)
    return render(
        request,
        "students/mine/record.html",
        {
            "records": records,
            "offer_second_factor": offer_second_factor,
            # Someone without a staff role may add a passkey: a second factor and a way back in.
            "offer_passkey": not passkey and not has_staff_role(request.user),
            "has_passkey": passkey,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def my_details_view(request: AuthenticatedRequest, student_id: UUID) -> HttpResponse:
    """Correct one's preferred name, phone and term-time postcode on one record."""
    student = my_student_get(actor=request.user, student_id=student_id)
    form = MyDetailsForm(request.POST or None, instance=student)

    def save(data: dict[str, Any]) -> HttpResponse:
        student.refresh_from_db()
        changed = my_details_update(
            actor=request.user,
            student=student,
            **{name: data[name] for name in STUDENT_CORRECTS},
        )
        messages.success(
            request,
            f"Your details at {student.organisation.name} are saved."
            if changed
            else "Nothing was changed.",
        )
        return redirect("my_student:record")

    return form_page(
        request,
        form,
        save,
        "students/mine/details_form.html",
        {"student": student, "cancel": reverse("my_student:record")},
    )
