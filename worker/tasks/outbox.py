"""The outbox consumer as a task: the after-commit nudge and the relay publish message ids to it.

OSError covers an SMTP server that is down (smtplib.SMTPException is an OSError). On a worker the
task retries with backoff; in-process (the embedded default, no Redis) it does not, so a web
request never waits on a mail server — the message stays unprocessed and the relay tries again.
"""
from celery import shared_task

from gdt.services import outbox

MAX_RETRIES = 8


@shared_task(bind=True, name="gdt.outbox.process_message", max_retries=MAX_RETRIES)
def process_message(self, message_id: str) -> None:
    try:
        outbox.process(message_id)  # idempotent: a duplicate delivery does nothing
    except OSError as failure:
        if self.request.is_eager:
            raise
        raise self.retry(exc=failure, countdown=min(600, 2 ** self.request.retries * 5)) from failure
