"""How a referral reaches its partner: a mail with a signed link, or a signed JSON POST to the partner's system.

The mail holds the minimum: which team, the reference, the link and the deadline. The details (address,
description, the reporter's contact data when consented, and the team's question, which may name people)
are behind the link, where every view is audited; the mail only says that a question is waiting there.
The webhook carries the same minimum plus the team's question, since it goes straight into the partner's
own system; its body is signed with HMAC-SHA256 over "<timestamp>.<body>" with a per-partner key, so the
partner can check origin and freshness.
"""
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import force_locale, format_date

from gdt.db import utcnow
from gdt.models import Partner, Referral
from gdt.services.core import mail, outbound, partner_links, signing

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "GDT-Signature"
UNREACHABLE = "De ketenpartner is niet bereikbaar."  # what people see; the detail goes to the log
PARTNER_INACTIVE = "De ketenpartner is gedeactiveerd."
SUBJECT = "Doorverwijzing {reference} van het De-escalatieteam"
BODY = """\
Geachte collega van {partner},

Het De-escalatieteam van de gemeente heeft een melding over woonoverlast aan uw organisatie
doorverwezen.

Kenmerk: {reference}
{question}
Via deze persoonlijke link leest u de gegevens en geeft u terugkoppeling (ontvangen, opgepakt,
afgehandeld, of terug naar het team):

{link}

De link is geldig tot en met {expires}. Bevestig de ontvangst graag uiterlijk {due}.
Stuur deze link niet door buiten uw organisatie: iedereen met de link kan de gegevens inzien.

Dit bericht is automatisch verstuurd. U kunt er niet op antwoorden.

Met vriendelijke groet,

De-escalatieteam van de gemeente
"""
QUESTION_NOTICE = """
Het team stelt u een vraag bij deze doorverwijzing. U leest de vraag via de link hieronder: zij staat
niet in deze e-mail, omdat zij persoonsgegevens kan bevatten.
"""


class DeliveryFailed(Exception):
    """The partner's mail server or system did not take the referral; `reason` is safe to store and show."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason[:200]
        self.permanent = permanent  # trying again cannot help: no retries


@dataclass(frozen=True)
class Parcel:
    """Everything one delivery sends, as plain data: made inside a transaction, sent outside it."""

    method: str  # "email" or "webhook"
    to: str  # the mail address or the webhook URL
    body: str | bytes
    subject: str = ""
    headers: dict = field(default_factory=dict)


def prepare(referral: Referral, acknowledge_due_at: datetime) -> Parcel:
    """The mail or webhook request for `referral`; DeliveryFailed when the partner cannot be reached at all.

    A deactivated partner gets nothing more, also not a delivery queued or being retried before it was
    deactivated: offboarding cuts every channel at once.
    """
    if not referral.partner.is_active:
        raise DeliveryFailed(PARTNER_INACTIVE, permanent=True)
    if referral.partner.delivery_method == "webhook":
        return _webhook_parcel(referral, acknowledge_due_at)
    return _mail_parcel(referral, acknowledge_due_at)


def send(parcel: Parcel) -> None:
    """The network call; DeliveryFailed with a reason that is safe to store and show."""
    if parcel.method == "webhook":
        _post(parcel)
        return
    try:
        mail.send_mail(parcel.to, parcel.subject, parcel.body)
    except mail.NotOneAddress as refused:  # the partner's address must be corrected first: no retries
        raise DeliveryFailed(str(refused), permanent=True) from refused
    except OSError as error:  # smtplib.SMTPException included
        raise DeliveryFailed(f"Mailserver: {type(error).__name__}: {error}") from error


def _mail_parcel(referral: Referral, acknowledge_due_at: datetime) -> Parcel:
    partner = referral.partner
    if not partner.email:
        raise DeliveryFailed("De ketenpartner heeft geen e-mailadres.")
    with force_locale("nl"):
        expires, due = (format_date(moment, "d MMMM y") for moment in (partner_links.expires_at(), acknowledge_due_at))
    body = BODY.format(partner=partner.name, reference=referral.reference, link=partner_links.url(referral),
                       expires=expires, due=due, question=QUESTION_NOTICE if referral.question else "")
    return Parcel("email", partner.email, body, subject=SUBJECT.format(reference=referral.reference))


def webhook_secret(partner: Partner) -> str:
    """The partner's HMAC key, derived from SECRET_KEY and the partner's random salt (nothing secret is stored)."""
    if not partner.webhook_secret_salt:
        raise ValueError("partner has no webhook secret yet")
    return signing.derived_secret("gdt.webhook", partner.webhook_secret_salt)


new_webhook_salt = signing.new_salt
signature = signing.signature


def webhook_body(referral: Referral, acknowledge_due_at: datetime) -> dict:
    now = utcnow()
    return {
        "type": "referral.delivered",
        "id": referral.id,
        "reference": referral.reference,
        "partner": referral.partner.key,
        "sent_at": now.isoformat(),
        "acknowledge_due_at": acknowledge_due_at.isoformat(),
        "link": partner_links.url(referral),
        "link_expires_at": partner_links.expires_at(now).isoformat(),
    }  # the team's question may name people: like the mail, it stays behind the link, where views are audited


def _webhook_parcel(referral: Referral, acknowledge_due_at: datetime) -> Parcel:
    partner = referral.partner
    body = json.dumps(webhook_body(referral, acknowledge_due_at), separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json", "User-Agent": "GDT-webhook/1",
        "Idempotency-Key": f"referral-{referral.id}",  # a retry after a lost answer is recognisable
        SIGNATURE_HEADER: signature(webhook_secret(partner), int(utcnow().timestamp()), body),
    }
    return Parcel("webhook", partner.webhook_url, body, headers=headers)


def _post(parcel: Parcel) -> None:
    # No redirects (a signed body goes only where the admin pointed it) and no internal addresses: the
    # outbound client refuses both, and an error's text (a banner, a port) never reaches the record.
    try:
        response = outbound.request("POST", parcel.to, body=parcel.body, headers=parcel.headers,
                                    timeout=current_app.config["WEBHOOK_TIMEOUT"], max_bytes=64_000)
    except outbound.OutboundError as error:
        log.warning("webhook not delivered (%s): %s", type(error).__name__, error.detail)
        raise DeliveryFailed(UNREACHABLE) from error
    if not 200 <= response.status < 300:
        raise DeliveryFailed(f"Webhook: HTTP {response.status}")
