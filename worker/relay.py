"""`flask outbox-relay`: hands outbox messages to the worker queue.

A command and not a beat task on purpose: beat needs Redis, and the relay must keep running (and
keep counting how long messages wait) exactly while Redis is down. Registered in gdt/cli/__init__.py.
"""
import contextlib
import logging
import signal
import threading

import click
from flask.cli import with_appcontext

from gdt.services.core import outbox
from gdt.services.operations import heartbeats

log = logging.getLogger(__name__)


@click.command("outbox-relay")
@click.option("--once", is_flag=True, help="Relay one batch, print the result and exit (1 if publishing failed).")
@click.option("--interval", type=click.FloatRange(min=0.1), default=5.0, show_default=True,
              help="Seconds between runs; doubled after each failure, up to a minute.")
@with_appcontext
def outbox_relay(once: bool, interval: float) -> None:
    """Publish outbox messages that are not yet (or no longer) on the queue."""
    if once:
        result = outbox.relay_once()
        click.echo(describe(result))
        if result.failed:
            raise SystemExit(1)
        return
    # Text in development; with JSON logs (gdt/logs.py) create_app has set up the root logger and this does nothing.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())  # finish the current batch, then exit
    log.info("outbox relay: a run every %g s; stop with Ctrl-C or SIGTERM", interval)
    with contextlib.suppress(KeyboardInterrupt):
        outbox.relay_forever(interval, stop, heartbeat=heartbeats.Heartbeat("relay").beat)


def describe(result: outbox.RelayResult) -> str:
    age = result.oldest_unpublished_age
    waiting = "none" if age is None else f"{age:.0f} s"
    return f"published {result.published}, failed {result.failed}, oldest unpublished: {waiting}"
