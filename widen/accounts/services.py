"""Writes to people, roles, MFA devices and API tokens."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from widen.accounts.models import ApiToken, Membership, User
from widen.core.exceptions import ApplicationError
from widen.organisations.models import Organisation


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    is_staff: bool = False,
    is_superuser: bool = False,
    check_password: bool = True,
) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(f"The username {username!r} is taken.", field="username")
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def membership_set(*, user: User, organisation: Organisation, role: str) -> Membership:
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    membership.full_clean()
    return membership


@transaction.atomic
def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; the raw token is returned once and never stored."""
    if not user.is_active:
        raise ApplicationError("This account is deactivated.")
    raw, key_hash = ApiToken.new_key()
    token = ApiToken.objects.create(user=user, name=name[:100], key_hash=key_hash)
    return token, raw


def api_token_revoke(*, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at", "updated_at"])


@transaction.atomic
def totp_device_create(
    *, user: User, confirmed: bool = False, key: str | None = None
) -> TOTPDevice:
    """Start (or, for the demo, finish) MFA set-up: one TOTP device per person."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    fields = {"user": user, "name": "Authenticator app", "confirmed": confirmed}
    if key:
        fields["key"] = key
    return TOTPDevice.objects.create(**fields)


@transaction.atomic
def user_deactivate(*, user: User) -> None:
    """Deactivate and end every session at once (SECURITY 8)."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    from django.contrib.sessions.models import Session  # noqa: PLC0415

    for session in Session.objects.filter(expire_date__gte=timezone.now()):
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
