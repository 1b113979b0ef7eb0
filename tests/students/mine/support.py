"""Students who sign in by link, in tests: a record to find, asking for a link, opening it."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse

from widen.core import request_context
from widen.organisations.models import Organisation
from widen.students.models import Student

LINK = re.compile(r"https?://[^\s]+(/my/sign-in/[A-Za-z0-9_-]+/)")


def student_at(organisation: Organisation, number: str, email: str, **fields: Any) -> Student:
    with request_context.bind(source="test"):
        return Student.objects.create(
            organisation=organisation,
            student_number=number,
            first_name=fields.pop("first_name", "Sam"),
            last_name=fields.pop("last_name", f"Student{number}"),
            email=email,
            **fields,
        )


def ask_for_link(client: Client, email: str, capture: Any) -> Any:
    with capture(execute=True):
        return client.post(reverse("my_student:sign_in"), {"email": email})


def links_sent_to(email: str) -> list[str]:
    """The sign-in links (paths) e-mailed to `email`, oldest first."""
    found = []
    for message in mail.outbox:
        if email.lower() in [to.lower() for to in message.to]:
            found.extend(LINK.findall(message.body))
    return found


def signed_in_by_link(email: str, capture: Any) -> Client:
    """A client signed in by a link e-mailed to `email` (which must be able to have one)."""
    client = Client()
    ask_for_link(client, email, capture)
    path = links_sent_to(email)[-1]
    response = client.post(path)
    assert response.status_code == 302, response.content.decode()[:500]
    return client
