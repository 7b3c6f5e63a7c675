"""Staff accounts: create (with an invitation to choose a password), change role or name, deactivate and
reactivate (admin only). An administrator never chooses anyone's password."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import User
from gdt.models.users import ROLES
from gdt.services.admin import activation
from gdt.services.core import audit, reference_data, tokens
from gdt.services.core.auth import end_all_sessions
from gdt.services.core.errors import NotFound, ServiceError, ValidationFailed
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work
from gdt.services.identity import account_links, passwords
from gdt.validation import clean_fields, name_line, normalise_email, one_of, required


def invite_user(email: str, name: str, role: str, *, actor: User | None, partner_key: str | None = None,
                send_mail: bool = True) -> tuple[User, str | None]:
    """A new account without a password, and an invitation link to choose one (account_links), in one unit of
    work. The link is mailed through the outbox, or with `send_mail` False returned for the operator to hand over
    (`flask setup`, `users create --print-link`). Returns the user and that URL (None when mailed)."""
    fields = _clean_fields(email=email, name=name, role=role, partner=partner_key)
    with unit_of_work():
        user = _add(fields, None, actor=actor)
        link = account_links.issue(user, "invitation", actor=actor, send_mail=send_mail)
    return user, link


def create_user(email: str, name: str, role: str, password: str | None = None, *, actor: User | None,
                partner_key: str | None = None) -> User:
    """An account with a password the user chose (the demo accounts, `flask setup` outside production), or
    without one (it logs in through single sign-on, or waits for `account_links.resend_invitation`).
    `partner_key`: the organisation of a partner user (role partner), and only then."""
    fields = _clean_fields(email=email, name=name, role=role, partner=partner_key)
    password_hash = None
    if password is not None:  # before the transaction: argon2 is slow on purpose
        password_hash = passwords.hash_new_password(password, email=fields["email"], name=fields["name"])
    with unit_of_work():
        user = _add(fields, password_hash, actor=actor)
    return user


@joins_unit_of_work
def _add(fields: dict, password_hash: str | None, *, actor: User | None) -> User:
    if db.session.scalar(sa.select(User.id).where(User.email == fields["email"])) is not None:
        raise ServiceError(_l("Er bestaat al een account met dit e-mailadres."), field="email")
    user = User(**fields, password_hash=password_hash)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "create", "user", str(user.id),
                 detail={"role": fields["role"], "password": password_hash is not None})
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
    """A new password set by the operator (`flask users set-password`, recovery), under the same rules as the
    user's own: every session, every personal API token and every unused account link of the user ends with the
    old one, so whoever knew it keeps nothing. `actor` None is the operator on the command line."""
    password_hash = passwords.hash_new_password(password, email=user.email, name=user.name)  # slow: outside
    with unit_of_work():
        user.password_hash = password_hash
        account_links.revoke_all(user)
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
    """A partner user gets its (active) organisation; staff none."""
    partner_key = raw.pop("partner", None)
    fields, errors = clean_fields(RULES, raw)
    partner = reference_data.partner_by_key(partner_key) if partner_key else None
    if fields.get("role") == "partner" and (partner is None or not partner.is_active):
        errors["partner"] = _l("Kies de organisatie van deze ketenpartner-gebruiker.")
    if errors:
        raise ValidationFailed(errors)
    fields["partner"] = partner if fields["role"] == "partner" else None
    return fields


RULES = {
    "email": required(normalise_email, _l("Vul een e-mailadres in.")),
    "name": required(name_line(120), _l("Vul een naam in.")),
    "role": one_of(ROLES, _l("Kies een rol.")),
}
