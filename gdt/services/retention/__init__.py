"""Retention (docs/domain.md, "Retention and destruction"): rules and dates, legal holds, the anonymisation of
contact details and files, and destruction lists that remove content while every statistic stays the same."""

# The modules with outbox handlers: imported with the package, so the outbox finds their topics.
from gdt.services.retention import destruction  # noqa: F401
