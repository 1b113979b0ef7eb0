"""`widen students sso-configure`: the people who run Widen set a provider's single sign-on from
the command line, checked against the issuer's real discovery document (a real OpenID Connect
provider on a local port) before anything is saved, shown without its secret, taken away, and
every change audited."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
from allauth.socialaccount.models import SocialApp
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from tests.students.mine.oidc_provider import OidcProvider, query_of, running_provider
from tests.students.mine.support import student_at
from widen.audit.models import AuditAction, AuditEvent
from widen.students.mine.single_sign_on import provider_id_for
from widen.testing.world import World

pytestmark = pytest.mark.django_db

SAM = "sam.okafor@alpha.example.ac.uk"


def _return_url(world: World) -> str:
    path = reverse("openid_connect_callback", kwargs={"provider_id": provider_id_for(world.alpha)})
    return f"http://testserver{path}"


@pytest.fixture
def op(world: World, monkeypatch: pytest.MonkeyPatch) -> Iterator[OidcProvider]:
    """Alpha University's OpenID Connect provider, running, its certificate trusted by Widen."""
    for provider in running_provider([_return_url(world)]):
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", provider.certificate)
        yield provider


def _secret_file(tmp_path: Path, secret: str) -> str:
    path = tmp_path / "client-secret"
    path.write_text(f"{secret}\n", encoding="utf-8")
    return str(path)


def sso(*args: str, stdin: str | None = None) -> str:
    out = StringIO()
    options: dict[str, object] = {"stdout": out}
    if stdin is not None:
        options["stdin"] = StringIO(stdin)
    call_command("students", "sso-configure", *args, **options)
    return out.getvalue()


def _sign_in_page() -> str:
    return Client().get(reverse("my_student:sign_in")).content.decode()


def _audits(world: World) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type="socialaccount.socialapp", organisation_id=world.alpha.pk
        ).order_by("occurred_at")
    )


def test_a_provider_is_given_its_sign_on_and_a_student_then_signs_in_through_it(
    world: World, op: OidcProvider, tmp_path: Path
) -> None:
    assert "Sign in with Alpha University" not in _sign_in_page()
    output = sso(
        "--provider",
        world.alpha.ukprn,
        "--issuer",
        f"{op.issuer}/",
        "--client-id",
        op.client_id,
        "--client-secret-file",
        _secret_file(tmp_path, op.client_secret),
    )

    assert "Saved the single sign-on of Alpha University" in output
    assert op.issuer in output
    assert op.client_secret not in output
    app = SocialApp.objects.get(provider_id=provider_id_for(world.alpha))
    assert (app.client_id, app.secret, app.settings["server_url"]) == (
        op.client_id,
        op.client_secret,
        op.issuer,
    )
    assert "Sign in with Alpha University" in _sign_in_page()
    (created,) = _audits(world)
    assert created.action == AuditAction.CREATE
    assert created.changed_fields == ["client_id", "name", "secret", "server_url"]
    assert created.source == "cli"

    # A current student of Alpha signs in through it, end to end.
    student_at(world.alpha, "S1", SAM, first_name="Sam", last_name="Okafor")
    password = op.person("sokafor", email=SAM)
    client = Client()
    login = reverse("openid_connect_login", kwargs={"provider_id": provider_id_for(world.alpha)})
    leaving = client.post(login)
    back = op.sign_in_and_consent(leaving["Location"], "sokafor", password)
    answer = client.get(
        reverse("openid_connect_callback", kwargs={"provider_id": provider_id_for(world.alpha)}),
        QUERY_STRING=query_of(back),
    )
    assert answer["Location"] == reverse("my_student:record")
    assert "My record" in client.get(reverse("my_student:record")).content.decode()


def test_show_never_prints_the_secret_and_a_change_is_audited_by_what_changed(
    world: World, op: OidcProvider, tmp_path: Path
) -> None:
    assert "has no single sign-on" in sso("--provider", str(world.alpha.pk), "--show")
    setting = ["--provider", str(world.alpha.pk), "--issuer", op.issuer, "--client-id"]
    sso(*setting, op.client_id, "--client-secret-stdin", stdin=f"{op.client_secret}\n")

    shown = sso("--provider", world.alpha.ukprn, "--show")
    assert op.issuer in shown
    assert op.client_id in shown
    assert "set (never shown)" in shown
    assert op.client_secret not in shown

    # The same again changes nothing and audits nothing.
    again = sso(*setting, op.client_id, "--client-secret-stdin", stdin=op.client_secret)
    assert "nothing changed" in again
    assert len(_audits(world)) == 1

    # A new secret and name: audited by name of field, never by value.
    sso(
        *setting,
        op.client_id,
        "--client-secret-file",
        _secret_file(tmp_path, "rotated-secret-value"),
        "--name",
        "Alpha University student sign-in",
    )
    changed = _audits(world)[-1]
    assert changed.action == AuditAction.UPDATE
    assert changed.changed_fields == ["name", "secret"]
    assert "rotated-secret-value" not in str(changed.changed_fields)
    app = SocialApp.objects.get(provider_id=provider_id_for(world.alpha))
    assert app.name == "Alpha University student sign-in"
    assert "Alpha University student sign-in" in sso("--provider", world.alpha.ukprn, "--show")


