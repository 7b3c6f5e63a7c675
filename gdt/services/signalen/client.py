"""Talking to Signalen's private API: the bearer token, the signal pages, attachments, a state change.

Every call goes through the one outbound client (gdt.services.core.outbound: no internal addresses unless allowed,
bounded time and size). The token is a client-credentials token from the municipality's OpenID provider, renewed
a minute before it expires and once more when Signalen answers 401, or the fixed SIGNALEN_TOKEN. A `next` link
is followed only on Signalen's own host, so a page cannot send the token elsewhere.
"""
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass

from flask import current_app

from gdt.services.core import outbound

LIST_PATH = "/signals/v1/private/signals/"
RENEW_BEFORE = 60.0  # seconds before expiry at which a token counts as expired
PAGE_BYTES = 20_000_000  # a page of 100 signals with their texts stays far below this
_tokens: dict[tuple, tuple[str, float]] = {}  # (token URL, client id) -> (token, time.monotonic() it expires)
_tokens_lock = threading.Lock()


class SignalenError(Exception):
    """Signalen did not answer usefully; `detail` is for the log and the admin, never holds a token."""

    def __init__(self, detail: str, *, status: int | None = None):
        super().__init__(detail)
        self.detail, self.status = detail[:500], status


class SignalenUnavailable(SignalenError):
    """Down, slow, 5xx, or the token could not be had: try again later."""


class SignalenRefused(SignalenError):
    """A 4xx other than 401: Signalen will not do this (a state outside its workflow matrix, say)."""


@dataclass(frozen=True)
class Settings:
    api_url: str
    token_url: str
    client_id: str
    client_secret: str
    fixed_token: str
    timeout: float

    @classmethod
    def from_app(cls) -> "Settings":
        config = current_app.config
        return cls(config["SIGNALEN_API_URL"], config["SIGNALEN_TOKEN_URL"], config["SIGNALEN_CLIENT_ID"],
                   config["SIGNALEN_CLIENT_SECRET"], config["SIGNALEN_TOKEN"], config["SIGNALEN_TIMEOUT"])

    @property
    def enabled(self) -> bool:
        return bool(self.api_url and (self.fixed_token or (self.token_url and self.client_id)))


class Client:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings.from_app()
        self.host = urllib.parse.urlsplit(self.settings.api_url).netloc

    def signals(self, query: list[tuple[str, str]]) -> Iterator[list[dict]]:
        """The signals matching `query`, a page at a time, following `_links.next.href` until it is null."""
        url = f"{self.settings.api_url}{LIST_PATH}?{urllib.parse.urlencode(query)}"
        while url:
            page = self._json("GET", url)
            yield list(page.get("results") or [])
            url = ((page.get("_links") or {}).get("next") or {}).get("href")
            if url and urllib.parse.urlsplit(url).netloc != self.host:
                raise SignalenError(f"next page on another host: {urllib.parse.urlsplit(url).netloc}")

    def attachments(self, signal_id: int) -> list[dict]:
        url = f"{self.settings.api_url}{LIST_PATH}{int(signal_id)}/attachments/"
        return list(self._json("GET", url).get("results") or [])

    def download(self, url: str, *, max_bytes: int) -> bytes:
        if urllib.parse.urlsplit(url).netloc != self.host:
            raise SignalenRefused("attachment on another host")
        return self._call("GET", url, max_bytes=max_bytes).body

    def change_state(self, signal_id: int, state: str, text: str, *, send_email: bool) -> None:
        body = json.dumps({"status": {"state": state, "text": text, "send_email": send_email}}).encode()
        self._call("PATCH", f"{self.settings.api_url}{LIST_PATH}{int(signal_id)}", body=body,
                   content_type="application/json")

    def _json(self, method: str, url: str) -> dict:
        answer = self._call(method, url, max_bytes=PAGE_BYTES)
        try:
            document = json.loads(answer.body)
        except ValueError as error:
            raise SignalenUnavailable(f"{method} {_path(url)}: not JSON") from error
        if not isinstance(document, dict):
            raise SignalenUnavailable(f"{method} {_path(url)}: not a JSON object")
        return document

    def _call(self, method: str, url: str, *, body: bytes | None = None, content_type: str | None = None,
              max_bytes: int = outbound.DEFAULT_MAX_BYTES) -> outbound.Response:
        for attempt in (1, 2):
            headers = {"Authorization": f"Bearer {self._token(renew=attempt == 2)}", "Accept": "application/json"}
            if content_type:
                headers["Content-Type"] = content_type
            try:
                answer = outbound.request(method, url, body=body, headers=headers, timeout=self.settings.timeout,
                                          max_bytes=max_bytes)
            except outbound.OutboundError as error:
                raise SignalenUnavailable(f"{method} {_path(url)}: {error.detail}") from error
            if answer.status == 401 and attempt == 1 and not self.settings.fixed_token:
                continue  # the token ran out early, or was revoked: one new token, one more try
            if answer.status >= 500 or answer.status in (401, 403, 408, 429):
                raise SignalenUnavailable(f"{method} {_path(url)}: HTTP {answer.status}", status=answer.status)
            if answer.status >= 400:
                raise SignalenRefused(f"HTTP {answer.status}: {_message(answer.body)}", status=answer.status)
            return answer
        raise SignalenUnavailable(f"{method} {_path(url)}: HTTP 401")  # pragma: no cover (the loop returns)

    def _token(self, *, renew: bool) -> str:
        settings = self.settings
        if settings.fixed_token:
            return settings.fixed_token
        key = (settings.token_url, settings.client_id)
        with _tokens_lock:
            cached = _tokens.get(key)
            if cached and not renew and cached[1] - RENEW_BEFORE > time.monotonic():
                return cached[0]
            token, expires_in = self._new_token()
            _tokens[key] = (token, time.monotonic() + expires_in)
            return token

    def _new_token(self) -> tuple[str, float]:
        settings = self.settings
        form = urllib.parse.urlencode({"grant_type": "client_credentials", "client_id": settings.client_id,
                                       "client_secret": settings.client_secret}).encode()
        try:
            answer = outbound.request("POST", settings.token_url, body=form, timeout=settings.timeout,
                                      headers={"Content-Type": "application/x-www-form-urlencoded"})
        except outbound.OutboundError as error:
            raise SignalenUnavailable(f"token: {error.detail}") from error
        try:
            document = json.loads(answer.body) if answer.status == 200 else {}
            return str(document["access_token"]), float(document.get("expires_in", 300))
        except (ValueError, KeyError, TypeError) as error:
            raise SignalenUnavailable(f"token: HTTP {answer.status}") from error


def forget_tokens() -> None:
    """Drop the cached tokens (tests; a changed client secret)."""
    with _tokens_lock:
        _tokens.clear()


def _path(url: str) -> str:
    """The path alone, for messages: no host, no query (a filter could hold a name)."""
    return urllib.parse.urlsplit(url).path


def _message(body: bytes) -> str:
    """Signalen's own words on a refusal, short (its 400s are JSON naming the field and the reason)."""
    try:
        document = json.loads(body)
    except ValueError:
        return body[:300].decode("utf-8", "replace")
    return json.dumps(document, ensure_ascii=False)[:300]
