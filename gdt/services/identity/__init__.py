"""Who may log in and how: single sign-on, second factors, account links, sessions (README, "Logging in")."""

# The modules with outbox handlers: imported with the package, so the outbox finds their topics.
from gdt.services.identity import account_links, password_change, second_factor  # noqa: F401
