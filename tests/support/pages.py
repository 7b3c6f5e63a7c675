"""Helpers for reading rendered pages in tests."""
import re

_SESSION_WARNING = re.compile(r'<dialog class="gdt-session-warning".*?session\.js" defer></script>', re.S)


def without_session_warning(html: str) -> str:
    """The page without the idle warning every logged-in page carries (templates/_layout/_session_warning.html):
    its closed <dialog> and its script, so a test can say what the page itself contains."""
    return _SESSION_WARNING.sub("", html)
