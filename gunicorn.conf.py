"""Gunicorn settings for the web processes; gunicorn reads ./gunicorn.conf.py by itself when started from the
repository (`.venv/bin/gunicorn -w 4 -b 127.0.0.1:8000 wsgi:app`), or pass `-c /path/to/gunicorn.conf.py`.

Partner links are bearer keys in the path (`/doorverwijzing/<token>`, `/casus/<token>`) until the app exchanges
them for a link session (docs/decisions/0012-link-sessions.md). The logger class below writes such a path with
the token masked, in every atom of the access log format (request line, path, referrer, raw URI) and in the
error log, whatever the operator chooses for `--access-logfile`, `--access-logformat` or a logging config.
"""
import sys
from pathlib import Path

from gunicorn.glogging import Logger

sys.path.insert(0, str(Path(__file__).resolve().parent))  # gunicorn reads this file before it adds its chdir

from gdt.log_filters import MaskLinkTokens, mask_link_tokens


class MaskedLinkLogger(Logger):
    """Gunicorn's logger with partner link tokens masked in the access and error logs."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(existing, MaskLinkTokens) for existing in log.filters):
                log.addFilter(MaskLinkTokens())  # a message gunicorn or a handler formats itself

    def atoms(self, resp, req, environ, request_time):
        return {name: mask_link_tokens(value) if isinstance(value, str) else value
                for name, value in super().atoms(resp, req, environ, request_time).items()}


logger_class = MaskedLinkLogger
