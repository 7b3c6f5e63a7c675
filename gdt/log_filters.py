"""Keep partner and resident link tokens out of every log (docs/decisions/0012-link-sessions.md).

A mailed link (`/doorverwijzing/<token>`, `/casus/<token>`) is a bearer key for 14 days; the resident's
`/mijn-melding/<token>` one for RESIDENT_LINK_DAYS. The app exchanges it on
first use and moves on to a clean address, but that first request's path still reaches the access log, the
development server's request log and any error logged for it. `mask_link_tokens` replaces the token part of such a
path; `MaskLinkTokens` does it for every record of a logger it is added to. Clean addresses (`/doorverwijzing/42`)
stay readable.

Plain Python on purpose: gunicorn.conf.py imports it before any app exists.
"""
import logging
import re

MASK = "[link-token]"
_LINK_PATH = re.compile(r"(/(?:doorverwijzing|casus|mijn-melding)/)([^/?#\s\"'<>]+)")
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")  # and the app's own logger (install)


# Invitation and password-reset links carry their token in the query string (`/invitation?token=…`), which the
# access log and the JSON logs leave out; this masks it in the development server's request log and the error log.
_TOKEN_QUERY = re.compile(r"([?&]token=)[^&#\s\"'<>]+")
# The search API takes its terms in the query string (`/api/v1/search?q=…`: names, phone numbers): masked whole.
_SEARCH_QUERY = re.compile(r"(/api/v1/search\?)[^#\s\"'<>]+")
SEARCH_MASK = "[zoekterm]"


def mask_link_tokens(text: str) -> str:
    """`text` with the token of every partner link path masked; numeric (clean) addresses are left alone."""
    if "token=" in text:
        text = _TOKEN_QUERY.sub(lambda found: found.group(1) + MASK, text)
    if "/search?" in text:
        text = _SEARCH_QUERY.sub(lambda found: found.group(1) + SEARCH_MASK, text)
    if not any(part in text for part in ("/doorverwijzing/", "/casus/", "/mijn-melding/")):
        return text
    return _LINK_PATH.sub(lambda found: found.group(0) if found.group(2).isdigit() else found.group(1) + MASK, text)


class MaskLinkTokens(logging.Filter):
    """A logging filter that rewrites a record's message with the link tokens masked (it never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the handler's to report, not ours
            return True
        masked = mask_link_tokens(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


def install(app_logger: logging.Logger) -> None:
    """Add the filter to the request-logging loggers and to the app's own (`Exception on /casus/… [GET]`)."""
    for logger in (app_logger, *(logging.getLogger(name) for name in LOGGERS)):
        if not any(isinstance(existing, MaskLinkTokens) for existing in logger.filters):
            logger.addFilter(MaskLinkTokens())
