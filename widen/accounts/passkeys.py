"""Passkeys (WebAuthn, through django-otp-webauthn): a second factor for anyone, and a way back in
without a password for people without a staff role.

A passkey is an OTP device (`WebAuthnCredential`), so `django_otp.user_has_device` counts it:
once someone has one, a sign-in by link asks for it (`MfaRequiredMiddleware`). Signing in with a
passkey alone, no one signed in yet, works only for an account that holds no staff role: staff
keep their password and second factor (`has_staff_role`). Only starting and finishing a passkey
sign-in (and the script's translations) are open before the second factor; adding a passkey
needs a complete session.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest
from django.urls import path
from django.views.i18n import JavaScriptCatalog
from django_otp import login as otp_login
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from widen.accounts.sign_in_links import has_staff_role

DEVELOPMENT_HOSTS = frozenset({"localhost"})


class StaffSignInWithPassword(exceptions.OTPWebAuthnApiError):
    status_code = 403
    default_detail = (
        "This account works for an organisation: sign in with your password, then use your passkey."
    )
    default_code = "staff_sign_in_with_password"


class PasskeyHelper(WebAuthnHelper):
    """The package's helper, with http://localhost on any port allowed in development (the
    server a developer or a test runs), never in production."""

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request)
        self.request = request

    def get_allowed_origins(self) -> list[str]:
        origins = list(super().get_allowed_origins())
        if settings.PRODUCTION:
            return origins
        host = self.request.get_host().rsplit(":", 1)[0].lower()
        if host in DEVELOPMENT_HOSTS:
            origins.append(f"{self.request.scheme}://{self.request.get_host()}")
        return origins


def has_passkey(user: Any) -> bool:
    """Whether `user` has a passkey they can sign in with."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def _second_factor_given(request: HttpRequest, device: WebAuthnCredential) -> None:
    """Mark the session verified by `device` and give it a new key (no session key seen before
    the second factor becomes a verified one)."""
    otp_login(request, device)
    request.session.cycle_key()


def _session_verified(request: HttpRequest) -> bool:
    """Whether the session itself was verified by a device (a session signed in by link with no
    second factor passes the middleware without one)."""
    return getattr(request.user, "otp_device", None) is not None


class PasskeyRegistrationBegin(BeginCredentialRegistrationView):
    """Start adding a passkey to the signed-in, complete session's account."""


class PasskeyRegistrationComplete(CompleteCredentialRegistrationView):
    """Finish adding a passkey: the session is then verified by it, so the person is not asked
    for it straight away."""

    def post(self, *args: Any, **kwargs: Any) -> Any:
        response = super().post(*args, **kwargs)
        if response.status_code == 200 and not _session_verified(self.request):
            device = (
                WebAuthnCredential.objects.filter(user=self.request.user, confirmed=True)
                .order_by("-created_at")
                .first()
            )
            if device is not None:
                _second_factor_given(self.request, device)
        return response


class PasskeySignInBegin(BeginCredentialAuthenticationView):
    """Start signing in with a passkey (nobody signed in yet), or giving it as a second factor."""


class PasskeySignInComplete(CompleteCredentialAuthenticationView):
    """Finish: as a second factor for the person signed in, or as a sign-in of its own for an
    account that holds no staff role."""

    def check_device_usable(self, device: Any) -> None:
        super().check_device_usable(device)
        if not self.request.user.is_authenticated and has_staff_role(device.user):
            raise StaffSignInWithPassword()

    def complete_auth(self, device: Any) -> Any:
        if not self.request.user.is_authenticated:
            return super().complete_auth(device)  # signs in: the session gets a new key
        _second_factor_given(self.request, device)
        return device.user


app_name = "otp_webauthn"

urlpatterns = [
    path(
        "registration/begin/",
        PasskeyRegistrationBegin.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        PasskeyRegistrationComplete.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        login_not_required(PasskeySignInBegin.as_view()),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        login_not_required(PasskeySignInComplete.as_view()),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        login_not_required(JavaScriptCatalog.as_view(packages=["django_otp_webauthn"])),
        name="js-i18n-catalog",
    ),
]
