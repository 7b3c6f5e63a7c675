"""The mails: one at once for a kind chosen "now", and the daily digest for kinds chosen "digest".

Both are outbox messages (gdt.services.core.outbox): queued in the transaction that made the notification or ran
the digest, sent afterwards, retried until the mail server takes them. A mail names the kind, the kenmerk and a
link into GDT; never a name, an address or a description. The link leads to /voor-mij/<id>, which checks again
whether the reader may open the case or report.

The digest needs no run table: it takes the notifications made before today's NOTIFY_DIGEST_HOUR (Amsterdam) and
stamps them `mailed_at` in the same transaction, so a second run (beat, the in-process scheduler, by hand) finds
nothing left; what arrives after the hour waits for tomorrow's digest.
"""
from collections import defaultdict
from datetime import datetime, time

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from gdt.db import AMSTERDAM, db, utcnow
from gdt.models import Notification, User
from gdt.services.core import mail, outbox
from gdt.services.core.transaction import unit_of_work
from gdt.services.notifications import inbox
from gdt.services.notifications.notify import KIND_LABELS, NOW_TOPIC, RECEIVING_ROLES

DIGEST_TOPIC = "notification.digest"
FOOTER = ["", "U krijgt dit bericht door uw keuzes bij ‘Meldingen voor mij’ in GDT ({choices}).", "",
          "Dit bericht is automatisch verstuurd."]


def link(notification_id: int) -> str:
    return f"{_base()}/voor-mij/{notification_id}"


def digest_cutoff(now: datetime | None = None) -> datetime:
    """Today's digest hour in Amsterdam: the digest takes what was made before it."""
    today = (now or utcnow()).astimezone(AMSTERDAM).date()
    return datetime.combine(today, time(current_app.config["NOTIFY_DIGEST_HOUR"]), AMSTERDAM)


def queue_digest(now: datetime | None = None) -> int:
    """Queue one digest mail per user with waiting notifications; the number of mails queued."""
    now = now or utcnow()
    cutoff = digest_cutoff(now)
    if now < cutoff:
        return 0
    with unit_of_work():
        waiting = db.session.execute(sa.select(Notification.id, Notification.user_id, Notification.read_at).where(
            Notification.delivery == "digest", Notification.mailed_at.is_(None),
            Notification.created_at < cutoff).order_by(Notification.id)).all()
        per_user = defaultdict(list)
        for notification_id, user_id, read_at in waiting:
            if read_at is None:  # read in the app already: no need to mail it
                per_user[user_id].append(notification_id)
        for user_id, ids in per_user.items():
            outbox.enqueue(DIGEST_TOPIC, {"user_id": user_id, "notification_ids": ids})
        if waiting:
            db.session.execute(sa.update(Notification).where(Notification.id.in_([row[0] for row in waiting]))
                               .values(mailed_at=now))
    return len(per_user)


def digest_due() -> bool:
    """Whether the in-process scheduler should run the digest now (cheap: one indexed count when nothing waits)."""
    now = utcnow()
    return now >= digest_cutoff(now) and db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.delivery == "digest", Notification.mailed_at.is_(None),
        Notification.created_at < digest_cutoff(now))) > 0


@outbox.handler(NOW_TOPIC)
def send_now(payload: dict) -> None:
    with unit_of_work():
        notification = db.session.get(Notification, payload["notification_id"])
        user = _receiver(notification.user_id) if notification is not None else None
        if user is None:
            return  # removed, or the user left: nothing to tell
        with force_locale("nl"):
            subject = f"GDT: {KIND_LABELS[notification.kind]}"
            lines = [inbox.sentence(notification), "", f"Bekijken: {link(notification.id)}"]
        address = user.email
    mail.send_mail(address, subject, "\n".join(lines + _footer()))  # outside any transaction


@outbox.handler(DIGEST_TOPIC)
def send_digest(payload: dict) -> None:
    with unit_of_work():
        user = _receiver(payload["user_id"])
        notifications = db.session.scalars(sa.select(Notification).where(
            Notification.id.in_(payload["notification_ids"]), Notification.user_id == payload["user_id"])
            .order_by(Notification.id)).all()
        if user is None or not notifications:
            return
        with force_locale("nl"):
            items = [line for notification in notifications
                     for line in (f"- {inbox.sentence(notification)}", f"  {link(notification.id)}")]
        address, count = user.email, len(notifications)
    subject = f"GDT: {count} {'nieuwe melding' if count == 1 else 'nieuwe meldingen'} voor u"
    lines = ["Goedemorgen,", "", "Sinds het vorige overzicht:", "", *items]
    mail.send_mail(address, subject, "\n".join(lines + _footer()))  # outside any transaction


def _receiver(user_id: int) -> User | None:
    user = db.session.get(User, user_id)
    return user if user is not None and user.is_active and user.role in RECEIVING_ROLES else None


def _footer() -> list[str]:
    return [line.format(choices=f"{_base()}/voor-mij/instellingen") for line in FOOTER]


def _base() -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")
