"""A provider's own single sign-on: a student signs in through their university's OpenID Connect
provider (a real one, run on a local port: signed ID tokens, discovery, JWKS) and lands on their
record; anyone else the provider vouches for is refused, and nobody is signed in."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from tests.students.mine.oidc_provider import OidcProvider, query_of, running_provider
from tests.students.mine.support import student_at
from widen.accounts.models import Membership, Role, User
from widen.organisations.models import Organisation
from widen.students.mine.single_sign_on import provider_id_for, provider_sign_on_configure
from widen.students.models import Student
from widen.testing.world import World

pytestmark = pytest.mark.django_db

SAM = "Sam.Okafor@alpha.example.ac.uk"
REFUSED = "Widen cannot sign you in with the address"


def _return_url(organisation: Organisation) -> str:
    path = reverse("openid_connect_callback", kwargs={"provider_id": provider_id_for(organisation)})
    return f"http://testserver{path}"


@pytest.fixture
def provider(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[OidcProvider]:
    """Alpha University's own OpenID Connect provider, configured in Widen as its sign-on (Widen
    trusting the provider's own certificate)."""
    for op in running_provider([_return_url(world.alpha), _return_url(world.beta)]):
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", op.certificate)
        provider_sign_on_configure(
            organisation=world.alpha,
            server_url=op.issuer,
            client_id=op.client_id,
            secret=op.client_secret,
        )
        yield op


def _sign_in_through(
    op: OidcProvider, organisation: Organisation, login: str, password: str
) -> tuple[Client, Any]:
    """Press "Sign in with PROVIDER", sign in at the provider, and come back: the client and
    Widen's answer on return."""
    client = Client()
    page = client.get(reverse("my_student:sign_in"))
    assert f"Sign in with {organisation.name}" in page.content.decode()
    leaving = client.post(
        reverse("openid_connect_login", kwargs={"provider_id": provider_id_for(organisation)})
    )
    assert leaving.status_code == 302
    assert leaving["Location"].startswith(f"{op.issuer}/authorize?")
    back = op.sign_in_and_consent(leaving["Location"], login, password)
    assert back.startswith(_return_url(organisation))
    answer = client.get(
        reverse("openid_connect_callback", kwargs={"provider_id": provider_id_for(organisation)}),
        QUERY_STRING=query_of(back),
    )
    return client, answer


def _signed_out(client: Client) -> bool:
    return client.get(reverse("my_student:record")).status_code == 302


def _header(token: str) -> dict[str, Any]:
    head = token.split(".")[0]
    return dict(json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))))


def test_a_student_signs_in_through_their_provider_and_sees_their_record(
    world: World, provider: OidcProvider
) -> None:
    sam = student_at(world.alpha, "S1", SAM, first_name="Samira", last_name="Okafor")
    password = provider.person("sokafor", email=SAM.lower())
    client, answer = _sign_in_through(provider, world.alpha, "sokafor", password)

    assert answer.status_code == 302
    assert answer["Location"] == reverse("my_student:record")
    page = client.get(reverse("my_student:record"))
    text = page.content.decode()
    assert page.status_code == 200  # no second factor asked for: the provider signed them in
    assert "My record" in text
    assert "Samira" in text
    assert "Alpha University" in text
    sam.refresh_from_db()
    assert sam.user is not None
    assert sam.user.email == SAM.lower()
    account = SocialAccount.objects.get(user=sam.user)
    assert account.provider == provider_id_for(world.alpha)
    assert account.extra_data["id_token"]["email"] == SAM.lower()
    # The ID token was signed with the provider's published RS256 key.
    header = _header(provider.issued_id_tokens[-1])
    assert header["alg"] == "RS256"
    assert header["kid"] in [key["kid"] for key in provider.provider.jwks["keys"]]  # type: ignore[union-attr]

    # Next time, the same account, the same record.
    again, second = _sign_in_through(provider, world.alpha, "sokafor", password)
    assert second["Location"] == reverse("my_student:record")
    assert User.objects.filter(email__iexact=SAM).count() == 1
    assert SocialAccount.objects.count() == 1


