"""Chain partners: create, edit, deactivate (admin only). Keys are stable: imports and the API use them.

Deactivating a partner offboards it at once (`deactivate_partner`): its users' sessions and tokens end, and its
API clients and links are refused.
"""
import urllib.parse
from dataclasses import asdict, dataclass, replace

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.models import ApiClient, Case, CasePartner, LinkSession, Partner, Referral, User, UserSession, UserToken
from gdt.models.partners import PARTNER_KINDS
from gdt.models.referrals import DELIVERY_METHODS
from gdt.services.admin import activation
from gdt.services.core import audit, auth, outbound, partner_links, tokens
from gdt.services.core.errors import NotFound, ServiceError, ValidationFailed
from gdt.services.core.transaction import unit_of_work
from gdt.services.referrals import delivery
from gdt.validation import InvalidValue, clean_fields, name_line, normalise_email, one_of, required, slug_key

KEY_MAX = 60
RESERVED_KEYS = {"new"}  # /admin/partners/new is the page that creates one


def create_partner(key: str, name: str, *, email: str | None = None, kind: str = "other",
                   actor: User | None) -> Partner:
    fields = _clean_fields(key=key, name=name, email=email, kind=kind)
    with unit_of_work():
        if db.session.scalar(sa.select(Partner.id).where(Partner.key == fields["key"])) is not None:
            raise ServiceError(_l("Er bestaat al een ketenpartner met deze sleutel."), field="key")
        partner = Partner(**fields)
        db.session.add(partner)
        audit.record(actor, "create", "partner", partner.key)
    return partner


def update_partner(partner: Partner, *, name: str, email: str | None, kind: str, actor: User | None,
                   delivery_method: str = "email", webhook_url: str | None = None) -> Partner:
    """Edit a partner; referrals reach it by mail (to `email`) or by webhook (needs a URL)."""
    fields = _clean_fields(name=name, email=email, kind=kind, delivery_method=delivery_method,
                           webhook_url=webhook_url or None)
    if fields["delivery_method"] == "webhook" and not fields["webhook_url"]:
        raise ValidationFailed({"webhook_url": _l("Vul het webhookadres in.")})
    with unit_of_work():
        changed = [field for field, value in fields.items() if getattr(partner, field) != value]
        for field, value in fields.items():
            setattr(partner, field, value)
        if partner.delivery_method == "webhook" and not partner.webhook_secret_salt:
            partner.webhook_secret_salt = delivery.new_webhook_salt()
        audit.record(actor, "update", "partner", partner.key, detail={"fields": changed})
    return partner


def rotate_webhook_secret(partner: Partner, *, actor: User | None) -> str:
    """A new signing key for the partner's webhook; the old one stops working at once."""
    with unit_of_work():
        partner.webhook_secret_salt = delivery.new_webhook_salt()
        audit.record(actor, "rotate_webhook_secret", "partner", partner.key)
    return delivery.webhook_secret(partner)


@dataclass(frozen=True)
class Offboarding:
    """What deactivating a partner cuts off at once (counts only): for the admin's summary and the audit event."""

    users: int  # the partner's active users: they can no longer sign in
    sessions_ended: int  # their login sessions that were still open
    tokens_revoked: int  # their personal API tokens
    clients_refused: int  # the partner's API clients (refused while the partner is inactive)
    link_sessions_ended: int  # visits through a link that were still open
    open_referrals: int  # open referrals whose links are refused from now on
    cases: int  # cases the partner takes part in, whose case link is refused from now on


def set_partner_active(partner: Partner, active: bool, *, actor: User) -> Partner:
    """An inactive partner keeps its history but is no longer offered for referrals; deactivating cuts it off."""
    if not active:
        deactivate_partner(partner, actor=actor)
        return partner
    return activation.set_active(partner, True, actor=actor, object_type="partner", object_ref=partner.key)


