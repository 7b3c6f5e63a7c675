"""Gunicorn settings for the web process; gunicorn reads ./gunicorn.conf.py by itself when started from the
repository (`.venv/bin/gunicorn wsgi:app`, the Procfile's `web`), or pass `-c /path/to/gunicorn.conf.py`.

Every setting below has a default for one machine behind a reverse proxy and an environment variable to change
it (README, "Processes"); a command-line option (`-w 4`, `-b …`) still wins over both.

Partner links are bearer keys in the path (`/doorverwijzing/<token>`, `/casus/<token>`) until the app exchanges
them for a link session (docs/decisions/0012-link-sessions.md). The logger class below writes such a path with
the token masked, in every atom of the access log format (request line, path, referrer, raw URI) and in the
error log, whatever the operator chooses for `--access-logfile`, `--access-logformat` or a logging config.
"""
import os
import sys
from pathlib import Path

from gunicorn.glogging import Logger

sys.path.insert(0, str(Path(__file__).resolve().parent))  # gunicorn reads this file before it adds its chdir

from gdt.log_filters import MaskLinkTokens, mask_link_tokens
from gdt.logs import gunicorn_json, json_wanted


def _env_int(name: str, default: int, minimum: int = 0) -> int:
    """An integer setting from the environment, refused with its name when it is not a number."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"gunicorn.conf.py: {name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise SystemExit(f"gunicorn.conf.py: {name} must be at least {minimum}, not {value}")
    return value


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use, not the whole machine's
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_workers(cpus: int) -> int:
    """2 × CPUs + 1 processes, at most 8: each holds the app in memory and a few database connections."""
    return min(2 * cpus + 1, 8)


class MaskedLinkLogger(Logger):
    """Gunicorn's logger with partner link tokens masked in the access and error logs.

    The referrer (`%(f)s`) is logged without its query string, like the path: a search in the case list
    (`?q=<name>`) would otherwise reach the access log through the next page's Referer header.
    """

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(existing, MaskLinkTokens) for existing in log.filters):
                log.addFilter(MaskLinkTokens())  # a message gunicorn or a handler formats itself
        if json_wanted():  # production, or LOG_FORMAT=json: JSON error log; the app's request line, no access log
            gunicorn_json(self.error_log, self.access_log)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["f"] = atoms["f"].split("?", 1)[0].split("#", 1)[0]
        return {name: mask_link_tokens(value) if isinstance(value, str) else value for name, value in atoms.items()}


logger_class = MaskedLinkLogger


def on_starting(server):
    """Production settings are checked once, in the master before any worker starts: a wrong setting stops
    gunicorn with "Error: GDT_ENV=production refuses to start …" naming every problem on one line, instead of a
    traceback from each worker (gdt/config_check.py)."""
    from gdt import config_check
    config_check.check_environment()  # a RuntimeError, which gunicorn prints as one line before it exits 1
    _fresh_metrics_directory()


def _fresh_metrics_directory():
    """With PROMETHEUS_MULTIPROC_DIR set, each web process keeps its request metrics in a file there and /metrics
    adds them up (README, "Health and metrics"): the folder is made if missing and emptied at start, so a
    previous run's files are not counted again."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        os.makedirs(directory, exist_ok=True)
        for leftover in Path(directory).glob("*.db"):
            leftover.unlink()


def child_exit(server, worker):
    """A web process ended: prometheus-client forgets its live gauges; its counts stay in the sums."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess
        multiprocess.mark_process_dead(worker.pid)


# Where to listen: behind the HTTPS proxy on the same machine by default; `0.0.0.0:8000` in a container,
# `unix:/run/gdt/web.sock` for a socket.
bind = [address.strip() for address in os.environ.get("GDT_BIND", "127.0.0.1:8000").split(",") if address.strip()]

# Processes × threads: a request mostly waits on PostgreSQL or an address lookup (mail leaves through the outbox,
# never from a request); every process's SQLAlchemy pool (5 + 10 overflow) covers its threads.
workers = _env_int("WEB_CONCURRENCY", default_workers(_cpus()), minimum=1)
worker_class = "gthread"
threads = _env_int("GDT_WEB_THREADS", 4, minimum=1)

# A worker process that stops answering the master this long (seconds) is restarted; on SIGTERM or a reload the
# running requests get `graceful_timeout` to finish; an idle keep-alive connection from the proxy stays open
# `keepalive` seconds (shorter than the proxy's own upstream keep-alive).
timeout = _env_int("GDT_WEB_TIMEOUT", 60, minimum=1)
graceful_timeout = _env_int("GDT_WEB_GRACEFUL_TIMEOUT", 30, minimum=1)
keepalive = _env_int("GDT_WEB_KEEPALIVE", 5, minimum=1)

# Each worker process is replaced after about this many requests (0: never), with jitter so they do not all
# restart at the same moment: whatever a process slowly accumulates is handed back.
max_requests = _env_int("GDT_WEB_MAX_REQUESTS", 1000)
max_requests_jitter = max(1, max_requests // 10) if max_requests else 0

# Whose X-Forwarded-Proto gunicorn believes (wsgi.url_scheme). Only the reverse proxy's address belongs here —
# the same proxy the app counts in PROXY_FIX_X_FOR for X-Forwarded-For/-Proto; a client elsewhere cannot claim
# https. Comma-separated addresses or networks; never `*` unless only the proxy can reach gunicorn.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs to standard output/error (the journal under systemd, `docker compose logs`), or to the file named.
# The access log shows the path without its query string (`%(U)s`, not the request line `%(r)s`): a query may
# hold a name or an address someone searched for. `%(M)s`: milliseconds taken.
accesslog = os.environ.get("GDT_ACCESS_LOG", "-") or None
errorlog = os.environ.get("GDT_ERROR_LOG", "-")
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# The worker heartbeat file lives in memory (a container's /tmp may be a slow overlay disk).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None

# Gunicorn's control socket (`gunicornc`) only where the operator names one: its default path in $HOME is the
# same for every gunicorn of a user, so a second one started on the machine takes it over, and the service
# user has no writable home.
control_socket = os.environ.get("GDT_CONTROL_SOCKET", "") or "gunicorn.ctl"
control_socket_disable = not os.environ.get("GDT_CONTROL_SOCKET")
