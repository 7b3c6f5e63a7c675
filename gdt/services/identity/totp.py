"""TOTP (RFC 6238, the codes of an authenticator app): secrets, the QR code, checking a code, encryption at rest.

A secret is 160 random bits in base32 (what every authenticator app reads). It is stored encrypted with Fernet
under a key derived from SECRET_KEY with HKDF, so a copy of the database alone yields no codes; SECRET_KEY_FALLBACKS
still decrypt after a key rotation until `reencrypt` has moved every secret to the current key
(docs/decisions/0020-totp-secrets-encrypted-with-the-secret-key.md).

A code is accepted for the current 30-second step and one step either side (clock drift), and only for a step later
than the last one the account used: a code seen over someone's shoulder, or sent twice, is refused.
"""
import base64
import hmac
import time
from collections.abc import Iterable

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
_HKDF_SALT = b"gdt.identity.totp"
_HKDF_INFO = b"totp secret encryption v1"


class UnreadableSecret(Exception):
    """A stored secret no current or former SECRET_KEY decrypts: the user must enrol again."""


def new_secret() -> str:
    return pyotp.random_base32()  # 32 characters, 160 bits (RFC 4226's recommended length)


def grouped(secret: str) -> str:
    """The secret in groups of four, as it is easiest to type into an app: "ABCD EFGH …"."""
    return " ".join(secret[start:start + 4] for start in range(0, len(secret), 4))


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The otpauth:// URI the QR code carries: the app shows `issuer` and `account` next to the codes."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(name=account,
                                                                                     issuer_name=issuer)


def qr_svg(uri: str, *, title: str) -> str:
    """The QR code as inline SVG, made here: no image service ever sees the secret."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=4, dark="#000", light="#fff", title=title,
                                               svgclass="gdt-qr")
    return svg.replace("<svg ", '<svg role="img" focusable="false" ', 1)


_clock = time.time  # the tests set the time here


def current_step(now: float | None = None) -> int:
    return int((_clock() if now is None else now) // STEP_SECONDS)


def code_at(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def normalise_code(typed: str | None) -> str | None:
    """The six digits typed, spaces and dashes left out ("123 456" is fine); None for anything else."""
    code = "".join((typed or "").split()).replace("-", "")
    return code if len(code) == DIGITS and code.isascii() and code.isdigit() else None


def matching_step(secret: str, code: str | None, *, last_step: int | None, now: float | None = None) -> int | None:
    """The time step `code` belongs to (now, or one step either side), if it is later than `last_step`."""
    if code is None:
        return None
    step = current_step(now)
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if last_step is not None and candidate <= last_step:
            continue
        if hmac.compare_digest(code_at(secret, candidate), code):
            return candidate
    return None


def was_used(secret: str, code: str | None, *, last_step: int | None, now: float | None = None) -> bool:
    """Whether `code` is a valid code of a step already used: a replay (said as such, and audited)."""
    if code is None or last_step is None:
        return False
    step = current_step(now)
    return any(hmac.compare_digest(code_at(secret, candidate), code)
               for candidate in range(step - DRIFT_STEPS, min(step + DRIFT_STEPS, last_step) + 1))


# --- encryption at rest ------------------------------------------------------------------------------------------

def encrypt(secret: str, keys: Iterable[str]) -> str:
    """`secret` encrypted with the first key (SECRET_KEY); the result is what users.totp_secret holds."""
    return _fernet(keys).encrypt(secret.encode()).decode("ascii")


def decrypt(stored: str, keys: Iterable[str]) -> str:
    try:
        return _fernet(keys).decrypt(stored.encode("ascii")).decode()
    except (InvalidToken, ValueError) as unreadable:
        raise UnreadableSecret() from unreadable


def reencrypted(stored: str, keys: Iterable[str]) -> str:
    """The same secret encrypted with the current key (MultiFernet.rotate); raises UnreadableSecret."""
    try:
        return _fernet(keys).rotate(stored.encode("ascii")).decode("ascii")
    except (InvalidToken, ValueError) as unreadable:
        raise UnreadableSecret() from unreadable


def _fernet(keys: Iterable[str]) -> MultiFernet:
    return MultiFernet([Fernet(_derive(key)) for key in keys if key])


def _derive(secret_key: str) -> bytes:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=_HKDF_SALT, info=_HKDF_INFO).derive(secret_key.encode())
    return base64.urlsafe_b64encode(key)
