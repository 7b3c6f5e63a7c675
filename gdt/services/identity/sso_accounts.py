"""What a verified single sign-on identity means for GDT's accounts (docs/decisions/0021-single-sign-on.md).

* The role comes from the provider at every login: the values of the OIDC_ROLES_CLAIM claim, mapped by
  OIDC_ROLE_MAP to GDT's staff roles; several mapped roles give the first of ROLE_PRECEDENCE. No mapped role:
  refused, nothing created or changed. A partner role never comes from single sign-on.
* The account is found by the provider's subject (`sub`, kept in users.oidc_subject). Without one, an existing
  account is taken over by e-mail only when it has no subject yet and the address can be trusted: the provider
  says email_verified, or (saying nothing about it) gives exactly the address GDT has. Otherwise a new account is
  made just in time, without a password. A deactivated account stays out whatever the provider says.
* Back-channel logout ends the GDT sessions of the provider's session (`sid`) or all of the subject's sessions.
"""
import json

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.models import User, UserSession
from gdt.models.users import ROLES
from gdt.services.core import audit
from gdt.services.core.transaction import unit_of_work
from gdt.services.identity.oidc import Identity, SsoRefused

STAFF_ROLES = tuple(role for role in ROLES if role != "partner")
ROLE_PRECEDENCE = ("admin", "manager", "coordinator", "intake")  # several mapped roles: the first of these
NAME_MAX = 120

NO_ROLE = _l("Uw account bij de inlogdienst heeft geen rol in GDT. Vraag de beheerder van GDT of van de "
             "inlogdienst om u een rol te geven.")
INACTIVE = _l("Uw account in GDT is niet actief. Neem contact op met de beheerder van GDT.")
NO_MFA = _l("De inlogdienst heeft geen tweede factor gemeld. Log opnieuw in en bevestig uw inlog met een tweede "
            "factor, zoals de authenticator-app of een beveiligingssleutel.")
NOT_MATCHED = _l("Er bestaat al een GDT-account met dit e-mailadres, maar de inlogdienst heeft het adres niet "
                 "bevestigd. Vraag de beheerder van GDT om uw account te koppelen.")
PARTNER = _l("Dit account is van een ketenpartner. Ketenpartners loggen in met hun e-mailadres en wachtwoord.")
NO_EMAIL = _l("De inlogdienst heeft geen e-mailadres van u doorgegeven. Vraag de beheerder van de inlogdienst "
              "om dit na te kijken.")


def parse_role_map(text: str | None) -> dict[str, str]:
    """OIDC_ROLE_MAP as a dict; ValueError naming the problem when it is no JSON object of staff roles."""
    try:
        mapping = json.loads(text or "{}")
    except ValueError as error:
        raise ValueError(f"OIDC_ROLE_MAP is no valid JSON ({error.msg})") from error
    if not isinstance(mapping, dict):
        raise ValueError('OIDC_ROLE_MAP must be a JSON object such as {"gdt-coordinator": "coordinator"}')
    wrong = sorted({str(role) for role in mapping.values() if role not in STAFF_ROLES})
    if wrong:
        raise ValueError(f"OIDC_ROLE_MAP names unknown or non-staff role(s) {', '.join(map(repr, wrong))}; "
                         f"use {', '.join(STAFF_ROLES)}")
    return {str(value): role for value, role in mapping.items()}


def mapped_role(claims: dict, roles_claim: str, role_map: dict[str, str]) -> str | None:
    """The GDT role the claims give, or None."""
    values = claims.get(roles_claim)
    values = [values] if isinstance(values, str) else values if isinstance(values, list) else []
    roles = {role_map[value] for value in values if isinstance(value, str) and value in role_map}
    return next((role for role in ROLE_PRECEDENCE if role in roles), None)


def sign_in(identity: Identity, *, roles_claim: str, role_map: dict[str, str], require_mfa: bool) -> User:
    """The account this identity logs in as (created or updated); SsoRefused with a reason code otherwise.

    Every outcome is audited as `sso_login` (refusals with their reason, never a token or an address)."""
    try:
        with unit_of_work():
            return _sign_in(identity, roles_claim, role_map, require_mfa)
    except SsoRefused as refused:
        _audit_refusal(identity.claims, refused.code)
        raise


