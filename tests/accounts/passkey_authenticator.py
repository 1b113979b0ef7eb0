"""A passkey on a phone, in tests: a software authenticator that answers Widen's WebAuthn
ceremonies as a browser would (a P-256 key, "none" attestation, user present and verified), so
the real server side (options, challenge, origin, relying party, signature, sign count) is used."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django.urls import reverse

# The host the tests reach Widen on: a passkey needs a domain name, and in development Widen
# accepts http://localhost on any port.
HOST = "localhost"
ORIGIN = f"http://{HOST}"

USER_PRESENT = 0x01
USER_VERIFIED = 0x04
ATTESTED = 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def client_on_host() -> Client:
    """A browser reaching Widen at `HOST`."""
    return Client(HTTP_HOST=HOST)


@dataclass
class Authenticator:
    """One passkey: made by `register`, used by `sign_in`."""

    origin: str = ORIGIN
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    credential_id: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    user_handle: bytes = b""
    sign_count: int = 0

    def _public_key(self) -> bytes:
        numbers = self.key.public_key().public_numbers()
        return cbor2.dumps(
            {
                1: 2,  # kty: EC2
                3: -7,  # alg: ES256
                -1: 1,  # crv: P-256
                -2: numbers.x.to_bytes(32, "big"),
                -3: numbers.y.to_bytes(32, "big"),
            }
        )

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False}
        ).encode()

    def _auth_data(self, rp_id: str, flags: int, attested: bytes = b"") -> bytes:
        rp_hash = hashlib.sha256(rp_id.encode()).digest()
        return rp_hash + bytes([flags]) + struct.pack(">I", self.sign_count) + attested

    def registration(self, options: dict[str, Any]) -> dict[str, Any]:
        """What the browser sends back after the person confirms adding the passkey."""
        self.user_handle = unb64url(options["user"]["id"])
        attested = (
            bytes(16)  # AAGUID
            + struct.pack(">H", len(self.credential_id))
            + self.credential_id
            + self._public_key()
        )
        auth_data = self._auth_data(
            options["rp"]["id"], USER_PRESENT | USER_VERIFIED | ATTESTED, attested
        )
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(
                    self._client_data("webauthn.create", options["challenge"])
                ),
                "attestationObject": b64url(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {"credProps": {"rk": True}},
        }

    def assertion(self, options: dict[str, Any]) -> dict[str, Any]:
        """What the browser sends back after the person confirms with the passkey."""
        self.sign_count += 1
        auth_data = self._auth_data(options["rpId"], USER_PRESENT | USER_VERIFIED)
        client_data = self._client_data("webauthn.get", options["challenge"])
        signature = self.key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64url(self.credential_id),
            "rawId": b64url(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(self.user_handle),
            },
            "clientExtensionResults": {},
        }

    def register(self, client: Client) -> Any:
        """Add this passkey to the account `client` is signed in to; the last response."""
        begun = client.post(reverse("otp_webauthn:credential-registration-begin"))
        assert begun.status_code == 200, begun.content.decode()[:300]
        return client.post(
            reverse("otp_webauthn:credential-registration-complete"),
            json.dumps(self.registration(begun.json())),
            content_type="application/json",
        )

    def sign_in(self, client: Client, next_url: str = "") -> Any:
        """Use this passkey on `client` (signed in already, or not); the last response."""
        begun = client.post(reverse("otp_webauthn:credential-authentication-begin"))
        assert begun.status_code == 200, begun.content.decode()[:300]
        complete = reverse("otp_webauthn:credential-authentication-complete")
        if next_url:
            complete = f"{complete}?next={next_url}"
        return client.post(
            complete, json.dumps(self.assertion(begun.json())), content_type="application/json"
        )
