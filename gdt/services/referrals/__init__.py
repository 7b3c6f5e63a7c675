"""Referrals to the spatial domain or a chain partner: creating them, delivering them (mail, webhook), the
partner's feedback and what a partner may see of a referral or case."""

# The modules with outbox handlers: imported with the package, so the outbox finds their topics.
from gdt.services.referrals import routing  # noqa: F401
