"""Questions to the resident: the periodic scan that sends the one reminder of an unanswered question."""
from celery import shared_task

from gdt.services.resident import question_mails


@shared_task(name="gdt.resident_questions.remind_due")
def remind_due() -> int:
    return question_mails.remind_due()
