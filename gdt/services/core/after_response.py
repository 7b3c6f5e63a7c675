"""Work a request hands off so that its answer does not wait for it: one daemon thread per process, in order.

For what may be lost with the process because something else makes up for it (the outbox relay publishes every
committed message the nudge did not: docs/decisions/0002-transactional-outbox.md). Each call runs in an app
context of its own and with the submitting code's context variables (the request id its log lines and tasks
carry); an error is logged and the thread goes on. A forked process (gunicorn's workers) starts its
own thread on first use; an exiting one waits a few seconds for what it was handed.
"""
import atexit
import contextvars
import logging
import os
import queue
import threading
from collections.abc import Callable

from flask import Flask

log = logging.getLogger(__name__)
EXIT_WAIT = 5.0  # seconds an exiting process gives its unfinished calls

_calls: queue.SimpleQueue | None = None
_owner_pid: int | None = None
_lock = threading.Lock()


def submit(app: Flask, function: Callable, *args) -> None:
    """Run `function(*args)` soon, in this process's background thread, inside `app`'s context."""
    _queue().put((app, function, args, contextvars.copy_context()))


def wait_until_idle(timeout: float = 10.0) -> bool:
    """Block until every call submitted so far has run (tests, and an orderly shutdown); False on timeout."""
    done = threading.Event()
    _queue().put((None, done.set, (), None))
    return done.wait(timeout)


def _queue() -> queue.SimpleQueue:
    global _calls, _owner_pid
    with _lock:
        if _calls is None or _owner_pid != os.getpid():
            _calls, _owner_pid = queue.SimpleQueue(), os.getpid()
            threading.Thread(target=_run, args=(_calls,), name="gdt-after-response", daemon=True).start()
            atexit.register(wait_until_idle, EXIT_WAIT)  # a worker recycled by gunicorn finishes what it was handed
        return _calls


def _in_app(app: Flask, function: Callable, args: tuple) -> None:
    with app.app_context():
        function(*args)


def _run(calls: queue.SimpleQueue) -> None:
    while True:
        app, function, args, context = calls.get()
        try:
            if app is None:
                function(*args)
                continue
            context.run(_in_app, app, function, args)
        except Exception:
            log.exception("background call %s failed", getattr(function, "__name__", function))
