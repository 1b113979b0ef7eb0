"""The "Your passkeys" pages (linked from "My record"): one's own passkeys, and removing one
after a confirmation. Staff, and anyone asking for another person's passkey, get 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp_webauthn.models import WebAuthnCredential

from widen.accounts.requests import AuthenticatedRequest
from widen.accounts.sign_in_links import LINK_SESSION_KEY
from widen.core.exceptions import NotFound
from widen.students.mine.passkeys import (
    may_keep_passkeys,
    my_passkey_get,
    my_passkey_remove,
    my_passkeys,
    second_factors_besides,
)


@never_cache
@require_http_methods(["GET"])
def my_passkeys_view(request: AuthenticatedRequest) -> HttpResponse:
    """The person's own passkeys: a name, when each was added and last used."""
    if not may_keep_passkeys(request.user):
        raise NotFound
    return render(
        request, "students/mine/passkeys.html", {"passkeys": list(my_passkeys(actor=request.user))}
    )


def _signed_in_with(request: AuthenticatedRequest, passkey: WebAuthnCredential) -> bool:
    """Whether this session's second factor (or sign-in) was `passkey`."""
    device = getattr(request.user, "otp_device", None)
    return device is not None and device.persistent_id == passkey.persistent_id


@never_cache
@require_http_methods(["GET", "POST"])
def my_passkey_remove_view(request: AuthenticatedRequest, passkey_id: int) -> HttpResponse:
    """Remove a passkey of one's own: the page asks first, the button removes it."""
    passkey = my_passkey_get(actor=request.user, passkey_id=passkey_id)
    if request.method == "GET":
        return render(
            request,
            "students/mine/passkey_remove.html",
            {
                "passkey": passkey,
                "other_passkeys": my_passkeys(actor=request.user).exclude(pk=passkey.pk).count(),
                "other_factors": second_factors_besides(actor=request.user, passkey=passkey),
            },
        )
    signed_in_with_it = _signed_in_with(request, passkey)
    second_factor_left = my_passkey_remove(actor=request.user, passkey=passkey)
    if signed_in_with_it and not request.session.get(LINK_SESSION_KEY) and not second_factor_left:
        # Signed in with this passkey alone, and nothing is left to confirm the session with:
        # the next sign-in is by link.
        logout(request)
        messages.success(
            request, "Your passkey is removed. To sign in again, ask for a link by e-mail."
        )
        return redirect("my_student:sign_in")
    messages.success(
        request,
        "The passkey is removed."
        + (
            " Each sign-in with a link still asks for your other passkey or authenticator app."
            if second_factor_left
            else " You can still sign in with a link sent to your e-mail address."
        ),
    )
    return redirect("my_student:passkeys")
