"""Signing what GDT sends to another system (a partner's webhook, an event subscriber): HMAC-SHA256 over
"<timestamp>.<body>" with a key derived from SECRET_KEY and the receiver's random salt, so nothing secret is stored
and a new salt is a new key. The header value is `t=<unix seconds>,v1=<hex digest>`; the receiver recomputes it
and refuses a timestamp outside its replay window (README, "Events for other systems")."""
import hashlib
import hmac
import secrets

from flask import current_app


def derived_secret(purpose: str, salt: str) -> str:
    """The receiver's key: `purpose` keeps the keys of different kinds of receiver apart."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"{purpose}:{salt}".encode(), hashlib.sha256).hexdigest()


def new_salt() -> str:
    return secrets.token_hex(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
