"""A user's own notifications: the list, the unread count, reading them, and where each one leads.

Every notification is its recipient's alone. Where it leads is decided when it is shown, by the same rule as
opening the case or report (gdt.services.core.access): a case taken out of the user's view shows a plain line.
"""
import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from gdt.db import db, utcnow
from gdt.models import Action, Case, Meeting, Notification, Referral, Report, User
from gdt.services.core import access
from gdt.services.core.errors import NotFound
from gdt.services.core.transaction import unit_of_work

SENTENCES = {
    "assigned": _l("Casus %(reference)s is aan u toegewezen."),
    "partner_answered": _l("Een ketenpartner heeft geantwoord op de doorverwijzing of het advies bij %(reference)s."),
    "action_due": _l("Een afspraak van u in casus %(reference)s moet vandaag af."),
    "meeting_planned": _l("Er is een casusoverleg gepland of verzet in casus %(reference)s."),
    "triage_deadline": _l("Melding %(reference)s, die u heeft opgepakt, is bijna over de triagetermijn."),
    "resident_answered": _l("De melder heeft uw vraag bij melding %(reference)s beantwoord."),
    "low_satisfaction": _l("Een melder gaf een lage tevredenheidsscore bij %(reference)s: bekijk of er iets moet "
                           "gebeuren (als gelezen gemarkeerd is de taak afgehandeld)."),
}
NOT_FOUND = _l("Deze melding voor u bestaat niet (meer).")
START_PAGE_ROWS = 5

_SUBJECTS = (
    selectinload(Notification.case).selectinload(Case.coordinator),
    selectinload(Notification.report).selectinload(Report.case).selectinload(Case.coordinator),
    selectinload(Notification.referral).selectinload(Referral.case).selectinload(Case.coordinator),
    selectinload(Notification.referral).selectinload(Referral.report).selectinload(Report.case),
    selectinload(Notification.action).selectinload(Action.case).selectinload(Case.coordinator),
    selectinload(Notification.meeting).selectinload(Meeting.case).selectinload(Case.coordinator),
)


def list_for(user: User) -> sa.Select:
    """The user's notifications, newest first, with what they point at loaded."""
    return (sa.select(Notification).where(Notification.user_id == user.id)
            .order_by(Notification.id.desc()).options(*_SUBJECTS))


def unread_count(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def newest_unread(user: User, limit: int = START_PAGE_ROWS) -> list[Notification]:
    """The start page's "Nieuw voor mij": the few newest unread ones."""
    return db.session.scalars(list_for(user).where(Notification.read_at.is_(None)).limit(limit)).all()


def open_notification(notification_id: int, *, actor: User) -> Notification:
    """One of the actor's own notifications, marked read (the mail's link and the list's link lead here)."""
    with unit_of_work():
        notification = _own(notification_id, actor)
        if notification.read_at is None:
            notification.read_at = utcnow()
    return notification


def mark_read(notification_id: int, *, actor: User) -> None:
    open_notification(notification_id, actor=actor)


def mark_all_read(*, actor: User) -> int:
    with unit_of_work():
        result = db.session.execute(sa.update(Notification).where(
            Notification.user_id == actor.id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    return result.rowcount


def reference(notification: Notification) -> str | None:
    """The kenmerk the notification is about (a case's or a report's; not personal data), None once it is gone."""
    target = _subject(notification)
    return target.reference if target is not None else None


def sentence(notification: Notification) -> str:
    return SENTENCES[notification.kind] % {"reference": reference(notification) or "-"}


def target(notification: Notification, user: User) -> Case | Report | None:
    """The case or report to open for this notification, if `user` may still open it."""
    subject = _subject(notification)
    if isinstance(subject, Case):
        return subject if access.can_view_case(user, subject) and subject.status != "merged" else None
    if isinstance(subject, Report):
        return subject if access.can_view_report(user, subject) else None
    return None


def _subject(notification: Notification) -> Case | Report | None:
    """What the notification leads to: the case for case work, the report for a report's referral and triage."""
    if notification.case is not None:
        return notification.case
    if notification.action is not None:
        return notification.action.case
    if notification.meeting is not None:
        return notification.meeting.case
    if notification.referral is not None:
        return notification.referral.case or notification.referral.report
    return notification.report


def _own(notification_id: int, actor: User) -> Notification:
    notification = db.session.get(Notification, notification_id, options=_SUBJECTS)
    if notification is None or notification.user_id != actor.id:  # someone else's is as good as none
        raise NotFound(NOT_FOUND)
    return notification