def test_an_address_that_is_no_student_of_the_provider_is_refused(
    world: World, provider: OidcProvider
) -> None:
    student_at(world.alpha, "S1", SAM)
    password = provider.person("stranger", email="stranger@alpha.example.ac.uk")
    client, answer = _sign_in_through(provider, world.alpha, "stranger", password)

    assert answer.status_code == 403
    assert REFUSED in answer.content.decode()
    assert _signed_out(client)
    assert not User.objects.filter(email__iexact="stranger@alpha.example.ac.uk").exists()
    assert not SocialAccount.objects.exists()


def test_a_staff_address_is_refused_even_with_a_student_record(
    world: World, provider: OidcProvider
) -> None:
    officer = world.users[Role.OUTREACH_OFFICER]
    officer.email = "officer@alpha.example.ac.uk"
    officer.save()
    student_at(world.alpha, "S9", officer.email)
    password = provider.person("officer", email=officer.email)
    client, answer = _sign_in_through(provider, world.alpha, "officer", password)

    assert answer.status_code == 403
    text = answer.content.decode()
    assert REFUSED in text
    assert "staff" not in text.split("<h1>")[1].split("</p>")[0].lower()  # says no more
    assert _signed_out(client)
    assert not SocialAccount.objects.exists()
    assert Student.objects.get(student_number="S9").user is None


def test_another_provider_s_student_is_refused(world: World, provider: OidcProvider) -> None:
    beta_email = "bea@beta.example.ac.uk"
    student_at(world.beta, "B1", beta_email)
    password = provider.person("bea", email=beta_email)
    client, answer = _sign_in_through(provider, world.alpha, "bea", password)

    assert answer.status_code == 403
    assert REFUSED in answer.content.decode()
    assert _signed_out(client)
    assert Student.objects.get(student_number="B1").user is None
    assert not User.objects.filter(email__iexact=beta_email).exists()


def test_an_address_the_provider_did_not_verify_is_refused(
    world: World, provider: OidcProvider
) -> None:
    sam = student_at(world.alpha, "S1", SAM)
    password = provider.person("sokafor", email=SAM, email_verified=False)
    client, answer = _sign_in_through(provider, world.alpha, "sokafor", password)

    assert answer.status_code == 403
    assert "did not confirm your e-mail address" in answer.content.decode()
    assert _signed_out(client)
    sam.refresh_from_db()
    assert sam.user is None
    assert not SocialAccount.objects.exists()


def test_a_provider_without_single_sign_on_has_no_button_and_no_sign_in(
    world: World, provider: OidcProvider
) -> None:
    response = Client().get(reverse("my_student:sign_in"))
    page = response.content.decode()
    assert "Sign in with Alpha University" in page
    # The button's form may lead on to the provider's own sign-in page.
    form_action = next(
        part
        for part in response["Content-Security-Policy"].split(";")
        if part.strip().startswith("form-action")
    )
    assert provider.issuer in form_action
    assert "Sign in with Beta University" not in page
    start = reverse("openid_connect_login", kwargs={"provider_id": provider_id_for(world.beta)})
    assert Client().post(start).status_code == 404


def test_an_id_token_not_signed_by_the_provider_s_published_key_signs_nobody_in(
    world: World, provider: OidcProvider
) -> None:
    sam = student_at(world.alpha, "S1", SAM)
    password = provider.person("sokafor", email=SAM)
    provider.publish_an_impostor_key()
    client, answer = _sign_in_through(provider, world.alpha, "sokafor", password)

    assert answer.status_code == 400
    assert "did not finish" in answer.content.decode()
    assert _signed_out(client)
    sam.refresh_from_db()
    assert sam.user is None


def test_a_student_who_gains_a_staff_role_no_longer_signs_in_through_the_provider(
    world: World, provider: OidcProvider
) -> None:
    student_at(world.alpha, "S1", SAM)
    password = provider.person("sokafor", email=SAM)
    _, first = _sign_in_through(provider, world.alpha, "sokafor", password)
    assert first["Location"] == reverse("my_student:record")
    account = User.objects.get(email__iexact=SAM)
    Membership.objects.create(user=account, organisation=world.alpha, role=Role.READ_ONLY)

    client, answer = _sign_in_through(provider, world.alpha, "sokafor", password)
    assert answer.status_code == 403
    assert REFUSED in answer.content.decode()
    assert _signed_out(client)
