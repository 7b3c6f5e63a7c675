"""The coordinator's work on cases: the case itself, actions, meetings, bundling and merging, the case list,
the start page and the daily reminders."""

# The modules with outbox handlers: imported with the package, so the outbox finds their topics.
from gdt.services.casework import meetings, reminders  # noqa: F401
