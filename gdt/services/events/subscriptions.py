"""The administrator's subscriptions: a name, the receiver's URL (checked by the outbound client's rules), the
events it wants, on or off; its signing secret shown once when made and when renewed (decision 0019)."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import User
from gdt.models.events import EventDelivery, EventSubscription
from gdt.services.core import audit, outbound, signing
from gdt.services.core.errors import NotFound, ValidationFailed
from gdt.services.core.transaction import check_version, unit_of_work
from gdt.services.events.catalogue import EVENT_TYPES
from gdt.services.events.deliver import secret
from gdt.validation import InvalidValue, clean_fields, required, single_line

NAME_MAX, URL_MAX = 80, 500


def list_subscriptions() -> list[tuple[EventSubscription, dict]]:
    """Every subscription with its deliveries counted per status (one grouped query)."""
    counts: dict[int, dict] = {}
    for subscription_id, status, count in db.session.execute(
            sa.select(EventDelivery.subscription_id, EventDelivery.status, sa.func.count())
            .group_by(EventDelivery.subscription_id, EventDelivery.status)):
        counts.setdefault(subscription_id, {})[status] = count
    return [(subscription, counts.get(subscription.id, {})) for subscription in db.session.scalars(
        sa.select(EventSubscription).order_by(EventSubscription.active.desc(), EventSubscription.name))]


def get(subscription_id: int) -> EventSubscription:
    subscription = db.session.get(EventSubscription, subscription_id)
    if subscription is None:
        raise NotFound(_l("Dit abonnement bestaat niet."))
    return subscription


def create(*, name: str, url: str, event_types: list[str], actor: User | None) -> tuple[EventSubscription, str]:
    """The new subscription and its signing secret (shown once)."""
    fields = _clean(name=name, url=url, event_types=event_types)
    with unit_of_work():
        subscription = EventSubscription(**fields, secret_salt=signing.new_salt(), active=True)
        db.session.add(subscription)
        db.session.flush()
        audit.record(actor, "create", "event_subscription", str(subscription.id),
                     detail={"events": fields["event_types"]})
    return subscription, secret(subscription)


def update(subscription: EventSubscription, *, name: str, url: str, event_types: list[str],
           seen_version: int | str | None, actor: User | None) -> EventSubscription:
    fields = _clean(name=name, url=url, event_types=event_types, current=subscription)
    with unit_of_work():
        check_version(subscription, seen_version)
        changed = sorted(key for key, value in fields.items() if getattr(subscription, key) != value)
        for key, value in fields.items():
            setattr(subscription, key, value)
        audit.record(actor, "update", "event_subscription", str(subscription.id), detail={"fields": changed})
    return subscription


def renew_secret(subscription: EventSubscription, *, actor: User | None) -> str:
    """A new secret at once; the old one stops working (events already queued are signed with the new one)."""
    with unit_of_work():
        subscription.secret_salt = signing.new_salt()
        audit.record(actor, "rotate_secret", "event_subscription", str(subscription.id))
    return secret(subscription)


def set_active(subscription: EventSubscription, active: bool, *, actor: User | None) -> EventSubscription:
    with unit_of_work():
        subscription.active = active
        audit.record(actor, "activate" if active else "deactivate", "event_subscription", str(subscription.id))
    return subscription


def _clean(*, current: EventSubscription | None = None, **raw) -> dict:
    fields, errors = clean_fields(RULES, raw)
    if "name" in fields:
        taken = sa.select(EventSubscription.id).where(sa.func.lower(EventSubscription.name) == fields["name"].lower())
        if current is not None:
            taken = taken.where(EventSubscription.id != current.id)
        if db.session.scalar(taken.limit(1)) is not None:
            errors["name"] = str(_l("Er is al een abonnement met deze naam."))
    if errors:
        raise ValidationFailed(errors)
    return fields


def _url(raw) -> str:
    url = (raw or "").strip()
    if not url or len(url) > URL_MAX:
        raise InvalidValue(_l("Vul het adres in waar de gebeurtenissen heen gaan (hoogstens 500 tekens)."))
    try:
        outbound.validate_url(url)
    except outbound.OutboundRefused as refused:
        raise InvalidValue(_l("Dit adres kan GDT niet aanroepen (alleen https, geen intern adres).")) from refused
    return url


def _event_types(raw) -> list[str]:
    chosen = [value for value in (raw or []) if value in EVENT_TYPES]
    if not chosen or len(chosen) != len(set(raw or [])):
        raise InvalidValue(_l("Kies een of meer gebeurtenissen."))
    return [event_type for event_type in EVENT_TYPES if event_type in chosen]


RULES = {
    "name": required(single_line(NAME_MAX), _l("Geef het abonnement een naam (hoogstens 80 tekens).")),
    "url": _url,
    "event_types": _event_types,
}
