"""The outbox consumer as a task: the after-commit nudge and the relay publish message ids to it.

A claimed message (another worker has it, or had it and died) is tried again when the claim runs out.
OSError covers an SMTP server that is down (smtplib.SMTPException is an OSError); a database that
cannot be reached (a restart, a failover) is tried again the same way, so the message need not wait
for the relay's re-publish. On a worker the task retries with backoff; in-process (the embedded
default, no Redis) it does not, so a web request never waits on a mail server or a database that is
down — the message stays unprocessed and the relay tries again.
"""
from celery import shared_task

from gdt.db import database_unavailable
from gdt.services.core import outbox

MAX_RETRIES = 8


@shared_task(bind=True, name="gdt.outbox.process_message", max_retries=MAX_RETRIES)
def process_message(self, message_id: str) -> None:
    try:
        # idempotent: a duplicate delivery does nothing. In-process, recording is not retried: a request waits.
        outbox.process(message_id, record_retry_seconds=0 if self.request.is_eager else None)
    except outbox.Claimed as claimed:  # a duplicate while another worker works on it, or after that one died
        if self.request.is_eager:
            return
        raise self.retry(exc=claimed, countdown=claimed.retry_in + 1) from claimed
    except Exception as failure:
        retryable = isinstance(failure, OSError) or database_unavailable(failure)
        if self.request.is_eager or not retryable:
            raise
        raise self.retry(exc=failure, countdown=min(600, 2 ** self.request.retries * 5)) from failure
