"""Outgoing e-mail over plain SMTP (SMTP_HOST:SMTP_PORT), so any municipal relay or a test sink will do.

Only outbox handlers call this: the mail leaves after the business data is committed, and a
failure raises so the message stays unprocessed and is tried again.
"""
import smtplib
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app

from gdt.db import utcnow
from gdt.services.core import local_mail

TIMEOUT = 10  # seconds; a hanging mail server must not hold a worker (or, in eager mode, a request)


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text message; raises OSError (smtplib.SMTPException included) when it cannot."""
    config = current_app.config
    sender = config["MAIL_FROM"]
    message = EmailMessage()  # its header policy refuses CR/LF in any header value
    message["From"] = sender
    message["To"] = to
    message["Subject"] = _one_line(subject)
    message["Date"] = format_datetime(utcnow())
    # The sender's domain, not this machine's host name, which make_msgid would otherwise reveal.
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
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


def _one_line(text: str) -> str:
    return " ".join(text.split())
