"""The outbox consumer as a task: the after-commit nudge and the relay publish message ids to it.

A claimed message (another worker has it, or had it and died) is tried again when the claim runs out.
OSError covers an SMTP server that is down (smtplib.SMTPException is an OSError). On a worker the
task retries with backoff; in-process (the embedded default, no Redis) it does not, so a web
request never waits on a mail server — the message stays unprocessed and the relay tries again.
"""
from celery import shared_task

from gdt.services.core import outbox

MAX_RETRIES = 8


@shared_task(bind=True, name="gdt.outbox.process_message", max_retries=MAX_RETRIES)
def process_message(self, message_id: str) -> None:
    try:
        outbox.process(message_id)  # idempotent: a duplicate delivery does nothing
    except outbox.Claimed as claimed:  # a duplicate while another worker works on it, or after that one died
        if self.request.is_eager:
            return
        raise self.retry(exc=claimed, countdown=claimed.retry_in + 1) from claimed
    except OSError as failure:
        if self.request.is_eager:
            raise
        raise self.retry(exc=failure, countdown=min(600, 2 ** self.request.retries * 5)) from failure
