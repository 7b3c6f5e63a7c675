"""Errors raised by the lifecycles."""


class RuleBroken(Exception):
    """A guard refused a transition. `rule` is a stable code; the service turns it into a message."""

    def __init__(self, rule: str, field: str | None = None):
        super().__init__(rule)
        self.rule, self.field = rule, field
