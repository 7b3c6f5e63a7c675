"""A local OpenID provider for the single sign-on tests: a small threaded HTTP server on 127.0.0.1.

It serves discovery, a JWKS (two RSA keys; `rotate()` signs with the second one, which the JWKS GDT fetched before
did not have), an authorize endpoint without a page (the test says with `next_login(...)` whose claims the next
authorization gives; it redirects back with code and state), a token endpoint (client secret, PKCE verifier,
redirect URI and one use per code checked; the ID token carries the nonce it was given), an end-session endpoint
that remembers what it was asked, and `logout_token(...)` for back-channel logout tokens.

`id_token_overrides` changes the next ID token on purpose (wrong aud, expired, another nonce, signed with a key the
provider does not publish) so the tests can watch GDT refuse it.
"""
import base64
import hashlib
import http.server
import json
import secrets
import threading
import time
import urllib.parse
from functools import cache

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

CLIENT_ID = "gdt-test-client"
CLIENT_SECRET = "test-client-secret-0123456789"  # a test fixture's secret
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"


@cache
def _key_pool() -> tuple[RSAKey, ...]:
    """Three RSA keys made once per test run: two the provider publishes, one it never does (a forger's)."""
    return tuple(RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})
                 for kid in ("key-1", "key-2", "key-1"))


class OidcProvider:
    def __init__(self, *, client_id: str = CLIENT_ID, client_secret: str = CLIENT_SECRET,
                 end_session: bool = True):
        self.client_id, self.client_secret, self.end_session = client_id, client_secret, end_session
        first, second, self.forger_key = _key_pool()
        self.keys = [first, second]
        self.published = [first]  # the JWKS as it is now
        self.signing_key = first
        self.next_claims: dict = {}
        self.id_token_overrides: dict = {}
        self.codes: dict[str, dict] = {}
        self.requests: list[tuple[str, str]] = []  # (method, path) in order
        self.end_session_calls: list[dict] = []
        self.issued_id_tokens: list[str] = []
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.issuer = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle --------------------------------------------------------------------------------------------

    def start(self) -> "OidcProvider":
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._server.server_close()

    # --- what the test sets -----------------------------------------------------------------------------------

    def next_login(self, sub: str = "subject-1", *, email: str = "medewerker@gemeente.test",
                   name: str = "Mira Medewerker", roles=("gdt-coordinator",), amr=("pwd", "mfa"),
                   sid: str | None = "provider-session-1", **claims) -> None:
        """The claims the next authorization gives (`roles` goes in the `roles` and `groups` claims)."""
        self.next_claims = {"sub": sub, "email": email, "name": name, "roles": list(roles), "groups": list(roles),
                            "amr": list(amr)} | ({"sid": sid} if sid else {}) | claims
        self.next_claims = {key: value for key, value in self.next_claims.items() if value is not None}

    def rotate(self) -> None:
        """Sign with the second key from now on; the JWKS publishes both (the one GDT fetched before had one)."""
        self.signing_key = self.keys[1]
        self.published = list(self.keys)

    def count(self, path: str) -> int:
        return sum(1 for _, seen in self.requests if seen == path)

    def sign(self, claims: dict, key: RSAKey | None = None, header: dict | None = None) -> str:
        key = key or self.signing_key
        return jwt.encode({"alg": "RS256", "kid": key.kid, "typ": "JWT"} | (header or {}), claims, key)

    def logout_token(self, *, sid: str | None = None, sub: str | None = None, key: RSAKey | None = None,
                     **overrides) -> str:
        """A back-channel logout token; `overrides` change or (with None) drop claims."""
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 120,
                  "jti": secrets.token_hex(8), "events": {BACKCHANNEL_EVENT: {}}, "sid": sid, "sub": sub}
        claims |= overrides
        return self.sign({name: value for name, value in claims.items() if value is not None}, key=key)

    def send_backchannel_logout(self, gdt_client, token: str, path: str = "/oidc/backchannel-logout"):
        """What the provider does when the user logs out there: POST the logout token to GDT."""
        return gdt_client.post(path, data={"logout_token": token})

    # --- the endpoints ----------------------------------------------------------------------------------------

    def discovery(self) -> dict:
        document = {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "backchannel_logout_supported": True,
            "backchannel_logout_session_supported": True,
        }
        if self.end_session:
            document["end_session_endpoint"] = f"{self.issuer}/logout"
        return document

    def authorize(self, query: dict) -> tuple[int, dict, bytes]:
        if query.get("client_id") != self.client_id or query.get("response_type") != "code" \
                or query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return 400, {}, b"bad authorization request"
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"claims": dict(self.next_claims), "nonce": query.get("nonce"),
                            "challenge": query["code_challenge"], "redirect_uri": query.get("redirect_uri"),
                            "used": False}
        target = f"{query['redirect_uri']}?{urllib.parse.urlencode({'code': code, 'state': query.get('state', '')})}"
        return 302, {"Location": target}, b""

    def token(self, headers, form: dict) -> tuple[int, dict]:
        if not self._client_authenticated(headers.get("Authorization", "")):
            return 401, {"error": "invalid_client"}
        grant = self.codes.get(form.get("code", ""))
        if form.get("grant_type") != "authorization_code" or grant is None or grant["used"]:
            return 400, {"error": "invalid_grant"}
        grant["used"] = True  # a code works once: a replay is refused
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != grant["challenge"] or form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant"}
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.client_id, "iat": now, "exp": now + 300, "auth_time": now,
                  "nonce": grant["nonce"]} | grant["claims"]
        overrides = dict(self.id_token_overrides)
        key = overrides.pop("key", None)
        claims = {name: value for name, value in (claims | overrides).items() if value is not None}
        id_token = self.sign(claims, key=key)
        self.issued_id_tokens.append(id_token)
        return 200, {"access_token": secrets.token_urlsafe(16), "token_type": "Bearer", "expires_in": 300,
                     "id_token": id_token}

    def _client_authenticated(self, authorization: str) -> bool:
        if not authorization.startswith("Basic "):
            return False
        pair = base64.b64decode(authorization[6:]).decode()
        client_id, _, secret = pair.partition(":")
        return (urllib.parse.unquote(client_id), urllib.parse.unquote(secret)) == (self.client_id, self.client_secret)


def _handler(provider: OidcProvider):
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet test output
            pass

        def do_GET(self):
            parts = urllib.parse.urlsplit(self.path)
            provider.requests.append(("GET", parts.path))
            query = dict(urllib.parse.parse_qsl(parts.query))
            if parts.path == "/.well-known/openid-configuration":
                return self._json(200, provider.discovery())
            if parts.path == "/jwks":
                return self._json(200, KeySet(list(provider.published)).as_dict(private=False))
            if parts.path == "/authorize":
                status, headers, body = provider.authorize(query)
                return self._send(status, headers, body)
            if parts.path == "/logout" and provider.end_session:
                provider.end_session_calls.append(query)
                target = query.get("post_logout_redirect_uri")
                return self._send(302, {"Location": target}, b"") if target else self._send(200, {}, b"logged out")
            return self._send(404, {}, b"not found")

        def do_POST(self):
            provider.requests.append(("POST", self.path))
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            if self.path == "/token":
                status, body = provider.token(self.headers, form)
                return self._json(status, body)
            return self._send(404, {}, b"not found")

        def _json(self, status: int, body: dict):
            self._send(status, {"Content-Type": "application/json", "Cache-Control": "no-store"},
                       json.dumps(body).encode())

        def _send(self, status: int, headers: dict, body: bytes):
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler
