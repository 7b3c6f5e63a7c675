"""Staff accounts: create, change role or name, deactivate and reactivate (admin only)."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import User
from gdt.models.users import ROLES
from gdt.services.admin import activation
from gdt.services.core import audit, reference_data, tokens
from gdt.services.core.auth import check_password_policy, end_all_sessions, hash_password
from gdt.services.core.errors import NotFound, ServiceError, ValidationFailed
from gdt.services.core.transaction import unit_of_work
from gdt.validation import InvalidValue, clean_fields, name_line, normalise_email, one_of, required


def create_user(email: str, name: str, role: str, password: str, *, actor: User | None,
                partner_key: str | None = None) -> User:
    """`partner_key`: the organisation of a partner user (role partner), and only then."""
    fields = _clean_fields(email=email, name=name, role=role, password=password, partner=partner_key)
    password_hash = hash_password(password)  # before the transaction: argon2 is slow on purpose
    with unit_of_work():
        if db.session.scalar(sa.select(User.id).where(User.email == fields["email"])) is not None:
            raise ServiceError(_l("Er bestaat al een account met dit e-mailadres."), field="email")
        user = User(**fields, password_hash=password_hash)
        db.session.add(user)
        db.session.flush()
        audit.record(actor, "create", "user", str(user.id), detail={"role": role})
    return user


def update_user(user: User, *, name: str, role: str, actor: User | None, partner_key: str | None = None) -> User:
    """Name, role and organisation; never the e-mail address or the password. `actor` None is the operator on the
    command line. A new role or organisation ends the user's sessions: new rights start with a new login."""
    fields = _clean_fields(name=name, role=role, partner=partner_key)
    if actor is not None and user.id == actor.id and role != user.role:
        raise ServiceError(_l("U kunt uw eigen rol niet wijzigen."), field="role")
    with unit_of_work():
        changes = [field for field, value in fields.items() if getattr(user, field) != value]
        if "role" in changes or "partner" in changes:
            end_all_sessions(user, reason="role_changed", actor=actor)  # new rights start with a new login
            audit.record(actor, "change_role", "user", str(user.id), detail={
                "from": user.role, "to": role, "partner": fields["partner"].key if fields["partner"] else None})
        user.name, user.role, user.partner = fields["name"], fields["role"], fields["partner"]
        audit.record(actor, "update", "user", str(user.id), detail={"fields": changes})
    return user


def set_user_active(user: User, active: bool, *, actor: User | None) -> User:
    """`actor` None is the operator on the command line."""
    if actor is not None and user.id == actor.id and not active:
        raise ServiceError(_l("U kunt uw eigen account niet deactiveren."))
    return activation.set_active(user, active, actor=actor, object_type="user", object_ref=str(user.id),
                                 then=None if active else lambda: _cut_off(user, reason="deactivated", actor=actor))


def set_password(user: User, password: str, *, actor: User | None) -> User:
    """A new password (a change or a reset): every session and every personal API token of the user ends with
    the old one, so whoever knew it keeps nothing. `actor` None is the operator on the command line."""
    password_hash = hash_password(password)  # before the transaction: argon2 is slow on purpose
    with unit_of_work():
        user.password_hash = password_hash
        detail = _cut_off(user, reason="password_changed", actor=actor)
        audit.record(actor, "set_password", "user", str(user.id), detail=detail)
    return user


def _cut_off(user: User, *, reason: str, actor: User | None) -> dict:
    """Inside the caller's unit of work: the user's sessions end and their tokens are revoked (not just unusable
    while deactivated, so reactivating brings none back)."""
    end_all_sessions(user, reason=reason, actor=actor)
    return {"tokens_revoked": tokens.revoke_tokens_of([user.id])}


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("Dit account bestaat niet."))
    return user


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == (email or "").strip().lower()))


def list_users() -> sa.Select:
    return sa.select(User).order_by(User.is_active.desc(), User.name, User.id)


def active_coordinators() -> list[User]:
    return list(db.session.scalars(
        sa.select(User).where(User.role == "coordinator", User.is_active).order_by(User.name)
    ))


def _clean_fields(**raw: str | None) -> dict:
    """The password is checked, not kept. A partner user gets its (active) organisation; staff none."""
    partner_key = raw.pop("partner", None)
    fields, errors = clean_fields(RULES, raw)
    partner = reference_data.partner_by_key(partner_key) if partner_key else None
    if fields.get("role") == "partner" and (partner is None or not partner.is_active):
        errors["partner"] = _l("Kies de organisatie van deze ketenpartner-gebruiker.")
    if errors:
        raise ValidationFailed(errors)
    fields.pop("password", None)
    fields["partner"] = partner if fields["role"] == "partner" else None
    return fields


def _password(raw: str | None) -> None:
    try:
        check_password_policy(raw)
    except ServiceError as refused:
        raise InvalidValue(refused.message) from refused


RULES = {
    "email": required(normalise_email, _l("Vul een e-mailadres in.")),
    "name": required(name_line(120), _l("Vul een naam in.")),
    "role": one_of(ROLES, _l("Kies een rol.")),
    "password": _password,
}
