"""A person's own passkeys, for someone without a staff role (who adds them from "My record"):
listing them and removing one. Nobody sees or removes anyone else's: another person's passkey
answers as one that does not exist. Removing is audited as done by the person.

A passkey is their second factor when they sign in with a link, and a way to sign in without
one. Without any passkey (or authenticator app) left, a sign-in link alone signs them in again.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django_otp import devices_for_user, user_has_device
from django_otp_webauthn.models import WebAuthnCredential

from widen.accounts.sign_in_links import has_staff_role
from widen.audit.models import AuditAction
from widen.audit.services import audit_event_record
from widen.core import request_context
from widen.core.exceptions import NotFound


def may_keep_passkeys(actor: Any) -> bool:
    """Whether `actor` keeps their passkeys here: a signed-in person without a staff role (staff
    sign in with their password and authenticator app)."""
    return bool(getattr(actor, "is_authenticated", False)) and not has_staff_role(actor)


def my_passkeys(*, actor: Any) -> QuerySet[WebAuthnCredential]:
    """The signed-in person's own passkeys, the newest first (none for staff)."""
    if not may_keep_passkeys(actor):
        return WebAuthnCredential.objects.none()
    return WebAuthnCredential.objects.filter(user=actor, confirmed=True).order_by(
        "-created_at", "-pk"
    )


def my_passkey_get(*, actor: Any, passkey_id: Any) -> WebAuthnCredential:
    """One of the person's own passkeys; anyone else's (or none) is `NotFound`."""
    found = my_passkeys(actor=actor).filter(pk=passkey_id).first()
    if found is None:
        raise NotFound
    return found


def second_factors_besides(*, actor: Any, passkey: WebAuthnCredential) -> int:
    """How many second factors `actor` keeps once `passkey` is removed (passkeys and
    authenticator apps)."""
    return sum(
        1
        for device in devices_for_user(actor, confirmed=True)
        if device.persistent_id != passkey.persistent_id
    )


@transaction.atomic
def my_passkey_remove(*, actor: Any, passkey: WebAuthnCredential) -> bool:
    """Remove one of the person's own passkeys (audited); whether a second factor is left (a
    passkey or an authenticator app), which their next sign-in by link will ask for."""
    own = my_passkey_get(actor=actor, passkey_id=passkey.pk)  # refuses anyone else's
    with request_context.bind(actor=actor):
        audit_event_record(
            action=AuditAction.DELETE,
            object_type=WebAuthnCredential._meta.label_lower,
            object_id=own.pk,
            learner_id=None,
            organisation_id=None,
        )
        own.delete()
    return user_has_device(actor, confirmed=True)
