"""Asking for a sign-in link and opening it: who may have one, the e-mail, the first sign-in.

A link goes to an address that is the contact e-mail of a current student record, or of an
account without a staff role; to nobody else (the page asking says the same either way, so it
tells nobody which addresses Widen knows). Opening it signs the person in once; the first time,
it makes their account (named after the address, with no password) and links their record to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.urls import reverse

from widen.accounts.models import SignInLink, User
from widen.accounts.sign_in_links import (
    LinkNotUsableError,
    address_normalised,
    has_staff_role,
    link_account_create,
    sign_in_link_create,
    sign_in_link_find,
    sign_in_link_use,
)
from widen.core import request_context
from widen.notifications.models import Category
from widen.notifications.services import notify
from widen.students.mine.landing import landing_for
from widen.students.mine.selectors import students_at_address
from widen.students.models import Student


@dataclass
class LinkHolder:
    """Who a link to an address would sign in: an account (or one to make) and their records."""

    user: User | None
    students: list[Student] = field(default_factory=list)


def link_holder_for(email: str) -> LinkHolder | None:
    """Who a link sent to `email` signs in, or None: no such person, or an address of an account
    with a staff role (which signs in with its password and authenticator app)."""
    address = address_normalised(email)
    if not address:
        return None
    accounts = list(User.objects.filter(email__iexact=address))
    students = list(students_at_address(address).select_related("user"))
    linked = [student.user for student in students if student.user is not None]
    candidates = [*linked, *accounts]
    if any(has_staff_role(account) or not account.is_active for account in candidates):
        return None
    if linked:
        return LinkHolder(user=linked[0], students=students)
    if len(accounts) > 1:
        return None  # two accounts share the address: neither can be told apart by it
    if accounts:
        return LinkHolder(user=accounts[0], students=students)
    if students:
        return LinkHolder(user=None, students=students)
    return None


def sign_in_link_request(*, email: str, site_url: str) -> bool:
    """E-mail a sign-in link to `email` if it belongs to someone who may have one; whether one
    was sent (never shown to the person asking). `site_url` is where Widen is reached, as the
    request asking came (its host checked against ALLOWED_HOSTS)."""
    holder = link_holder_for(email)
    if holder is None:
        return False
    with transaction.atomic():
        link, token = sign_in_link_create(email=email)
        url = site_url.rstrip("/") + reverse("my_student:sign_in_link", kwargs={"token": token})
        notify(
            template="students/sign_in_link",
            category=Category.ACCOUNT,
            email=link.email,
            context={"url": url, "minutes": SignInLink.LIFETIME_MINUTES},
            secret=True,
        )
    return True


def _first_and_last(students: list[Student]) -> tuple[str, str]:
    for student in students:
        return (student.preferred_name or student.first_name), student.last_name
    return "", ""


@transaction.atomic
def sign_in_by_link(*, token: str | None) -> User:
    """Spend the link `token` and give the account it signs in: made on first use, with the
    person's current records linked to it (as done by them). `NotFound` for a wrong link,
    `LinkNotUsableError` for a used or expired one, or one whose address no longer signs
    anyone in."""
    email = sign_in_link_find(token).email
    holder = link_holder_for(email)
    if holder is None:
        raise LinkNotUsableError("This address can no longer sign in with a link.", reason="gone")
    user = holder.user
    if user is None:
        first, last = _first_and_last(holder.students)
        user = link_account_create(email=email, first_name=first, last_name=last)
    sign_in_link_use(token=token, user=user)
    if not Student.objects.filter(user=user).exists():
        unlinked = [student for student in holder.students if student.user_id is None]
        if unlinked:
            with request_context.bind(actor=user, source="web"):
                student = unlinked[0]
                student.user = user
                student.save(update_fields=["user", "updated_at"])
    return user


def link_target_after(user: Any) -> str:
    """Where someone goes once signed in by link: the first page an app registered for them
    (`widen.students.mine.landing`; a mentor's own mentoring), else their student record."""
    return landing_for(user) or reverse("my_student:record")
