"""Events for other systems: CloudEvents to the administrator's subscribers, signed, through the outbox (README,
"Events for other systems")."""
from gdt.services.events import deliver  # noqa: F401  (its outbox handler)
