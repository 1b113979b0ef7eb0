"""Setting up a provider's single sign-on, as the people who run Widen do it from the command
line (`widen students sso-configure`): the issuer's discovery document checked before anything
is saved, every change audited, and the client secret never shown.

The app itself is the one `provider_sign_on_configure` makes (allauth's `SocialApp`, provider
"openid_connect", provider id `ukprn-<UKPRN>`); the sign-in page shows its button at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from allauth.socialaccount.models import SocialApp
from django.db import transaction

from widen.audit.models import AuditAction
from widen.audit.services import audit_event_record
from widen.core.exceptions import ApplicationError
from widen.organisations.models import Organisation, OrganisationType
from widen.students.mine.single_sign_on import (
    OIDC,
    provider_id_for,
    provider_sign_on_configure,
)

DISCOVERY_PATH = "/.well-known/openid-configuration"
DISCOVERY_TIMEOUT_SECONDS = 10
OBJECT_TYPE = "socialaccount.socialapp"
# What the sign-in needs of the discovery document: where to send the student, where to fetch
# the tokens and the keys that sign them (Widen checks every ID token's RS256 signature).
ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")
SIGNING_ALGORITHM = "RS256"


@dataclass(frozen=True)
class SignOnSettings:
    """A provider's single sign-on as it is saved, without its secret."""

    organisation: Organisation
    provider_id: str
    name: str
    issuer: str
    client_id: str
    has_secret: bool

    def lines(self) -> list[str]:
        return [
            f"Single sign-on of {self.organisation.name} (UKPRN {self.organisation.ukprn}):",
            f"  provider id     {self.provider_id}",
            f"  name            {self.name}",
            f"  issuer          {self.issuer}",
            f"  client id       {self.client_id}",
            f"  client secret   {'set (never shown)' if self.has_secret else 'not set'}",
        ]


def issuer_normalised(issuer: str) -> str:
    """The issuer as Widen keeps it: an https:// address, no trailing slash, no query."""
    issuer = issuer.strip().rstrip("/")
    parts = urlsplit(issuer)
    if parts.scheme != "https" or not parts.hostname:
        raise ApplicationError(
            f"The issuer must be an https:// address (the provider's, e.g. "
            f"https://login.example.ac.uk/realms/students), not {issuer!r}.",
            field="issuer",
        )
    if parts.query or parts.fragment:
        raise ApplicationError(
            "The issuer is the provider's address without a query or fragment.", field="issuer"
        )
    if DISCOVERY_PATH in issuer:
        raise ApplicationError(
            f"Give the issuer itself, without {DISCOVERY_PATH}: Widen adds it.", field="issuer"
        )
    return issuer


