"""Passkeys (WebAuthn) as a second factor: registering one, proving one at login, naming and removing them.

A ceremony has two steps. `registration_options` / `authentication_options` return the options for the browser's
`navigator.credentials.create()` / `.get()` and a `state` (the challenge, whose it is, what for, until when) that the
caller keeps server-side and hands back once to `finish_registration` / `finish_authentication`: a challenge is
used for one attempt only. The relying party (`relying_party`) is PUBLIC_BASE_URL in production and the request's
own address elsewhere; WEBAUTHN_RP_ID overrides the RP ID. Attestation is "none": GDT trusts the user's own choice
of authenticator, and a passkey is a second factor after the password, never the only one.
"""
import ipaddress
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NoReturn
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import bytes_to_base64url, parse_authentication_credential_json
from webauthn.helpers.base64url_to_bytes import base64url_to_bytes
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AttestationConveyancePreference,
    AuthenticatorSelectionCriteria,
    AuthenticatorTransport,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from gdt.db import db, utcnow
from gdt.models import Passkey, User
from gdt.services.core import audit
from gdt.services.core.errors import Forbidden, NotFound, ServiceError
from gdt.services.core.transaction import unit_of_work
from gdt.services.identity import recovery_codes, second_factor
from gdt.validation import InvalidValue, clean_name

MAX_PER_USER = 10
NAME_MAX = 60
CEREMONY_SECONDS = 300  # how long a challenge stays valid; also the browser's timeout hint
TRANSPORTS = frozenset(transport.value for transport in AuthenticatorTransport)

EXPIRED = _l("Dit verzoek is verlopen of al gebruikt. Probeer het opnieuw.")
NOT_VERIFIED = _l("De passkey kon niet worden gecontroleerd. Probeer het opnieuw of kies een andere manier.")


@dataclass(frozen=True)
class RelyingParty:
    """Who the browser must see: the RP ID (a domain name), the name shown, and the one origin accepted."""

    id: str
    name: str
    origin: str


def relying_party(config: Mapping, request_url: str) -> RelyingParty:
    """PUBLIC_BASE_URL in production; the address the request came to elsewhere (development, tests).

    An IP address is no valid RP ID: browsers refuse passkeys there, so open GDT at a name (http://localhost:5000).
    """
    base = config["PUBLIC_BASE_URL"] if config.get("ENVIRONMENT") == "production" else request_url
    parts = urlsplit(base or "")
    rp_id = config.get("WEBAUTHN_RP_ID") or (parts.hostname or "")
    if not rp_id or _is_ip_address(rp_id):
        raise ServiceError(_l("Passkeys werken alleen als GDT via een domeinnaam wordt geopend, niet via een "
                              "IP-adres. Neem contact op met de beheerder."), code="passkeys_unavailable")
    return RelyingParty(rp_id, config.get("WEBAUTHN_RP_NAME") or "GDT", f"{parts.scheme}://{parts.netloc}")


def _is_ip_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def passkeys_of(user: User) -> list[Passkey]:
    """The user's passkeys, oldest first."""
    return list(db.session.scalars(sa.select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.id)))


def has_passkeys(user: User) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(Passkey.user_id == user.id)))


# --- registration ------------------------------------------------------------------------------------------------

def registration_options(user: User, rp: RelyingParty) -> tuple[dict, dict]:
    """Options for navigator.credentials.create() and the state to keep until `finish_registration`."""
    existing = passkeys_of(user)
    _check_room(existing)
    options = generate_registration_options(
        rp_id=rp.id, rp_name=rp.name, user_id=_user_handle(user), user_name=user.email, user_display_name=user.name,
        timeout=CEREMONY_SECONDS * 1000, attestation=AttestationConveyancePreference.NONE,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED, user_verification=UserVerificationRequirement.PREFERRED),
        exclude_credentials=[_descriptor(passkey) for passkey in existing],
    )
    return json.loads(options_to_json(options)), _state("registration", user, options.challenge)


def finish_registration(user: User, credential: dict, state: Mapping | None, name: str | None, rp: RelyingParty,
                        *, actor: User | None) -> Passkey:
    """Check the browser's answer against the challenge kept in `state` and store the new passkey."""
    name = clean_passkey_name(name)
    challenge = _challenge_from(state, "registration", user)
    try:
        verified = verify_registration_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp.id, expected_origin=rp.origin)
    except (WebAuthnException, ValueError, KeyError, TypeError, AttributeError) as refused:
        _refuse(actor, user, "register_passkey", "not_verified", refused)
    if db.session.scalar(sa.select(sa.exists().where(Passkey.credential_id == verified.credential_id))):
        audit.record_now(actor, "register_passkey", "user", str(user.id), outcome="denied",
                         detail={"reason": "already_registered"})
        raise ServiceError(_l("Deze passkey is al geregistreerd."), code="already_registered")
    with unit_of_work():
        _check_room(passkeys_of(user))
        passkey = Passkey(user_id=user.id, credential_id=verified.credential_id,
                          public_key=verified.credential_public_key, sign_count=verified.sign_count,
                          transports=_transports(credential), name=name)
        db.session.add(passkey)
        db.session.flush()
        audit.record(actor, "register_passkey", "user", str(user.id), detail={"passkey": passkey.id})
    return passkey


