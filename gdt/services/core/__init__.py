"""What every feature uses and that uses no feature: the unit of work, errors, audit, access rules, deadlines,
reference numbers and data, mail, the outbox, idempotency, partner links, API tokens, sessions."""
