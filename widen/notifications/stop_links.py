"""The link in an optional e-mail to a person without an account that stops e-mails like it.

The link carries the address and the category, signed with the site's secret key: only the
address it was sent to holds it, and nobody can make one for another address.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from widen.core.exceptions import NotFound

SALT = "widen.notifications.stop"


def stop_token(*, email: str, category: str) -> str:
    # No time in it: the same address and category always give the same link, which works for
    # as long as the e-mail is kept.
    return signing.Signer(salt=SALT).sign_object(
        {"e": email.strip().lower(), "c": str(category)}, compress=True
    )


def stop_url(*, email: str, category: str) -> str:
    """The absolute link, or "" when Widen does not know the address it is served at."""
    base = str(getattr(settings, "SITE_URL", "") or "").rstrip("/")
    if not base:
        return ""
    token = stop_token(email=email, category=category)
    return base + reverse("notifications:stop", kwargs={"token": token})


def stop_read(token: str) -> tuple[str, str]:
    """The address and category a link stops; a wrong or altered link answers `NotFound`."""
    try:
        value = signing.Signer(salt=SALT).unsign_object(token)
        email, category = str(value["e"]), str(value["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise NotFound("This link is not valid.") from error
    return email, category