def recovery_codes_due(user: User) -> bool:
    """Whether registering a passkey should end with recovery codes: as with an authenticator app, when the user
    has no unused ones (the first factor, or all spent)."""
    return recovery_codes.unused_count(user) == 0


def issue_recovery_codes(user: User, *, actor: User) -> list[str] | None:
    """New recovery codes after a passkey was registered, when the user has none left; None when they still do."""
    with unit_of_work():
        if recovery_codes.unused_count(user):
            return None
        codes = recovery_codes.replace(user)
        audit.record(actor, "issue_recovery_codes", "user", str(user.id),
                     detail={"count": len(codes), "after": "register_passkey"})
    return codes


def clean_passkey_name(raw: str | None) -> str:
    try:
        name = clean_name(raw, max_length=NAME_MAX)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field="name") from invalid
    if not name:
        raise ServiceError(_l("Geef de passkey een naam, zoals Telefoon of Beveiligingssleutel."), field="name")
    return name


def _check_room(existing: list[Passkey]) -> None:
    if len(existing) >= MAX_PER_USER:
        raise ServiceError(_l("U heeft al %(max)d passkeys. Verwijder er eerst een.", max=MAX_PER_USER),
                           code="too_many_passkeys")


def _transports(credential: Mapping) -> str | None:
    """The hints the browser gave (usb, nfc, internal, hybrid …), kept to offer the key the same way next time."""
    response = credential.get("response") if isinstance(credential, Mapping) else None
    given = response.get("transports") if isinstance(response, Mapping) else None
    known = [value for value in given if value in TRANSPORTS] if isinstance(given, list) else []
    return ",".join(dict.fromkeys(known)) or None


# --- authentication ----------------------------------------------------------------------------------------------

def authentication_options(user: User, rp: RelyingParty) -> tuple[dict, dict]:
    """Options for navigator.credentials.get() offering only the user's own passkeys, and the state to keep."""
    existing = passkeys_of(user)
    if not existing:
        raise NotFound(_l("Voor dit account is geen passkey geregistreerd."), code="no_passkeys")
    options = generate_authentication_options(
        rp_id=rp.id, timeout=CEREMONY_SECONDS * 1000, user_verification=UserVerificationRequirement.PREFERRED,
        allow_credentials=[_descriptor(passkey) for passkey in existing])
    return json.loads(options_to_json(options)), _state("authentication", user, options.challenge)


def finish_authentication(user: User, credential: dict, state: Mapping | None, rp: RelyingParty) -> Passkey:
    """Check the signature of one of the user's passkeys over the kept challenge; store its counter and use.

    The library checks everything but the counter (it is asked with 0); this function refuses a counter that did
    not go up, which means a copy of the key was used (a "cloned authenticator"), and audits that on its own.
    Authenticators that keep no counter send 0 every time and are accepted.
    """
    challenge = _challenge_from(state, "authentication", user)
    passkey = _own_passkey(user, credential)
    try:
        verified = verify_authentication_response(
            credential=credential, expected_challenge=challenge, expected_rp_id=rp.id, expected_origin=rp.origin,
            credential_public_key=passkey.public_key, credential_current_sign_count=0)
    except (WebAuthnException, ValueError, KeyError, TypeError, AttributeError) as refused:
        _refuse(user, user, "use_passkey", "not_verified", refused, passkey=passkey)
    if (verified.new_sign_count or passkey.sign_count) and verified.new_sign_count <= passkey.sign_count:
        audit.record_now(user, "use_passkey", "user", str(user.id), outcome="denied",
                         detail={"passkey": passkey.id, "reason": "sign_count_not_increased",
                                 "stored": passkey.sign_count, "received": verified.new_sign_count})
        raise Forbidden(_l("Deze passkey is geweigerd: hij lijkt gekopieerd. Log in op een andere manier en "
                           "verwijder deze passkey, of neem contact op met de beheerder."), code="cloned_passkey")
    with unit_of_work():
        passkey.sign_count = verified.new_sign_count
        passkey.last_used_at = utcnow()
        audit.record(user, "use_passkey", "user", str(user.id), detail={"passkey": passkey.id})
    return passkey


