"""Signalen as a front door: the team's signals pulled in as reports, and what the team does told back (README,
"Signalen")."""
from gdt.services.signalen import status  # noqa: F401  (its outbox handler)