def deactivate_partner(partner: Partner, *, actor: User | None) -> Offboarding:
    """Offboard a partner in one unit of work: its users' sessions end and their tokens are revoked, its API
    clients and every link it was given are refused (also after a later reactivation, for the links), and the
    audit event says how many of each. Its history (referrals, cases) stays."""
    done: list[Offboarding] = []

    def cut_off() -> dict:
        now = utcnow()
        preview = offboarding_preview(partner)
        users = list(db.session.scalars(sa.select(User).where(User.partner_id == partner.id)))
        for user in users:
            auth.end_all_sessions(user, now)
        partner_links.revoke_links(partner, now)
        summary = replace(preview, tokens_revoked=tokens.revoke_tokens_of([user.id for user in users], now),
                          link_sessions_ended=partner_links.end_sessions(partner.id, now=now))
        done.append(summary)
        return asdict(summary)

    activation.set_active(partner, False, actor=actor, object_type="partner", object_ref=partner.key, then=cut_off)
    return done[0]


def offboarding_preview(partner: Partner) -> Offboarding:
    """What deactivating `partner` would cut off now (the admin sees it before pressing the button)."""
    def count(query) -> int:
        return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))

    user_ids = sa.select(User.id).where(User.partner_id == partner.id)
    return Offboarding(
        users=count(sa.select(User.id).where(User.partner_id == partner.id, User.is_active)),
        sessions_ended=count(sa.select(UserSession.id).where(UserSession.user_id.in_(user_ids),
                                                             UserSession.ended_at.is_(None))),
        tokens_revoked=count(sa.select(UserToken.id).where(UserToken.user_id.in_(user_ids),
                                                           UserToken.revoked_at.is_(None))),
        clients_refused=count(sa.select(ApiClient.id).where(ApiClient.partner_id == partner.id,
                                                            ApiClient.revoked_at.is_(None))),
        link_sessions_ended=count(sa.select(LinkSession.id).where(LinkSession.partner_id == partner.id,
                                                                  LinkSession.ended_at.is_(None))),
        open_referrals=count(sa.select(Referral.id).where(Referral.partner_id == partner.id,
                                                          Referral.status.not_in(("handled", "returned")))),
        cases=count(sa.select(CasePartner.id).join(Case, Case.id == CasePartner.case_id)
                    .where(CasePartner.partner_id == partner.id, Case.status != "merged")),
    )


def get_partner(key: str) -> Partner:
    partner = db.session.scalar(sa.select(Partner).where(Partner.key == key))
    if partner is None:
        raise NotFound(_l("Deze ketenpartner bestaat niet."))
    return partner


def list_partners() -> sa.Select:
    return sa.select(Partner).order_by(Partner.is_active.desc(), Partner.name, Partner.id)


def _clean_fields(**raw: str | None) -> dict:
    fields, errors = clean_fields(RULES, raw)
    if errors:
        raise ValidationFailed(errors)
    return fields




def _webhook_url(raw: str | None) -> str | None:
    value = (raw or "").strip()
    if not value:
        return None
    parts = urllib.parse.urlsplit(value)
    if len(value) > 500 or parts.scheme not in ("https", "http") or not parts.hostname or parts.username:
        raise InvalidValue(_l("Vul een volledig webadres in dat begint met https://."))
    try:
        outbound.validate_url(value)
    except outbound.OutboundRefused as refused:
        raise InvalidValue(_l("Dit webadres kan GDT niet aanroepen: gebruik een openbaar https-adres "
                              "van de ketenpartner.")) from refused
    return value


RULES = {
    "key": slug_key(max_length=KEY_MAX, example="politie-oost", reserved=frozenset(RESERVED_KEYS)),
    "name": required(name_line(120), _l("Vul een naam in.")),
    "email": normalise_email,
    "kind": one_of(PARTNER_KINDS, _l("Kies een soort ketenpartner.")),
    "delivery_method": one_of(DELIVERY_METHODS, _l("Kies e-mail of webhook.")),
    "webhook_url": _webhook_url,
}
