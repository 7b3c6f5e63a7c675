"""Chain partners: create, edit, deactivate (admin only). Keys are stable: imports and the API use them."""
import re

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import Partner, User
from gdt.models.partners import PARTNER_KINDS
from gdt.services import audit
from gdt.services.errors import ServiceError
from gdt.services.transaction import unit_of_work
from gdt.validation import InvalidValue, clean_text, normalise_email

PARTNER_KEY = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def create_partner(key: str, name: str, *, email: str | None = None, kind: str = "other",
                   actor: User | None) -> Partner:
    clean_key = (key or "").strip().lower()
    if not PARTNER_KEY.fullmatch(clean_key) or len(clean_key) > 60:
        raise ServiceError(_l("Een sleutel bestaat uit kleine letters, cijfers en streepjes, zoals politie-oost."),
                           field="key")
    fields = _clean_fields(name, email, kind)
    with unit_of_work():
        if db.session.scalar(sa.select(Partner.id).where(Partner.key == clean_key)) is not None:
            raise ServiceError(_l("Er bestaat al een ketenpartner met deze sleutel."), field="key")
        partner = Partner(key=clean_key, **fields)
        db.session.add(partner)
        audit.record(actor, "create", "partner", clean_key)
    return partner


def update_partner(partner: Partner, *, name: str, email: str | None, kind: str, actor: User) -> Partner:
    fields = _clean_fields(name, email, kind)
    with unit_of_work():
        changed = [field for field, value in fields.items() if getattr(partner, field) != value]
        for field, value in fields.items():
            setattr(partner, field, value)
        audit.record(actor, "update", "partner", partner.key, detail={"fields": changed})
    return partner


def set_partner_active(partner: Partner, active: bool, *, actor: User) -> Partner:
    with unit_of_work():
        partner.is_active = active
        audit.record(actor, "activate" if active else "deactivate", "partner", partner.key)
    return partner


def list_partners() -> sa.Select:
    return sa.select(Partner).order_by(Partner.is_active.desc(), Partner.name)


def _clean_fields(name: str, email: str | None, kind: str) -> dict:
    try:
        clean_name = clean_text(name, max_length=120, multiline=False)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field="name") from invalid
    if clean_name is None:
        raise ServiceError(_l("Vul een naam in."), field="name")
    try:
        clean_email = normalise_email(email)
    except InvalidValue as invalid:
        raise ServiceError(invalid.message, field="email") from invalid
    if kind not in PARTNER_KINDS:
        raise ServiceError(_l("Kies een soort ketenpartner."), field="kind")
    return {"name": clean_name, "email": clean_email, "kind": kind}
