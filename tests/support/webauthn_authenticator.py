"""A software WebAuthn authenticator for tests: attestation "none" and assertions signed with an EC P-256 key.

It answers what a browser would post after navigator.credentials.create() / .get() (the JSON the webauthn library
reads), so the services and views are tested against real signatures without a browser.
"""
import base64
import hashlib
import json
import os
import struct

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

FLAG_USER_PRESENT = 0x01
FLAG_USER_VERIFIED = 0x04
FLAG_ATTESTED_DATA = 0x40


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class SoftAuthenticator:
    """One credential on one authenticator; `sign_count` goes up by one per assertion unless `counter` is off."""

    def __init__(self, *, counter: bool = True):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter = counter
        self.sign_count = 0

    def create(self, options: dict, origin: str, *, challenge: str | None = None, rp_id: str | None = None) -> dict:
        """The answer to navigator.credentials.create(options) at `origin`."""
        client_data = self._client_data("webauthn.create", challenge or options["challenge"], origin)
        numbers = self.key.public_key().public_numbers()
        cose_key = cbor2.dumps({1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32, "big"),
                                -3: numbers.y.to_bytes(32, "big")})
        attested = bytes(16) + struct.pack(">H", len(self.credential_id)) + self.credential_id + cose_key
        auth_data = self._auth_data(rp_id or options["rp"]["id"], FLAG_ATTESTED_DATA) + attested
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        return {"id": b64url(self.credential_id), "rawId": b64url(self.credential_id), "type": "public-key",
                "response": {"clientDataJSON": b64url(client_data), "attestationObject": b64url(attestation),
                             "transports": ["internal", "hybrid", "carrier-pigeon"]},
                "clientExtensionResults": {}}

    def get(self, options: dict, origin: str, *, challenge: str | None = None, rp_id: str | None = None,
            sign_count: int | None = None) -> dict:
        """The answer to navigator.credentials.get(options); `sign_count` forces the counter it reports."""
        if sign_count is not None:
            self.sign_count = sign_count
        elif self.counter:
            self.sign_count += 1
        client_data = self._client_data("webauthn.get", challenge or options["challenge"], origin)
        auth_data = self._auth_data(rp_id or options["rpId"])
        signature = self.key.sign(auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256()))
        return {"id": b64url(self.credential_id), "rawId": b64url(self.credential_id), "type": "public-key",
                "response": {"clientDataJSON": b64url(client_data), "authenticatorData": b64url(auth_data),
                             "signature": b64url(signature), "userHandle": None},
                "clientExtensionResults": {}}

    def _auth_data(self, rp_id: str, extra_flags: int = 0) -> bytes:
        flags = FLAG_USER_PRESENT | FLAG_USER_VERIFIED | extra_flags
        return hashlib.sha256(rp_id.encode()).digest() + bytes([flags]) + struct.pack(">I", self.sign_count)

    @staticmethod
    def _client_data(kind: str, challenge: str, origin: str) -> bytes:
        return json.dumps({"type": kind, "challenge": challenge, "origin": origin, "crossOrigin": False}).encode()
