"""Mijn melding: the resident's signed link, their logbook, questions to them and the satisfaction survey."""

from gdt.services.resident import question_mails  # noqa: F401  (its outbox handler)
