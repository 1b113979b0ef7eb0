"""Fixtures shared by every test: a small partnership world and signed-in clients."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from widen.accounts.models import User
from widen.testing.world import World, build_world


@pytest.fixture
def world(db: None) -> World:
    return build_world()


def signed_in_client(user: User, *, verified: bool = True) -> Client:
    """A client whose session has passed the password step and, if `verified`, MFA."""
    client = Client()
    client.force_login(user)
    if verified:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for() -> Callable[..., Client]:
    return signed_in_client
