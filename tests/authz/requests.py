"""Sending a cell's request as its person, and checking what it changed and what it carried."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core import serializers
from django.test import Client

from conftest import signed_in_client
from tests.authz.matrix import Cell
from tests.authz.rules import ANONYMOUS
from widen.learners.models import ConsentRecord, Learner, ParentCarer
from widen.programmes.models import Enrolment
from widen.testing.world import World


def _checksum(rows: list[Any]) -> str:
    return hashlib.sha256(serializers.serialize("json", rows).encode()).hexdigest()


def learner_data_checksum() -> str:
    return _checksum(
        [
            *Learner.objects.order_by("id"),
            *ParentCarer.objects.order_by("id"),
            *ConsentRecord.objects.order_by("id"),
        ]
    )


def enrolment_checksum() -> str:
    return _checksum(list(Enrolment.objects.order_by("id")))


def client_for_role(world: World, role: str, cache: dict[str, Client]) -> Client:
    if role not in cache:
        cache[role] = Client() if role == ANONYMOUS else signed_in_client(world.users[role])
    return cache[role]


def send(client: Client, world: World, cell: Cell, url: str, body: dict[str, Any]) -> Any:
    """The cell's request: a page's with the person's session, the API's with their token."""
    if cell.api:
        headers = {} if cell.anonymous else {"Authorization": f"Bearer {world.tokens[cell.role]}"}
        client = Client()  # the API authenticates by token alone, never by session
        if cell.method == "GET":
            return client.get(url, headers=headers)
        return client.generic(
            cell.method, url, json.dumps(body), content_type="application/json", headers=headers
        )
    if cell.method == "GET":
        return client.get(url)
    if cell.method == "POST":
        return client.post(url, body)
    return client.generic(cell.method, url)


def assert_security_headers(response: Any, where: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp, f"{where}: CSP lacks {directive}"
    assert "unsafe-inline" not in csp, f"{where}: CSP allows unsafe-inline"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy"), where
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin", where
    assert response.headers.get("Cache-Control") == "no-store", where
