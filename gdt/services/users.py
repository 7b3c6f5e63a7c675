"""Staff accounts: create, change role or name, deactivate and reactivate (admin only)."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import User
from gdt.models.users import ROLES
from gdt.services import audit
from gdt.services.auth import end_all_sessions, hash_password
from gdt.services.errors import ServiceError
from gdt.services.transaction import unit_of_work
from gdt.validation import InvalidValue, clean_text, normalise_email


def create_user(email: str, name: str, role: str, password: str, *, actor: User | None) -> User:
    clean_email, clean_name = _clean_email(email), _clean_name(name)
    _check_role(role)
    with unit_of_work():
        if db.session.scalar(sa.select(User.id).where(User.email == clean_email)) is not None:
            raise ServiceError(_l("Er bestaat al een account met dit e-mailadres."), field="email")
        user = User(email=clean_email, name=clean_name, role=role, password_hash=hash_password(password))
        db.session.add(user)
        db.session.flush()
        audit.record(actor, "create", "user", str(user.id), detail={"role": role})
    return user


def update_user(user: User, *, name: str, role: str, actor: User) -> User:
    clean_name = _clean_name(name)
    _check_role(role)
    with unit_of_work():
        changes = [field for field, value in (("name", clean_name), ("role", role)) if getattr(user, field) != value]
        if user.id == actor.id and role != user.role:
            raise ServiceError(_l("U kunt uw eigen rol niet wijzigen."), field="role")
        if "role" in changes:
            end_all_sessions(user)  # new rights start with a new login
            audit.record(actor, "change_role", "user", str(user.id), detail={"from": user.role, "to": role})
        user.name, user.role = clean_name, role
        audit.record(actor, "update", "user", str(user.id), detail={"fields": changes})
    return user


def set_user_active(user: User, active: bool, *, actor: User | None) -> User:
    """`actor` None is the operator on the command line."""
    with unit_of_work():
        if actor is not None and user.id == actor.id and not active:
            raise ServiceError(_l("U kunt uw eigen account niet deactiveren."))
        user.is_active = active
        if not active:
            end_all_sessions(user)
        audit.record(actor, "activate" if active else "deactivate", "user", str(user.id))
    return user


def user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == (email or "").strip().lower()))


def list_users() -> sa.Select:
    return sa.select(User).order_by(User.is_active.desc(), User.name)


def active_coordinators() -> list[User]:
    return list(db.session.scalars(
        sa.select(User).where(User.role == "coordinator", User.is_active).order_by(User.name)
    ))


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise ServiceError(_l("Kies een bestaande rol."), field="role")


def _clean_email(email: str) -> str:
    try:
        value = normalise_email(email)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field="email") from invalid
    if value is None:
        raise ServiceError(_l("Vul een e-mailadres in."), field="email")
    return value


def _clean_name(name: str) -> str:
    try:
        value = clean_text(name, max_length=120, multiline=False)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field="name") from invalid
    if value is None:
        raise ServiceError(_l("Vul een naam in."), field="name")
    return value
