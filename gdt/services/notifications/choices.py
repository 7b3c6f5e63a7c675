"""Each user's choice per kind: a mail at once, the daily digest, or only in the app (defaults in notify.DEFAULTS)."""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from gdt.db import db
from gdt.models import NotificationPreference, User
from gdt.models.notifications import DELIVERIES, NOTIFICATION_KINDS
from gdt.services.core import audit
from gdt.services.core.errors import ValidationFailed
from gdt.services.core.transaction import unit_of_work
from gdt.services.notifications.notify import DEFAULTS

CHOOSE = _l("Kies hoe u hiervan hoort.")


def preferences(user: User) -> dict[str, str]:
    """Every kind with how `user` hears of it: their own choice or the default."""
    rows = db.session.scalars(sa.select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    return DEFAULTS | {row.kind: row.delivery for row in rows}


def save_preferences(choices: dict[str, str | None], *, actor: User) -> dict[str, str]:
    """Store a choice for every kind (all or nothing); a choice equal to the default is stored too, so a later
    change of the defaults does not change what the user chose."""
    errors = {kind: CHOOSE for kind in NOTIFICATION_KINDS if choices.get(kind) not in DELIVERIES}
    if errors:
        raise ValidationFailed(errors)
    with unit_of_work():
        stored = {row.kind: row for row in db.session.scalars(
            sa.select(NotificationPreference).where(NotificationPreference.user_id == actor.id))}
        for kind in NOTIFICATION_KINDS:
            if kind in stored:
                stored[kind].delivery = choices[kind]
            else:
                db.session.add(NotificationPreference(user_id=actor.id, kind=kind, delivery=choices[kind]))
        audit.record(actor, "change_notification_choices", "user", str(actor.id),
                     detail={kind: choices[kind] for kind in NOTIFICATION_KINDS})
    return preferences(actor)