def _own_passkey(user: User, credential: Mapping) -> Passkey:
    try:
        raw_id = parse_authentication_credential_json(credential).raw_id
    except (WebAuthnException, ValueError, KeyError, TypeError, AttributeError) as refused:
        _refuse(user, user, "use_passkey", "malformed", refused)
    passkey = db.session.scalar(sa.select(Passkey).where(Passkey.credential_id == raw_id,
                                                         Passkey.user_id == user.id))
    if passkey is None:
        audit.record_now(user, "use_passkey", "user", str(user.id), outcome="denied",
                         detail={"reason": "unknown_credential"})
        raise ServiceError(_l("Deze passkey hoort niet bij dit account."), code="unknown_credential")
    return passkey


# --- managing ----------------------------------------------------------------------------------------------------

def rename_passkey(user: User, passkey_id: int, name: str | None, *, actor: User) -> Passkey:
    name = clean_passkey_name(name)
    with unit_of_work():
        passkey = _owned(user, passkey_id)
        passkey.name = name
        audit.record(actor, "rename_passkey", "user", str(user.id), detail={"passkey": passkey.id})
    return passkey


def confirm_password(user: User, password: str | None) -> None:
    """The current password again before a logged-in user adds a passkey (a screen left unlocked); wrong ones count
    towards the login delay, as at the login page."""
    second_factor.reauthenticate(user, password, purpose="register_passkey")


def remove_passkey(user: User, passkey_id: int, password: str | None, *, actor: User) -> None:
    """Remove one passkey after the current password; not the last factor while MFA_REQUIRED is on (an
    authenticator app counts as one). With no factor left, the recovery codes go too: nothing for them to stand in
    for."""
    _owned(user, passkey_id)
    second_factor.reauthenticate(user, password, purpose="remove_passkey")
    with unit_of_work():
        passkey = _owned(user, passkey_id)
        others = db.session.scalar(sa.select(sa.func.count()).select_from(Passkey).where(
            Passkey.user_id == user.id, Passkey.id != passkey.id))
        if current_app.config["MFA_REQUIRED"] and not others and user.totp_enabled_at is None:
            refused = ServiceError(_l("Dit is uw enige tweede factor, en die is verplicht. Voeg eerst een andere "
                                      "passkey of een authenticator-app toe; daarna kunt u deze verwijderen."),
                                   code="last_factor")
        else:
            refused = None
            db.session.delete(passkey)
            last = not others and user.totp_enabled_at is None
            if last:
                recovery_codes.remove_all(user)
            audit.record(actor, "remove_passkey", "user", str(user.id),
                         detail={"passkey": passkey.id} | ({"recovery_codes_removed": True} if last else {}))
    if refused is not None:
        audit.record_now(actor, "remove_passkey", "user", str(user.id), outcome="denied",
                         detail={"passkey": passkey_id, "reason": "last_factor"})
        raise refused


def _owned(user: User, passkey_id: int) -> Passkey:
    passkey = db.session.get(Passkey, passkey_id)
    if passkey is None or passkey.user_id != user.id:
        raise NotFound(_l("Deze passkey bestaat niet (meer)."))
    return passkey


# --- shared ------------------------------------------------------------------------------------------------------

def _user_handle(user: User) -> bytes:
    """The WebAuthn user handle: the account's number, nothing personal (it is stored on the authenticator)."""
    return f"gdt-user-{user.id}".encode()


def _descriptor(passkey: Passkey) -> PublicKeyCredentialDescriptor:
    transports = [AuthenticatorTransport(value) for value in (passkey.transports or "").split(",")
                  if value in TRANSPORTS]
    return PublicKeyCredentialDescriptor(id=passkey.credential_id, transports=transports or None)


def _state(purpose: str, user: User, challenge: bytes) -> dict:
    return {"purpose": purpose, "user_id": user.id, "challenge": bytes_to_base64url(challenge),
            "expires": int(time.time()) + CEREMONY_SECONDS}


def _challenge_from(state: Mapping | None, purpose: str, user: User) -> bytes:
    if not isinstance(state, Mapping) or state.get("purpose") != purpose or state.get("user_id") != user.id \
            or not isinstance(state.get("expires"), int) or state["expires"] < time.time():
        raise ServiceError(EXPIRED, code="no_challenge")
    return base64url_to_bytes(state["challenge"])


def _refuse(actor: User | None, user: User, action: str, reason: str, error: Exception, *,
            passkey: Passkey | None = None) -> NoReturn:
    detail = {"reason": reason, "error": type(error).__name__} | ({"passkey": passkey.id} if passkey else {})
    audit.record_now(actor, action, "user", str(user.id), outcome="denied", detail=detail)
    raise ServiceError(NOT_VERIFIED, code="not_verified") from error
