"""Outgoing e-mail over plain SMTP (SMTP_HOST:SMTP_PORT), so any municipal relay or a test sink will do.

Only outbox handlers call this: the mail leaves after the business data is committed, and a
failure raises so the message stays unprocessed and is tried again.
"""
import hashlib
import hmac
import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app

from gdt.db import utcnow
from gdt.services.core import local_mail, outbox
from gdt.validation import is_one_address

TIMEOUT = 10  # seconds; a hanging mail server must not hold a worker (or, in eager mode, a request)


class NotOneAddress(smtplib.SMTPRecipientsRefused):
    """The recipient is not exactly one bare address ("a@x.nl,b@y.nl", "groep: a@x.nl;", "Naam <a@x.nl>").

    Refused before anything is sent, as a mail server refuses a bad address (553 5.1.3, permanent), so every
    caller that handles a server's permanent refusal handles this one too. The address is not in the message.
    """

    def __init__(self):
        super().__init__({"": (553, b"5.1.3 not exactly one address")})

    def __str__(self) -> str:
        return "De ontvanger is niet precies één e-mailadres."


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text message to one address; raises OSError (smtplib.SMTPException included) when it cannot.

    The last guard: whatever the field rules let through in the past, a recipient that is not exactly one
    address is refused here (NotOneAddress) and never becomes two recipients or a group.
    """
    if not is_one_address(to):
        raise NotOneAddress()
    config = current_app.config
    sender = config["MAIL_FROM"]
    message = EmailMessage()  # its header policy refuses CR/LF in any header value
    message["From"] = sender
    message["To"] = to
    message["Subject"] = _one_line(subject)
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id(to, domain=sender.rpartition("@")[2] or "localhost")
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: out-of-office replies stay away
    message.set_content(body)
    TRANSPORTS[config["MAIL_TRANSPORT"]](message)


def _smtp(message: EmailMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=TIMEOUT) as smtp:
        smtp.send_message(message)


# Where a finished message goes (config MAIL_TRANSPORT): the SMTP server, or in development without one the
# local mailbox an admin reads at /admin/mail. Each takes the message and raises OSError when it cannot.
TRANSPORTS = {"smtp": _smtp, "local": local_mail.keep}


def message_id(to: str, *, domain: str) -> str:
    """The same Message-ID every time an outbox message's mail is sent again, so mail systems recognise a repeat.

    <outbox-<message id>-<keyed hash of message id and recipient>@<sender's domain>>: nothing personal (the
    recipient only inside an HMAC under SECRET_KEY), and never this machine's host name. Outside an outbox
    handler a random one.
    """
    outbox_id = outbox.current_message_id()
    if outbox_id is None:
        return make_msgid(domain=domain)
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"gdt.mail:{outbox_id}:{to.lower()}".encode(), hashlib.sha256).hexdigest()[:16]
    return f"<outbox-{outbox_id}-{digest}@{domain}>"


def _one_line(text: str) -> str:
    return " ".join(text.split())
