"""Who may log in and how: single sign-on, second factors, account links, sessions (README, "Logging in")."""

# The modules with outbox handlers: imported with the package, so the outbox finds their topics.
from gdt.services.identity import second_factor  # noqa: F401
