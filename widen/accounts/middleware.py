"""Session lifetime and enforced MFA for every signed-in person (SECURITY 5, 8)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from widen.accounts.sign_in_links import link_session_complete

SESSION_STARTED_KEY = "widen_session_started_at"

# Paths a password-only session may reach: finishing MFA (with a code, or a passkey and its
# script's translations), signing out, health and static files. Adding a passkey is not among them.
MFA_EXEMPT_URL_NAMES = (
    "accounts:mfa_verify",
    "accounts:mfa_setup",
    "accounts:logout",
    "accounts:login",
    "otp_webauthn:credential-authentication-begin",
    "otp_webauthn:credential-authentication-complete",
    "otp_webauthn:js-i18n-catalog",
)
MFA_EXEMPT_PREFIXES = ("/static/", "/healthz", "/api/")


class SessionLifetimeMiddleware:
    """End sessions older than the absolute lifetime; the idle limit is the cookie age."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = time.time()
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
            elif now - float(started) > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return redirect(
                    f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}"
                )
        return self.get_response(request)


class MfaRequiredMiddleware:
    """A password alone reaches nothing but the MFA pages.

    Someone without a staff role who signed in by a one-time link
    (`widen.accounts.sign_in_links`) and has set up no second factor is complete as they are: the
    link proved their address. Once they set one up, the next sign-in by link asks for it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._exempt_paths: set[str] | None = None

    def _exempt(self, path: str) -> bool:
        if self._exempt_paths is None:
            self._exempt_paths = {reverse(name) for name in MFA_EXEMPT_URL_NAMES}
        return path in self._exempt_paths or path.startswith(MFA_EXEMPT_PREFIXES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        verified = getattr(user, "is_verified", lambda: False)()
        if user.is_authenticated and not verified and link_session_complete(request):
            user.is_verified = lambda: True  # type: ignore[attr-defined]
            verified = True
        if user.is_authenticated and not verified and not self._exempt(request.path):
            target = reverse("accounts:mfa_verify")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
