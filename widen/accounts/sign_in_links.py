"""Signing in by a one-time link, for people without a staff role (students, mentors).

A link is made for an address (`sign_in_link_create`), e-mailed by whoever asked for it, and
opened once within `SignInLink.LIFETIME_MINUTES` (`sign_in_link_find`, then `sign_in_link_use`).
Only the token's SHA-256 is kept (`widen.core.links`). An account holding a staff role (any role
in an organisation, or Django's staff or superuser flags) never signs in by link: it keeps its
password and authenticator app, so a link can never stand in for its second factor.

A session signed in by link carries `LINK_SESSION_KEY`; `MfaRequiredMiddleware` lets it in
without a second factor only while the account has none set up and holds no staff role.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import user_has_device

from widen.accounts.models import Membership, SignInLink, User
from widen.core.exceptions import ApplicationError
from widen.core.links import link_lookup, link_token_new

LINK_SESSION_KEY = "widen_signed_in_by_link"
LINK_BACKEND = "django.contrib.auth.backends.ModelBackend"


class LinkNotUsableError(ApplicationError):
    """A real link that no longer signs anyone in: used already, or too old."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def has_staff_role(user: Any) -> bool:
    """Whether `user` works in Widen for an organisation (or runs it): such an account signs in
    with its password and authenticator app, never by link."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return Membership.objects.filter(user=user).exists()


def address_normalised(email: str) -> str:
    return email.strip().lower()


@transaction.atomic
def sign_in_link_create(*, email: str) -> tuple[SignInLink, str]:
    """A new link for `email`, valid for `SignInLink.LIFETIME_MINUTES`, and its token (shown
    once, in the e-mail). Earlier links for the address that were not used stop working."""
    address = address_normalised(email)
    now = timezone.now()
    SignInLink.objects.filter(email=address, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    fresh = link_token_new()
    link = SignInLink.objects.create(
        token_digest=fresh.digest,
        email=address,
        expires_at=now + timedelta(minutes=SignInLink.LIFETIME_MINUTES),
    )
    return link, fresh.token


def sign_in_link_find(token: str | None) -> SignInLink:
    """The link `token` opens, still usable; `NotFound` for a wrong token,
    `LinkNotUsableError` for a used or expired one."""
    link: SignInLink = link_lookup(SignInLink.objects.all(), token)
    _check_usable(link)
    return link


def _check_usable(link: SignInLink) -> None:
    if link.used_at is not None:
        raise LinkNotUsableError("This sign-in link has already been used.", reason="used")
    if link.expires_at <= timezone.now():
        raise LinkNotUsableError(
            f"This sign-in link was valid for {SignInLink.LIFETIME_MINUTES} minutes, and that "
            "time has passed.",
            reason="expired",
        )


@transaction.atomic
def sign_in_link_use(*, token: str | None, user: User) -> SignInLink:
    """Spend the link on `user`, once: a second use, even at the same moment, is refused."""
    link: SignInLink = link_lookup(SignInLink.objects.select_for_update(), token)
    _check_usable(link)
    if has_staff_role(user) or not user.is_active:
        raise LinkNotUsableError("This account signs in with its password.", reason="staff")
    spent = SignInLink.objects.filter(pk=link.pk, used_at__isnull=True).update(
        used_at=timezone.now(), user=user
    )
    if spent != 1:
        raise LinkNotUsableError("This sign-in link has already been used.", reason="used")
    link.refresh_from_db()
    return link


def link_account_create(*, email: str, first_name: str = "", last_name: str = "") -> User:
    """An account for someone signing in by link for the first time: named after their address,
    with no password (they never need one)."""
    address = address_normalised(email)
    base = address[:140]
    username = base
    while User.objects.filter(username__iexact=username).exists():
        username = f"{base}-{secrets.token_hex(2)}"
    user = User(username=username, email=address, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.save()
    return user


def link_sign_in(request: HttpRequest, user: User) -> bool:
    """Sign `user` in on `request` after a link; whether a second factor is still to be given
    (they set one up: the next step is `accounts:mfa_verify`)."""
    login(request, user, backend=LINK_BACKEND)
    request.session[LINK_SESSION_KEY] = True
    return user_has_device(user, confirmed=True)


def link_session_complete(request: HttpRequest) -> bool:
    """Whether `request`'s session, signed in by link, needs nothing more: the account has no
    second factor set up and holds no staff role."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if not request.session.get(LINK_SESSION_KEY):
        return False
    return not user_has_device(user, confirmed=True) and not has_staff_role(user)
