"""Writes to people, roles, MFA devices and API tokens."""

from __future__ import annotations

from datetime import timedelta

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


API_TOKEN_DEFAULT_DAYS = 90
API_TOKEN_MAX_DAYS = 366


@transaction.atomic
def api_token_create(
    *,
    user: User,
    name: str,
    read_only: bool = False,
    expires_in_days: int = API_TOKEN_DEFAULT_DAYS,
) -> tuple[ApiToken, str]:
    """A new token for `user`; the raw token is returned once and never stored.

    Every token expires: after `expires_in_days` (1 to 366, 90 unless given). A read-only token
    may only read (GET, HEAD, OPTIONS).
    """
    if not user.is_active:
        raise ApplicationError("This account is deactivated.")
    name = name.strip()
    if not name:
        raise ApplicationError(
            "Give the token a name, so you know later what uses it.", field="name"
        )
    if not 1 <= expires_in_days <= API_TOKEN_MAX_DAYS:
        raise ApplicationError(
            f"A token lasts from 1 to {API_TOKEN_MAX_DAYS} days.", field="expires_in_days"
        )
    raw, key_hash = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        key_hash=key_hash,
        read_only=read_only,
        expires_at=timezone.now() + timedelta(days=expires_in_days),
    )
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
