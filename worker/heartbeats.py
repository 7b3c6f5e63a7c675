"""Heartbeats of the worker and beat processes (gdt.services.operations.heartbeats), connected in worker/app.py.

When the worker is ready (its main process, under prefork too) or beat starts, a daemon thread stamps the
process's heartbeat every HEARTBEAT_INTERVAL_SECONDS until the process shuts down. A beat the database does not
take is only missed. The relay stamps its own in its loop (worker/relay.py).

The worker's main process now holds database connections, and prefork forks new pool processes from it later
(one that died, or was replaced): a child drops the inherited pool without closing its connections (they are the
parent's), as SQLAlchemy advises for forked processes, and opens its own.
"""
import threading

from celery import signals
from flask import Flask

from gdt.db import db
from gdt.services.operations.heartbeats import Heartbeat

_stops: list[threading.Event] = []


def connect(app: Flask) -> None:
    signals.worker_ready.connect(lambda **_: start(app, "worker"), weak=False, dispatch_uid="gdt.heartbeat.worker")
    signals.beat_init.connect(lambda **_: start(app, "beat"), weak=False, dispatch_uid="gdt.heartbeat.beat")
    signals.worker_shutdown.connect(lambda **_: stop_all(), weak=False, dispatch_uid="gdt.heartbeat.stop")
    signals.worker_process_init.connect(lambda **_: fresh_pool(app), weak=False, dispatch_uid="gdt.heartbeat.fork")


def start(app: Flask, kind: str) -> threading.Event:
    """Stamp `kind`'s heartbeat now and then every interval, from a daemon thread; set the event to stop."""
    stop = threading.Event()
    heartbeat = Heartbeat(kind)
    interval = max(float(app.config["HEARTBEAT_INTERVAL_SECONDS"]), 0.5)  # 0 would spin

    def loop() -> None:
        while True:
            with app.app_context():
                heartbeat.write()
                db.session.remove()
            if stop.wait(interval):
                return

    threading.Thread(target=loop, name=f"gdt-heartbeat-{kind}", daemon=True).start()
    _stops.append(stop)
    return stop


def stop_all() -> None:
    for stop in _stops:
        stop.set()


def fresh_pool(app: Flask) -> None:
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