def test_remove_takes_the_button_away_and_is_audited(
    world: World, op: OidcProvider, tmp_path: Path
) -> None:
    sso(
        "--provider",
        world.alpha.ukprn,
        "--issuer",
        op.issuer,
        "--client-id",
        op.client_id,
        "--client-secret-file",
        _secret_file(tmp_path, op.client_secret),
    )
    assert "Removed the single sign-on of Alpha University" in sso(
        "--provider", world.alpha.ukprn, "--remove"
    )
    assert not SocialApp.objects.filter(provider_id=provider_id_for(world.alpha)).exists()
    assert "Sign in with Alpha University" not in _sign_in_page()
    assert _audits(world)[-1].action == AuditAction.DELETE
    assert "nothing changed" in sso("--provider", world.alpha.ukprn, "--remove")
    assert len(_audits(world)) == 2


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _refused(*args: str, match: str, stdin: str | None = None) -> None:
    with pytest.raises(CommandError, match=match):
        sso(*args, stdin=stdin)
    assert not SocialApp.objects.exists()
    assert not AuditEvent.objects.filter(object_type="socialaccount.socialapp").exists()


def test_an_issuer_whose_discovery_document_cannot_be_used_saves_nothing(
    world: World, op: OidcProvider, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = _secret_file(tmp_path, op.client_secret)
    alpha = ["--provider", world.alpha.ukprn, "--client-id", op.client_id]
    with_secret = [*alpha, "--client-secret-file", secret]
    _refused(*with_secret, "--issuer", f"{op.issuer}/realms/none", match="answered HTTP 404")
    _refused(
        *with_secret,
        "--issuer",
        f"https://127.0.0.1:{_closed_port()}",
        match="Widen cannot reach https://127.0.0.1:.*/.well-known/openid-configuration: "
        "Connection refused",
    )
    _refused(*with_secret, "--issuer", op.issuer.replace("https", "http"), match="https://")
    _refused(
        *with_secret,
        "--issuer",
        f"{op.issuer}/.well-known/openid-configuration",
        match="without /.well-known/openid-configuration",
    )
    monkeypatch.delenv("REQUESTS_CA_BUNDLE")
    _refused(
        *with_secret,
        "--issuer",
        op.issuer,
        match="cannot trust the certificate of .*: certificate verify failed",
    )


def test_a_discovery_document_naming_another_issuer_or_lacking_rs256_saves_nothing(
    world: World, op: OidcProvider, tmp_path: Path
) -> None:
    assert op.provider is not None
    published = op.provider.configuration_information
    setting = [
        *("--provider", world.alpha.ukprn, "--issuer", op.issuer, "--client-id", op.client_id),
        *("--client-secret-file", _secret_file(tmp_path, op.client_secret)),
    ]
    published["issuer"] = "https://login.elsewhere.example"
    _refused(*setting, match="names its issuer 'https://login.elsewhere.example'")
    published["issuer"] = op.issuer
    published["id_token_signing_alg_values_supported"] = ["HS256"]
    _refused(*setting, match="does not sign ID tokens with RS256")
    published["id_token_signing_alg_values_supported"] = ["RS256"]
    del published["jwks_uri"]
    _refused(*setting, match="has no https:// jwks_uri")


def test_the_secret_comes_only_from_a_file_or_standard_input(
    world: World, op: OidcProvider, tmp_path: Path
) -> None:
    alpha = ["--provider", world.alpha.ukprn, "--issuer", op.issuer, "--client-id", op.client_id]
    _refused(*alpha, match="never on the command line")
    _refused(*alpha, "--client-secret", op.client_secret, match="client-secret")
    _refused(*alpha, "--client-secret-stdin", stdin="\n", match="client secret on standard input")
    _refused(
        *alpha,
        "--client-secret-file",
        str(tmp_path / "missing"),
        match="Cannot read the client secret file",
    )


def test_only_an_he_provider_has_a_sign_on_and_flags_do_not_mix(
    world: World, op: OidcProvider, tmp_path: Path
) -> None:
    secret = _secret_file(tmp_path, op.client_secret)
    setting = ["--issuer", op.issuer, "--client-id", op.client_id, "--client-secret-file", secret]
    _refused("--provider", world.school.urn, *setting, match="not an HE provider with a UKPRN")
    _refused("--provider", "19999999", *setting, match="No organisation has")
    _refused("--provider", world.alpha.ukprn, "--show", "--issuer", op.issuer, match="--issuer")
    _refused("--provider", world.alpha.ukprn, match="Give --issuer and --client-id")
