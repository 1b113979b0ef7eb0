"""The pages of a provider's single sign-on: leaving for the provider, coming back from it, and
the adapter that lets allauth sign in nobody but a current student of that provider.

Only allauth's OpenID Connect flow is used: its account pages (signing up, passwords) are not
routed, and staff keep Widen's own sign-in with a password and authenticator app.
"""

from __future__ import annotations

from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from widen.accounts.sign_in_links import link_sign_in
from widen.organisations.models import Organisation
from widen.students.mine.single_sign_on import SignOnRefusedError, organisation_for, sign_on_account


class VerifiedOpenIDConnectAdapter(OpenIDConnectOAuth2Adapter):
    """allauth's OpenID Connect client, always checking the ID token's signature against the
    provider's published keys (allauth may skip it for a token fetched over TLS)."""

    def _decode_id_token(self, app: SocialApp, id_token: str) -> dict[str, Any]:
        return dict(
            jwtkit.verify_and_decode(
                credential=id_token,
                keys_url=self.openid_config["jwks_uri"],
                issuer=self.openid_config["issuer"],
                audience=app.client_id,
                lookup_kid=jwtkit.lookup_kid_jwk,
                verify_signature=True,
            )
        )


def _refused(
    request: HttpRequest, organisation: Organisation | None, reason: str, status: int = 403
) -> HttpResponse:
    return render(
        request,
        "students/mine/sign_on_refused.html",
        {"organisation": organisation, "reason": reason},
        status=status,
    )


class StudentSignOnAdapter(DefaultSocialAccountAdapter):
    """Signs in a current student of the provider whose app it is, and nobody else."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False  # every account is found or made in `pre_social_login`

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        account = sociallogin.account
        organisation = organisation_for(account.provider)
        claims = dict((account.extra_data or {}).get("id_token") or {})
        known = sociallogin.user if sociallogin.is_existing else None
        try:
            user = sign_on_account(organisation=organisation, claims=claims, known=known)
        except SignOnRefusedError as refusal:
            raise ImmediateHttpResponse(
                _refused(request, organisation, refusal.reason)
            ) from refusal
        if not sociallogin.is_existing:
            sociallogin.user = user
            sociallogin.save(request, connect=True)
        target = reverse("my_student:record")
        if link_sign_in(request, user):
            target = f"{reverse('accounts:mfa_verify')}?{urlencode({'next': target})}"
        raise ImmediateHttpResponse(redirect(target))

    def on_authentication_error(
        self,
        request: HttpRequest,
        provider: Any,
        error: Any = None,
        exception: Any = None,
        extra_context: Any = None,
    ) -> None:
        """The provider refused, the person turned back, or its answer did not check out."""
        provider_id = getattr(getattr(provider, "app", None), "provider_id", "") or ""
        raise ImmediateHttpResponse(
            _refused(request, organisation_for(provider_id), "failed", status=400)
        )


def _provider_app_or_404(request: HttpRequest, provider_id: str) -> None:
    if organisation_for(provider_id) is None:
        raise Http404("No such provider.")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def sign_on_start(request: HttpRequest, provider_id: str) -> HttpResponse:
    """ "Sign in with PROVIDER": off to the provider (a POST from the sign-in page; a GET is sent
    back to that page)."""
    _provider_app_or_404(request, provider_id)
    if request.method == "GET":
        return redirect("my_student:sign_in")
    try:
        view = OAuth2LoginView.adapter_view(VerifiedOpenIDConnectAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist as missing:
        raise Http404("No such provider.") from missing


@login_not_required
@never_cache
@require_http_methods(["GET"])
def sign_on_return(request: HttpRequest, provider_id: str) -> HttpResponse:
    """Back from the provider: the code is exchanged for a signed ID token, checked, and the
    student signed in (or refused)."""
    _provider_app_or_404(request, provider_id)
    try:
        view = OAuth2CallbackView.adapter_view(VerifiedOpenIDConnectAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist as missing:
        raise Http404("No such provider.") from missing
