"""Telling one user something: a row in "Meldingen voor mij" and, as they chose, a mail now or in the daily digest.

`notify` joins the caller's unit of work, so a notification is stored (and its mail queued in the outbox) only when
the change it tells about is committed, and never for one that rolled back.
"""
from flask_babel import lazy_gettext as _l

from gdt.db import db, utcnow
from gdt.models import Action, Case, Meeting, Notification, NotificationPreference, Referral, Report, User
from gdt.models.notifications import DELIVERIES, NOTIFICATION_KINDS
from gdt.services.core import outbox
from gdt.services.core.transaction import joins_unit_of_work

NOW_TOPIC = "notification.now"
RECEIVING_ROLES = ("coordinator",)  # every kind points at cases and reports only coordinators open

# Without a choice of their own: at once what asks for work now (a case of one's own, a partner's answer, a claimed
# report whose triage deadline is a few hours away: a digest the next morning would be too late); the rest daily.
DEFAULTS = {"assigned": "now", "partner_answered": "now", "triage_deadline": "now",
            "action_due": "digest", "meeting_planned": "digest",
            "resident_answered": "now", "low_satisfaction": "now"}
assert set(DEFAULTS) == set(NOTIFICATION_KINDS)

KIND_LABELS = {
    "assigned": _l("Casus aan mij toegewezen"),
    "partner_answered": _l("Ketenpartner heeft geantwoord"),
    "action_due": _l("Mijn afspraak moet vandaag af"),
    "meeting_planned": _l("Casusoverleg gepland of verzet"),
    "triage_deadline": _l("Opgepakte melding bijna over de triagetermijn"),
    "resident_answered": _l("Melder heeft mijn vraag beantwoord"),
    "low_satisfaction": _l("Melder is ontevreden over de afhandeling"),
}
DELIVERY_LABELS = {"now": _l("Meteen een e-mail"), "digest": _l("Eén e-mail per dag (overzicht)"),
                   "app": _l("Alleen hier in GDT")}
assert set(DELIVERY_LABELS) == set(DELIVERIES)


@joins_unit_of_work
def notify(user: User | None, kind: str, *, actor: User | None = None, case: Case | None = None,
           report: Report | None = None, referral: Referral | None = None, action: Action | None = None,
           meeting: Meeting | None = None, once_key: str | None = None) -> Notification | None:
    """Tell `user` about `kind` concerning the given subject; None when there is no one to tell.

    Nobody is told of their own doing (`actor`), and only active users of a receiving role are told at all.
    """
    if user is None or not user.is_active or user.role not in RECEIVING_ROLES:
        return None
    if actor is not None and actor.id == user.id:
        return None
    notification = Notification(
        user_id=user.id, kind=kind, delivery=delivery_for(user.id, kind), once_key=once_key, created_at=utcnow(),
        case_id=_id(case), report_id=_id(report), referral_id=_id(referral), action_id=_id(action),
        meeting_id=_id(meeting))
    db.session.add(notification)
    db.session.flush()  # the id, for the mail's link
    if notification.delivery == "now":
        notification.mailed_at = notification.created_at
        outbox.enqueue(NOW_TOPIC, {"notification_id": notification.id})
    return notification


def delivery_for(user_id: int, kind: str) -> str:
    chosen = db.session.get(NotificationPreference, (user_id, kind))
    return chosen.delivery if chosen is not None else DEFAULTS[kind]


def _id(subject) -> int | None:
    return subject.id if subject is not None else None