def _sign_in(identity: Identity, roles_claim: str, role_map: dict[str, str], require_mfa: bool) -> User:
    claims = identity.claims
    if require_mfa and not identity.shows_mfa:
        raise SsoRefused("no_mfa", NO_MFA, status=403)
    role = mapped_role(claims, roles_claim, role_map)
    if role is None:
        raise SsoRefused("no_role", NO_ROLE, status=403)
    user = _account_for(claims)
    if user is not None and user.role == "partner":
        raise SsoRefused("partner_account", PARTNER, status=403)
    if user is not None and not user.may_sign_in:
        raise SsoRefused("inactive", INACTIVE, status=403)
    created = user is None
    user = user or _create(claims, role)
    if user.oidc_subject is None:
        user.oidc_subject = claims["sub"]
    if user.role != role:
        audit.record(user, "sso_role_change", "user", str(user.id), detail={"from": user.role, "to": role})
        user.role = role
    user.name = _name(claims) or user.name
    user.last_login_at = utcnow()
    audit.record(user, "sso_login", "user", str(user.id), detail={"created": created, "role": role,
                                                                  "mfa": identity.shows_mfa})
    return user


def _account_for(claims: dict) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.oidc_subject == claims["sub"]))
    if user is not None:
        return user
    email = _email(claims)
    if email is None:
        raise SsoRefused("no_email", NO_EMAIL, status=403)
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        return None
    verified = claims.get("email_verified")
    trusted = verified is True or (verified is None and claims.get("email") == user.email)
    if user.oidc_subject is not None or not trusted:
        raise SsoRefused("email_not_matched", NOT_MATCHED, status=403)
    return user


def _create(claims: dict, role: str) -> User:
    user = User(email=_email(claims), name=_name(claims) or _email(claims)[:NAME_MAX], role=role,
                password_hash=None, oidc_subject=claims["sub"])
    db.session.add(user)
    db.session.flush()
    audit.record(user, "user_create", "user", str(user.id), detail={"via": "sso", "role": role})
    return user


def _email(claims: dict) -> str | None:
    email = claims.get("email") or claims.get("preferred_username")
    if not isinstance(email, str) or "@" not in email or len(email) > 254:
        return None
    return email.strip().lower()


def _name(claims: dict) -> str | None:
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(part.strip() for part in parts if isinstance(part, str) and part.strip())
    return name.strip()[:NAME_MAX] or None


def _audit_refusal(claims: dict, reason: str | None) -> None:
    user = db.session.scalar(sa.select(User).where(User.oidc_subject == claims.get("sub"))) \
        if isinstance(claims.get("sub"), str) else None
    audit.record_now(user, "sso_login", "user", str(user.id) if user else None, outcome="denied",
                     detail={"reason": reason})


def audit_protocol_refusal(reason: str | None) -> None:
    """A login refused before GDT knew who it was (state, nonce, token checks): the reason only."""
    audit.record_now(None, "sso_login", "user", None, outcome="denied", detail={"reason": reason})


def audit_backchannel_refusal(reason: str | None) -> None:
    """A back-channel logout token that did not pass: the reason only."""
    audit.record_now(None, "sso_backchannel_logout", "user", None, outcome="denied", detail={"reason": reason})


def end_provider_sessions(claims: dict, *, channel: str = "back") -> int:
    """The provider's logout: end the live sessions of the provider's session `sid`, or, with `sub` only, every
    session of the subject's user. `channel` "back" (a verified logout token) or "front" (the provider's page
    loaded GDT's front-channel URL with iss and sid). Returns how many ended; audited as
    `sso_backchannel_logout` or `sso_frontchannel_logout`."""
    sid, sub = claims.get("sid"), claims.get("sub")
    with unit_of_work():
        user = db.session.scalar(sa.select(User).where(User.oidc_subject == sub)) if sub else None
        query = sa.update(UserSession).where(UserSession.ended_at.is_(None))
        if sid:
            query = query.where(UserSession.oidc_sid == sid)
        if sub:
            query = query.where(UserSession.user_id == (user.id if user else -1))
        reason = "backchannel_logout" if channel == "back" else "provider_logout"
        ended = db.session.execute(query.values(ended_at=utcnow(), end_reason=reason)).rowcount
        audit.record(user, f"sso_{channel}channel_logout", "user", str(user.id) if user else None,
                     detail={"sessions": ended, "by": "sid" if sid else "sub"})
    return ended