def _https_url(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme == "https" and bool(parts.hostname)


def discovery_check(issuer: str) -> dict[str, Any]:
    """The issuer's OpenID Connect discovery document, fetched and checked as Widen will use it:
    reachable over HTTPS, JSON, naming this issuer, with https:// endpoints to sign in, fetch
    tokens and fetch keys, and RS256 among its signing algorithms. `ApplicationError` saying
    what is wrong otherwise."""
    issuer = issuer_normalised(issuer)
    url = f"{issuer}{DISCOVERY_PATH}"
    try:
        response = requests.get(url, timeout=DISCOVERY_TIMEOUT_SECONDS, allow_redirects=False)
    except requests.exceptions.SSLError as error:
        raise ApplicationError(
            f"Widen cannot trust the certificate of {url}: {_reason(error)}", field="issuer"
        ) from error
    except requests.RequestException as error:
        raise ApplicationError(f"Widen cannot reach {url}: {_reason(error)}", field="issuer") from (
            error
        )
    if response.status_code != 200:  # noqa: PLR2004
        raise ApplicationError(
            f"{url} answered HTTP {response.status_code}, not the discovery document: is "
            "the issuer right?",
            field="issuer",
        )
    try:
        document = response.json()
    except ValueError as error:
        raise ApplicationError(f"{url} did not answer with JSON.", field="issuer") from error
    if not isinstance(document, dict):
        raise ApplicationError(f"{url} did not answer with a JSON object.", field="issuer")
    named = document.get("issuer")
    if not isinstance(named, str) or named.rstrip("/") != issuer:
        raise ApplicationError(
            f"The discovery document at {url} names its issuer {named!r}, not {issuer!r}: "
            "give the issuer exactly as the provider names it.",
            field="issuer",
        )
    missing = [name for name in ENDPOINTS if not _https_url(document.get(name))]
    if missing:
        raise ApplicationError(
            f"The discovery document at {url} has no https:// {', '.join(missing)}.",
            field="issuer",
        )
    algorithms = document.get("id_token_signing_alg_values_supported") or []
    if not isinstance(algorithms, list) or SIGNING_ALGORITHM not in algorithms:
        raise ApplicationError(
            f"The provider at {issuer} does not sign ID tokens with {SIGNING_ALGORITHM} "
            f"(it offers {algorithms!r}), and Widen accepts only those.",
            field="issuer",
        )
    return document


def _reason(error: Exception) -> str:
    """What went wrong on the network, in the operating system's words where it gave some
    ("Connection refused", "Name or service not known", "certificate verify failed: ...")."""
    if isinstance(error, requests.Timeout):
        return f"no answer within {DISCOVERY_TIMEOUT_SECONDS} seconds"
    text = str(error)
    for pattern in (r"(certificate verify failed: [^'\"()]+)", r"\[Errno -?\d+\] ([^'\"()]+)"):
        found = re.search(pattern, text)
        if found:
            return found.group(1).strip()
    return (text.splitlines()[0] if text else type(error).__name__)[:300]


def _require_provider(organisation: Organisation) -> None:
    if organisation.organisation_type != OrganisationType.HE_PROVIDER or not organisation.ukprn:
        raise ApplicationError(
            f"{organisation.name} is not an HE provider with a UKPRN: only those sign their "
            "students in.",
            field="provider",
        )


def _app_of(organisation: Organisation) -> SocialApp | None:
    return SocialApp.objects.filter(
        provider=OIDC, provider_id=provider_id_for(organisation)
    ).first()


def _settings_of(organisation: Organisation, app: SocialApp) -> SignOnSettings:
    return SignOnSettings(
        organisation=organisation,
        provider_id=app.provider_id,
        name=app.name,
        issuer=str((app.settings or {}).get("server_url", "")),
        client_id=app.client_id,
        has_secret=bool(app.secret),
    )


def provider_sign_on_show(*, organisation: Organisation) -> SignOnSettings | None:
    """`organisation`'s single sign-on as saved (never its secret), or None."""
    _require_provider(organisation)
    app = _app_of(organisation)
    return _settings_of(organisation, app) if app is not None else None


def provider_sign_on_set(
    *,
    organisation: Organisation,
    issuer: str,
    client_id: str,
    secret: str,
    name: str = "",
) -> tuple[SignOnSettings, bool]:
    """Give `organisation` its single sign-on, or change it, once the issuer's discovery
    document checks out (nothing is saved otherwise). Audited, naming what changed (never its
    values). Answers the settings saved and whether any were new."""
    _require_provider(organisation)
    client_id, secret, name = client_id.strip(), secret.strip(), name.strip()
    if not client_id:
        raise ApplicationError(
            "Give the client id the provider registered Widen as.", field="client_id"
        )
    if not secret:
        raise ApplicationError("The client secret is empty.", field="client_secret")
    issuer = issuer_normalised(issuer)
    discovery_check(issuer)  # before the transaction: no database lock held while it waits
    with transaction.atomic():
        before = _app_of(organisation)
        old = (
            {
                "name": before.name,
                "server_url": (before.settings or {}).get("server_url"),
                "client_id": before.client_id,
                "secret": before.secret,
            }
            if before is not None
            else {}
        )
        app = provider_sign_on_configure(
            organisation=organisation, server_url=issuer, client_id=client_id, secret=secret
        )
        if name and app.name != name:
            app.name = name
            app.save(update_fields=["name"])
        new = {
            "name": app.name,
            "server_url": issuer,
            "client_id": app.client_id,
            "secret": app.secret,
        }
        changed = sorted(key for key in new if old.get(key) != new[key])
        if changed:
            audit_event_record(
                action=AuditAction.UPDATE if before is not None else AuditAction.CREATE,
                object_type=OBJECT_TYPE,
                object_id=app.pk,
                learner_id=None,
                organisation_id=organisation.pk,
                changed_fields=changed,
            )
    return _settings_of(organisation, app), bool(changed)


@transaction.atomic
def provider_sign_on_remove(*, organisation: Organisation) -> bool:
    """Take away `organisation`'s single sign-on (its students sign in by link again; the
    accounts they signed in with stay). Audited. Answers whether there was one."""
    _require_provider(organisation)
    app = _app_of(organisation)
    if app is None:
        return False
    pk = app.pk
    app.delete()
    audit_event_record(
        action=AuditAction.DELETE,
        object_type=OBJECT_TYPE,
        object_id=pk,
        learner_id=None,
        organisation_id=organisation.pk,
    )
    return True
