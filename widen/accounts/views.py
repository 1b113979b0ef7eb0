"""Signing in, MFA set-up and verification, signing out."""

from __future__ import annotations

from uuid import UUID

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from widen.accounts.forms import ApiTokenForm, OtpForm, SignInForm
from widen.accounts.models import ApiToken
from widen.accounts.passkeys import has_passkey
from widen.accounts.requests import AuthenticatedRequest
from widen.accounts.services import api_token_create, api_token_revoke, totp_device_create
from widen.accounts.sign_in_links import link_session_complete
from widen.core.exceptions import ApplicationError


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


sign_in = login_not_required(SignInView.as_view())


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "You have signed out.")
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Second step of signing in: the person's passkey, or a code from their authenticator
    app."""
    if not user_has_device(request.user, confirmed=True):
        return redirect("accounts:mfa_setup")
    if request.user.is_verified():  # type: ignore[union-attr]
        return redirect(_next_url(request))
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
        if device is not None and device.verify_token(form.cleaned_data["otp_token"]):
            _complete_mfa(request, device)
            return redirect(_next_url(request))
        form.add_error(
            "otp_token", "That code is not right, or has already been used. Try the next one."
        )
    # A passkey, if the person has one, is offered first; the code form only to those with an app.
    return render(
        request,
        "accounts/mfa_verify.html",
        {
            "form": form,
            "next": _next_url(request),
            "has_passkey": has_passkey(request.user),
            "has_totp": TOTPDevice.objects.filter(user=request.user, confirmed=True).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """First sign-in: connect an authenticator app. Everyone must, before seeing any data."""
    if user_has_device(request.user, confirmed=True):
        return redirect("accounts:mfa_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = totp_device_create(user=request.user)  # type: ignore[arg-type]
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            _complete_mfa(request, device)
            messages.success(request, "Your authenticator app is set up.")
            return redirect(_next_url(request))
        form.add_error(
            "otp_token", "That code is not right. Check the time on your phone and try again."
        )
    qr_code = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/mfa_setup.html",
        {
            "form": form,
            "qr_code_data_uri": qr_code.svg_data_uri(scale=4),
            "secret": _base32_secret(device),
            "next": _next_url(request),
            # Someone signed in by link, with no staff role, may choose not to.
            "optional": link_session_complete(request),
        },
    )


def _complete_mfa(request: HttpRequest, device: TOTPDevice) -> None:
    """Mark the session verified and give it a new key, as signing in does.

    A session key someone planted or saw before the second factor must not become a verified
    session (session fixation; ASVS 7.2.4).
    """
    otp_login(request, device)
    request.session.cycle_key()


def _base32_secret(device: TOTPDevice) -> str:
    import base64  # noqa: PLC0415

    secret = base64.b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["GET", "POST"])
def api_tokens(request: AuthenticatedRequest) -> HttpResponse:
    """The signed-in person's API tokens: make one (shown once), see and revoke the others."""
    form = ApiTokenForm(request.POST or None)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        try:
            _, new_token = api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                read_only=form.cleaned_data["scope"] == "read",
                expires_in_days=form.cleaned_data["expires_in_days"],
            )
        except ApplicationError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user).order_by("-created_at")
    return render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "tokens": tokens, "new_token": new_token},
    )


@require_POST
def api_token_revoke_view(request: AuthenticatedRequest, token_id: UUID) -> HttpResponse:
    """Revoke one of the person's own tokens; anyone else's answers like a missing one."""
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    if token.revoked_at is None:
        api_token_revoke(token=token)
        messages.success(request, f"The token '{token.name}' is revoked: it no longer works.")
    return redirect("accounts:api_tokens")
