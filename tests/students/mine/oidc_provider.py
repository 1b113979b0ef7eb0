"""A real OpenID Connect provider for the single sign-on tests, served over HTTPS on a local port.

Built with pyop (the IdentityPython provider library): a discovery document, the provider's
public keys (JWKS), an authorisation endpoint with a sign-in form of its own, a token endpoint
issuing ID tokens signed with RS256, and a userinfo endpoint. Its people are those the test gives
it (`OidcProvider.person`), each with an e-mail address and whether the provider verified it.
"""

from __future__ import annotations

import html
import ipaddress
import json
import secrets
import ssl
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from Cryptodome.PublicKey import RSA
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from jwkest.jwk import RSAKey
from pyop.authz_state import AuthorizationState
from pyop.exceptions import InvalidAuthenticationRequest, OAuthError
from pyop.provider import Provider
from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
from pyop.userinfo import Userinfo

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return None


@dataclass
class OidcProvider:
    """A running provider: its issuer URL, the one client (Widen) it knows, and its people."""

    issuer: str
    client_id: str
    client_secret: str
    people: dict[str, dict[str, Any]] = field(default_factory=dict)
    passwords: dict[str, str] = field(default_factory=dict)
    provider: Provider | None = None
    # The provider's self-signed certificate (PEM), for clients to trust.
    certificate: str = ""
    # Keys published in place of the real one (an impostor's), when set.
    published_keys: dict[str, Any] | None = None
    # Each token request's ID token as sent, for the tests to read.
    issued_id_tokens: list[str] = field(default_factory=list)

    def person(self, login: str, *, email: str, email_verified: bool = True) -> str:
        """Someone who can sign in at the provider; their password."""
        password = secrets.token_urlsafe(12)
        self.people[login] = {"email": email, "email_verified": email_verified, "name": login}
        self.passwords[login] = password
        return password

    def sign_in_and_consent(self, authorise_url: str, login: str, password: str) -> str:
        """Open the provider's sign-in page at `authorise_url` (where Widen sent the browser),
        sign in as `login`, and give back where the provider sends the browser next."""
        import requests  # noqa: PLC0415

        page = requests.get(authorise_url, timeout=10, verify=self.certificate)
        assert page.status_code == 200, page.text
        assert 'name="password"' in page.text
        query = urlsplit(authorise_url).query
        answer = requests.post(
            f"{self.issuer}/authorize",
            data={"request": query, "login": login, "password": password},
            allow_redirects=False,
            timeout=10,
            verify=self.certificate,
        )
        assert answer.status_code == 302, answer.text
        return str(answer.headers["Location"])

    # --- the WSGI application ---------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        assert self.provider is not None
        path = environ["PATH_INFO"]
        method = environ["REQUEST_METHOD"]
        body = ""
        if method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length).decode()
        headers = {"Authorization": environ.get("HTTP_AUTHORIZATION", "")}
        try:
            if path == "/.well-known/openid-configuration":
                return _json(start_response, self.provider.provider_configuration.to_dict())
            if path == "/jwks":
                return _json(start_response, self.published_keys or self.provider.jwks)
            if path == "/authorize" and method == "GET":
                return self._sign_in_form(environ["QUERY_STRING"], start_response)
            if path == "/authorize" and method == "POST":
                return self._authorise(parse_qs(body), start_response)
            if path == "/token" and method == "POST":
                response = self.provider.handle_token_request(
                    body, headers, extra_id_token_claims=self._email_claims
                )
                self.issued_id_tokens.append(response["id_token"])
                return _json(start_response, response.to_dict())
            if path == "/userinfo":
                info = self.provider.handle_userinfo_request(environ["QUERY_STRING"], headers)
                return _json(start_response, info.to_dict())
        except (InvalidAuthenticationRequest, OAuthError) as error:
            return _json(start_response, {"error": str(error)}, "400 Bad Request")
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    def publish_an_impostor_key(self) -> None:
        """Publish, under the signing key's id, a key that did not sign the ID tokens."""
        assert self.provider is not None
        kid = self.provider.jwks["keys"][0]["kid"]
        other = RSAKey(key=RSA.generate(2048), alg="RS256", kid=kid)
        self.published_keys = {"keys": [other.serialize(private=False)]}

    def _email_claims(self, login: str, client_id: str) -> dict[str, Any]:
        """What the ID token says of the person: their address and whether it was verified."""
        person = self.people[login]
        return {"email": person["email"], "email_verified": person["email_verified"]}

    def _sign_in_form(self, query: str, start_response: StartResponse) -> Iterable[bytes]:
        assert self.provider is not None
        self.provider.parse_authentication_request(query)  # refuses an unknown client early
        form = (
            "<!doctype html><title>Provider sign-in</title>"
            '<form method="post" action="/authorize">'
            f'<input type="hidden" name="request" value="{html.escape(query)}">'
            '<input name="login"><input name="password" type="password">'
            "<button>Sign in</button></form>"
        )
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
        return [form.encode()]

    def _authorise(
        self, form: dict[str, list[str]], start_response: StartResponse
    ) -> Iterable[bytes]:
        assert self.provider is not None
        login = form.get("login", [""])[0]
        if not login or self.passwords.get(login) != form.get("password", [""])[0]:
            start_response("401 Unauthorized", [("Content-Type", "text/plain")])
            return [b"wrong login or password"]
        request = self.provider.parse_authentication_request(form["request"][0])
        response = self.provider.authorize(request, login)
        location = response.request(request["redirect_uri"], False)
        start_response("302 Found", [("Location", location)])
        return [b""]


def _json(start_response: StartResponse, data: Any, status: str = "200 OK") -> Iterable[bytes]:
    start_response(status, [("Content-Type", "application/json")])
    return [json.dumps(data).encode()]


def _self_signed_certificate(directory: Path) -> Path:
    """A key and a certificate for 127.0.0.1, in one PEM file."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    path = directory / "provider.pem"
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
        + certificate.public_bytes(serialization.Encoding.PEM)
    )
    return path


def running_provider(redirect_uris: list[str]) -> Iterator[OidcProvider]:
    """Start a provider on a free local port (Widen's return addresses registered), and stop it
    when the caller is done."""
    server: WSGIServer = make_server("127.0.0.1", 0, lambda e, s: [], handler_class=_Quiet)
    certificate = _self_signed_certificate(Path(tempfile.mkdtemp(prefix="widen-oidc-")))
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(certificate, certificate)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    issuer = f"https://127.0.0.1:{server.server_port}"
    op = OidcProvider(
        issuer=issuer,
        client_id=f"widen-{secrets.token_hex(4)}",
        client_secret=secrets.token_urlsafe(24),
    )
    signing_key = RSAKey(key=RSA.generate(2048), alg="RS256", kid=secrets.token_hex(6))
    configuration = {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/jwks",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "scopes_supported": ["openid", "profile", "email"],
        "claims_supported": ["sub", "email", "email_verified", "name"],
        "code_challenge_methods_supported": ["S256"],
    }
    clients = {
        op.client_id: {
            "client_secret": op.client_secret,
            "redirect_uris": redirect_uris,
            "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_post",
        }
    }
    op.provider = Provider(
        signing_key,
        configuration,
        AuthorizationState(HashBasedSubjectIdentifierFactory(secrets.token_hex(8))),
        clients,
        Userinfo(op.people),
    )
    server.set_app(op)
    op.certificate = str(certificate)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield op
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def query_of(url: str) -> str:
    """The query string of `url`, to replay on Widen's return page."""
    return urlencode(parse_qs(urlsplit(url).query), doseq=True)
