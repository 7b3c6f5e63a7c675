"""Telling staff when something needs them: in the app and by mail, as each user chooses.

notify.notify (called by casework, triage and referrals inside their unit of work), inbox (the list and reading
it), choices (per-user delivery), scans (actions due, triage deadlines, clean-up) and mails (the outbox handlers
and the daily digest). README, "Notifications (Meldingen voor mij)".
"""
from gdt.services.notifications import mails  # noqa: F401  (registers the outbox handlers)
