"""Chain partners: create, edit, deactivate (admin only). Keys are stable: imports and the API use them.

Every change goes into the partner's change history (reference_history), a new webhook secret as its own line
without its value.

Deactivating a partner offboards it at once (`deactivate_partner`): its users' sessions and tokens end, and its
API clients and links are refused.
"""
import urllib.parse
from dataclasses import asdict, dataclass, replace

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.labels import DELIVERY_METHOD_LABELS, PARTNER_KIND_LABELS
from gdt.models import ApiClient, Case, CasePartner, LinkSession, Partner, Referral, User, UserSession, UserToken
from gdt.models.partners import PARTNER_KINDS
from gdt.models.referrals import DELIVERY_METHODS
from gdt.services.admin import activation, reference_history
from gdt.services.core import audit, auth, outbound, partner_links, tokens
from gdt.services.core.errors import NotFound, ServiceError, ValidationFailed
from gdt.services.core.transaction import joins_unit_of_work, unit_of_work
from gdt.services.referrals import delivery
from gdt.validation import InvalidValue, clean_fields, name_line, normalise_email, one_of, required, slug_key

KEY_MAX = 60
RESERVED_KEYS = {"new"}  # /admin/partners/new is the page that creates one
OBJECT_TYPE = "partner"
# What the change history keeps and shows; never the webhook salt (a new secret is its own line, without a value).
HISTORY_LABELS = {"name": _l("Naam"), "kind": _l("Soort"), "email": _l("E-mailadres"),
                  "delivery_method": _l("Bezorging"), "webhook_url": _l("Webhookadres"), "is_active": _l("Actief")}


def create_partner(key: str, name: str, *, email: str | None = None, kind: str = "other",
                   delivery_method: str = "email", webhook_url: str | None = None, actor: User | None) -> Partner:
    """A new partner, offered for referrals at once. By mail it needs an e-mail address, by webhook a URL (and it
    gets its signing secret: `webhook_secret(partner)` right after, to show once)."""
    fields = _clean_fields(key=key, name=name, email=email, kind=kind, delivery_method=delivery_method,
                           webhook_url=webhook_url or None)
    with unit_of_work():
        if db.session.scalar(sa.select(Partner.id).where(Partner.key == fields["key"])) is not None:
            raise ServiceError(_l("Er bestaat al een ketenpartner met deze sleutel."), field="key")
        partner = Partner(**fields, is_active=True)
        db.session.add(partner)
        reference_history.record_change(actor, OBJECT_TYPE, partner.key, "create", after=snapshot(partner))
        if partner.delivery_method == "webhook":
            _new_secret(partner, actor)
        audit.record(actor, "create", OBJECT_TYPE, partner.key)
    return partner


def update_partner(partner: Partner, *, name: str, email: str | None, kind: str, actor: User | None,
                   delivery_method: str = "email", webhook_url: str | None = None,
                   new_secret: bool = False) -> Partner:
    """Edit a partner; the key never changes. Referrals reach it by mail (to `email`, then required) or by webhook
    (to `webhook_url`, then required and checked by the outbound rules). Switching to webhook for the first time
    makes its signing secret; `new_secret` makes a new one in any case (the old one stops working at once)."""
    fields = _clean_fields(name=name, email=email, kind=kind, delivery_method=delivery_method,
                           webhook_url=webhook_url or None)
    with unit_of_work():
        changed = [field for field, value in fields.items() if getattr(partner, field) != value]
        before = snapshot(partner)
        for field, value in fields.items():
            setattr(partner, field, value)
        reference_history.record_change(actor, OBJECT_TYPE, partner.key, "update", before=before,
                                        after=snapshot(partner))
        if partner.delivery_method == "webhook" and (new_secret or not partner.webhook_secret_salt):
            _new_secret(partner, actor)
        audit.record(actor, "update", OBJECT_TYPE, partner.key, detail={"fields": changed})
    return partner


def rotate_webhook_secret(partner: Partner, *, actor: User | None) -> str:
    """A new signing key for the partner's webhook; the old one stops working at once. Returns it, to show once."""
    if partner.delivery_method != "webhook":
        raise ServiceError(_l("Deze ketenpartner krijgt doorverwijzingen per e-mail en heeft geen webhookgeheim."))
    with unit_of_work():
        _new_secret(partner, actor)
    return delivery.webhook_secret(partner)


def webhook_secret(partner: Partner) -> str:
    """The partner's current signing secret (derived, never stored), for the page or command that just made it."""
    return delivery.webhook_secret(partner)


def history(partner: Partner) -> list[reference_history.ChangeLine]:
    """The partner's changes, newest first, in words."""
    return reference_history.change_lines(OBJECT_TYPE, partner.key, labels=HISTORY_LABELS,
                                          display={"kind": lambda kind: PARTNER_KIND_LABELS.get(kind, kind),
                                                   "delivery_method": lambda method: DELIVERY_METHOD_LABELS.get(
                                                       method, method)})


@joins_unit_of_work
def _new_secret(partner: Partner, actor: User | None) -> None:
    partner.webhook_secret_salt = delivery.new_webhook_salt()
    reference_history.record_change(actor, OBJECT_TYPE, partner.key, "rotate_webhook_secret")
    audit.record(actor, "rotate_webhook_secret", OBJECT_TYPE, partner.key)


def snapshot(partner: Partner) -> dict:
    """The fields a reader may see change (HISTORY_LABELS), as stored."""
    return reference_history.snapshot(partner, HISTORY_LABELS)


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


def set_partner_active(partner: Partner, active: bool, *, actor: User | None) -> Partner:
    """An inactive partner keeps its history but is no longer offered for referrals; deactivating cuts it off."""
    if not active:
        deactivate_partner(partner, actor=actor)
        return partner
    return activation.set_active(partner, True, actor=actor, object_type=OBJECT_TYPE, object_ref=partner.key,
                                 keep_history=True)


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
            auth.end_all_sessions(user, now, reason="deactivated", actor=actor)
        partner_links.revoke_links(partner, now)
        summary = replace(preview, tokens_revoked=tokens.revoke_tokens_of([user.id for user in users], now),
                          link_sessions_ended=partner_links.end_sessions(partner.id, now=now))
        done.append(summary)
        return asdict(summary)

    activation.set_active(partner, False, actor=actor, object_type=OBJECT_TYPE, object_ref=partner.key, then=cut_off,
                          keep_history=True)
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
    """Every field's rule, and what the delivery method needs: all refusals at once."""
    fields, errors = clean_fields(RULES, raw)
    method = fields.get("delivery_method")
    if method == "email" and not fields.get("email") and "email" not in errors:
        errors["email"] = _l("Vul het e-mailadres in: doorverwijzingen gaan per e-mail naar dit adres.")
    if method == "webhook" and not fields.get("webhook_url") and "webhook_url" not in errors:
        errors["webhook_url"] = _l("Vul het webhookadres in: doorverwijzingen gaan per webhook naar dit adres.")
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
