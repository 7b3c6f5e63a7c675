"""The daily reminder mails: to each coordinator what is overdue, to each partner its unacknowledged referrals.

`queue_daily` claims the day in `reminder_runs` first, so a second beat, a restart or a manual run
sends nothing twice; each mail is an outbox message, built from the data as it is when it is sent.
Mails carry references and links, never names, addresses or descriptions.
"""
from datetime import date

import sqlalchemy as sa
from flask import current_app

from gdt.db import AMSTERDAM, db, utcnow
from gdt.models import Action, Case, Partner, Referral, ReminderRun, User
from gdt.services.casework import actions
from gdt.services.core import deadlines, mail, outbox, partner_links
from gdt.services.core.transaction import unit_of_work

COORDINATOR_TOPIC = "reminder.coordinator"
PARTNER_TOPIC = "reminder.partner"
LISTED = 20  # references per section in one mail; the start page has the rest


def coordinator_subject(count: int) -> str:
    """The coordinator mail's subject, singular or plural by the count."""
    return f"Herinnering: {count} {'openstaande termijn' if count == 1 else 'openstaande termijnen'}"


def partner_subject(referrals: int, cases: int) -> str:
    """The partner mail's subject: "1 doorverwijzing en 2 casussen wachten op u", only what there is."""
    parts = [f"{count} {singular if count == 1 else plural}"
             for count, singular, plural in ((referrals, "doorverwijzing", "doorverwijzingen"),
                                             (cases, "casus", "casussen")) if count]
    verb = "wacht" if referrals + cases == 1 else "wachten"
    return f"Herinnering van het De-escalatieteam: {' en '.join(parts)} {verb} op u"


def queue_daily(day: date | None = None) -> bool:
    """Queue today's reminders once; False when the day was already done."""
    day = day or utcnow().astimezone(AMSTERDAM).date()
    with unit_of_work() as session:
        if session.get(ReminderRun, day) is not None:
            return False
        session.add(ReminderRun(day=day))
        session.flush()  # two runs at once: the second fails on the primary key and rolls back
        coordinators = session.scalars(sa.select(User.id).where(User.role == "coordinator", User.is_active))
        for user_id in coordinators:
            outbox.enqueue(COORDINATOR_TOPIC, {"user_id": user_id, "day": day.isoformat()})
        partners = set(session.scalars(sa.select(Referral.partner_id).where(
            Referral.id.in_(deadlines.overdue_acknowledgements().with_only_columns(Referral.id).order_by(None)))))
        partners |= set(session.scalars(actions.overdue().with_only_columns(Action.owner_partner_id).order_by(None)
                                        .where(Action.owner_partner_id.is_not(None))))
        for partner_id in partners:
            outbox.enqueue(PARTNER_TOPIC, {"partner_id": partner_id, "day": day.isoformat()})
    return True


def due_now() -> bool:
    """Whether today's reminders should go out (the in-process scheduler asks every minute)."""
    now = utcnow().astimezone(AMSTERDAM)
    return now.hour >= current_app.config["REMINDER_HOUR"] and db.session.get(ReminderRun, now.date()) is None


def coordinator_digest(user: User) -> dict[str, list[str]]:
    """The overdue items a coordinator hears about: all untriaged reports, their own cases, unanswered referrals."""
    triage = db.session.scalars(deadlines.overdue_triage().limit(LISTED)).all()
    reviews = db.session.scalars(deadlines.overdue_reviews().where(Case.coordinator_id == user.id).limit(LISTED)).all()
    referrals = db.session.scalars(deadlines.overdue_acknowledgements().limit(LISTED)).all()
    late_actions = db.session.scalars(actions.overdue().where(Case.coordinator_id == user.id).limit(LISTED)).all()
    return {
        "Afspraken in uw casussen die over de termijn zijn": [
            f"{action.case.reference} ({action.owner_label})" for action in late_actions],
        "Meldingen die wachten op triage": [report.reference for report in triage],
        "Uw casussen die een herbeoordeling nodig hebben": [case.reference for case in reviews],
        "Doorverwijzingen die de ketenpartner niet op tijd heeft bevestigd": [
            f"{referral.reference} ({referral.partner.name})" for referral in referrals],
    }


@outbox.handler(COORDINATOR_TOPIC)
def send_coordinator_reminder(payload: dict) -> None:
    with unit_of_work():
        user = db.session.get(User, payload["user_id"])
        if user is None or not user.is_active or user.role != "coordinator":
            return
        sections = {title: items for title, items in coordinator_digest(user).items() if items}
        address = user.email
    if not sections:
        return
    lines = ["Goedemorgen,", "", "Deze termijnen zijn verstreken:", ""]
    for title, items in sections.items():
        lines += [
            f"{title} ({len(items)}{'+' if len(items) == LISTED else ''}):",
            *[f"  - {item}" for item in items],
            "",
        ]
    lines += [
        f"Alles op een rij: {current_app.config['PUBLIC_BASE_URL'].rstrip('/')}/start",
        "",
        "Dit bericht is automatisch verstuurd.",
    ]
    count = sum(len(items) for items in sections.values())
    mail.send_mail(address, coordinator_subject(count), "\n".join(lines))  # outside any transaction


@outbox.handler(PARTNER_TOPIC)
def send_partner_reminder(payload: dict) -> None:
    with unit_of_work():
        partner = db.session.get(Partner, payload["partner_id"])
        if partner is None or not partner.email or not partner.is_active:  # offboarded: no more mail, no links
            return
        referrals = db.session.scalars(
            deadlines.overdue_acknowledgements().where(Referral.partner_id == partner.id).limit(LISTED)
        ).all()
        links = [(referral.reference, partner_links.url(referral)) for referral in referrals]
        late = db.session.scalars(actions.overdue().where(Action.owner_partner_id == partner.id).limit(LISTED)).all()
        case_links = sorted(
            {(action.case.reference, partner_links.case_url(action.case_id, partner.id)) for action in late}
        )
        name, address = partner.name, partner.email
    if not links and not case_links:
        return  # acknowledged or done in the meantime
    lines = [f"Geachte collega van {name},", ""]
    if links:
        lines += [
            "Deze doorverwijzingen van het De-escalatieteam zijn nog niet bevestigd. Wilt u via de link "
            "laten weten dat u ze heeft ontvangen?",
            "",
        ]
        for reference, link in links:
            lines += [f"{reference}:", f"  {link}", ""]
    if case_links:
        lines += [
            "In deze casussen staan afspraken van uw organisatie over de termijn. Via de link ziet u ze en "
            "geeft u de voortgang door:",
            "",
        ]
        for reference, link in case_links:
            lines += [f"{reference}:", f"  {link}", ""]
    lines += [
        "Stuur deze links niet door buiten uw organisatie.",
        "",
        "Dit bericht is automatisch verstuurd.",
        "",
        "Met vriendelijke groet,",
        "",
        "De-escalatieteam van de gemeente",
    ]
    mail.send_mail(address, partner_subject(len(links), len(case_links)), "\n".join(lines))  # outside any transaction
