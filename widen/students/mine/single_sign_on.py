"""A provider's own single sign-on for its students (OpenID Connect, through django-allauth).

An HE provider may have an OpenID Connect app of its own: allauth's `SocialApp` with provider
"openid_connect" and the provider id `ukprn-<UKPRN>` (`provider_id_for`), its server URL in the
app's settings. Its button ("Sign in with PROVIDER") is on the students' sign-in page.

The provider signs the person in; Widen then signs them in only as a current student of that
provider: the ID token's e-mail must be verified and be the contact e-mail of one of the
provider's current student records (`students_current`), and no account with a staff role may
hold the address (staff keep their password and authenticator app). Every other answer is the
same refusal, telling nobody which addresses Widen knows. The account is the one the student's
record is linked to, or the one a sign-in link would sign in, or a new one; the session is
marked as a sign-in by link is (`widen.accounts.sign_in_links.link_sign_in`): the provider proved
who they are, so no second factor is asked for unless they set one up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialApp
from django.db import transaction
from django.urls import reverse

from widen.accounts.models import User
from widen.accounts.sign_in_links import address_normalised, has_staff_role, link_account_create
from widen.core import request_context
from widen.core.exceptions import ApplicationError
from widen.organisations.models import Organisation, OrganisationType
from widen.students.mine.selectors import students_current
from widen.students.mine.sign_in import link_holder_for
from widen.students.models import Student

OIDC = "openid_connect"
PROVIDER_ID_PREFIX = "ukprn-"


class SignOnRefusedError(ApplicationError):
    """The provider signed the person in, but Widen does not: `reason` is "unverified" (the
    provider did not confirm the address) or "refused" (every other case, told apart to nobody)."""

    def __init__(self, reason: str) -> None:
        super().__init__("Widen cannot sign you in with that address.")
        self.reason = reason


def provider_id_for(organisation: Organisation) -> str:
    """The allauth provider id of `organisation`'s OpenID Connect app."""
    return f"{PROVIDER_ID_PREFIX}{organisation.ukprn}"


def organisation_for(provider_id: str) -> Organisation | None:
    """The HE provider whose app `provider_id` is, or None."""
    if not provider_id.startswith(PROVIDER_ID_PREFIX):
        return None
    ukprn = provider_id.removeprefix(PROVIDER_ID_PREFIX)
    if not ukprn:
        return None
    return Organisation.objects.filter(
        organisation_type=OrganisationType.HE_PROVIDER, ukprn=ukprn
    ).first()


@transaction.atomic
def provider_sign_on_configure(
    *, organisation: Organisation, server_url: str, client_id: str, secret: str
) -> SocialApp:
    """Give `organisation` (an HE provider) its OpenID Connect app, or change it."""
    if organisation.organisation_type != OrganisationType.HE_PROVIDER or not organisation.ukprn:
        raise ApplicationError("Only an HE provider with a UKPRN signs its students in.")
    app, _ = SocialApp.objects.update_or_create(
        provider=OIDC,
        provider_id=provider_id_for(organisation),
        defaults={
            "name": organisation.name,
            "client_id": client_id,
            "secret": secret,
            "settings": {"server_url": server_url},
        },
    )
    return app


@dataclass(frozen=True)
class SignOnChoice:
    """A provider's button on the sign-in page."""

    organisation: Organisation
    login_url: str
    server_url: str

    @property
    def label(self) -> str:
        return f"Sign in with {self.organisation.name}"


def sign_on_choices() -> list[SignOnChoice]:
    """Every HE provider with an OpenID Connect app, by name."""
    apps = {
        app.provider_id: app
        for app in SocialApp.objects.filter(
            provider=OIDC, provider_id__startswith=PROVIDER_ID_PREFIX
        )
    }
    ukprns = [provider_id.removeprefix(PROVIDER_ID_PREFIX) for provider_id in apps]
    organisations = Organisation.objects.filter(
        organisation_type=OrganisationType.HE_PROVIDER, ukprn__in=ukprns
    ).exclude(ukprn="")
    return [
        SignOnChoice(
            organisation=organisation,
            login_url=reverse(
                "openid_connect_login", kwargs={"provider_id": provider_id_for(organisation)}
            ),
            server_url=str(apps[provider_id_for(organisation)].settings.get("server_url", "")),
        )
        for organisation in organisations.order_by("name")
    ]


def verified_address(claims: dict[str, Any]) -> str:
    """The e-mail address of an ID token's claims, if the provider says it verified it."""
    email = claims.get("email")
    verified = claims.get("email_verified")
    if isinstance(verified, str):
        verified = verified.strip().lower() == "true"
    if not isinstance(email, str) or not email.strip() or verified is not True:
        raise SignOnRefusedError("unverified")
    return address_normalised(email)


def _refuse_unless_usable(account: Any) -> None:
    if account is not None and (has_staff_role(account) or not account.is_active):
        raise SignOnRefusedError("refused")


@transaction.atomic
def sign_on_account(
    *, organisation: Organisation | None, claims: dict[str, Any], known: Any = None
) -> User:
    """The account a student signs in to through `organisation`'s single sign-on, the ID token
    saying `claims`: made on first use, with the provider's record linked to it (as done by
    them). `known` is the account this provider sign-in was linked to before, if any.
    `SignOnRefusedError` unless the address is verified and is a current student's of that
    provider, and held by no account with a staff role."""
    if organisation is None:
        raise SignOnRefusedError("refused")
    address = verified_address(claims)
    students = list(
        students_current()
        .filter(organisation=organisation, email__iexact=address)
        .select_related("user")
        .order_by("student_number")
    )
    if not students:
        raise SignOnRefusedError("refused")
    holder = link_holder_for(address)  # None for an address of a staff account
    if holder is None:
        raise SignOnRefusedError("refused")
    linked = [student.user for student in students if student.user is not None]
    user = linked[0] if linked else holder.user
    for account in (user, known):
        _refuse_unless_usable(account)
    if known is not None and user is not None and known.pk != user.pk:
        raise SignOnRefusedError("refused")  # this sign-in belongs to another account
    if user is None:
        first = students[0].preferred_name or students[0].first_name
        user = link_account_create(email=address, first_name=first, last_name=students[0].last_name)
    if not Student.objects.filter(user=user).exists():
        unlinked = [student for student in students if student.user_id is None]
        if unlinked:
            with request_context.bind(actor=user, source="web"):
                student = unlinked[0]
                student.user = user
                student.save(update_fields=["user", "updated_at"])
    return user


def origin_of(url: str) -> str:
    """The scheme and host of `url` ("" when it has none)."""
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"
