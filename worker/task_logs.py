"""The Celery side of the logs (gdt/logs.py, README "Logs"): the request id travels with each task, and every task
run is one log line.

* Publishing (`before_task_publish`, in whatever process queues the task: a web request's after-commit nudge, the
  relay, beat, a task retrying itself) puts the current request id in the message headers.
* Running (`task_prerun`/`task_postrun`, in the worker's pool process, or in-process without Redis) makes that id
  the current one, so every record logged meanwhile carries it, and then writes one line: task, task_id,
  request_id, state (SUCCESS, RETRY, FAILURE …), duration_ms and, when it did not succeed, the error's class.
  A task queued outside any request (beat, a message the relay hands on without an origin) gets an id of its own.
* With JSON wanted, Celery leaves logging to gdt/logs.py (a `setup_logging` receiver), its start-up banners stay
  off (they are not log lines) and its own per-task lines ("received", "succeeded in …") are left out: the line
  above replaces them; its warnings and errors still come through.
"""
import logging
import time

from celery import Celery, signals
from celery.apps import worker as worker_program
from celery.apps.beat import Beat
from celery.apps.worker import Worker

from gdt import logs

HEADER = "gdt_request_id"
log = logging.getLogger("gdt.task")
# Celery's own per-task INFO lines, replaced by ours in JSON (failures are logged at ERROR and still appear).
CELERY_TASK_LOGGERS = ("celery.app.trace", "celery.worker.strategy")
_runs: dict[str, tuple[float, object]] = {}  # task id -> (start, context token), in the process running it


def connect(celery: Celery, *, json: bool) -> None:
    """Connect the signal receivers (once per process: Celery's signals are global); with `json`, also the logging
    setup and the quiet worker and beat programs of this Celery app."""
    signals.before_task_publish.connect(_carry_request_id, weak=False, dispatch_uid="gdt.logs.publish")
    signals.task_prerun.connect(_task_started, weak=False, dispatch_uid="gdt.logs.prerun")
    signals.task_postrun.connect(_task_finished, weak=False, dispatch_uid="gdt.logs.postrun")
    if json:
        signals.setup_logging.connect(_setup_logging, weak=False, dispatch_uid="gdt.logs.setup")
        signals.worker_shutting_down.connect(_shutting_down, weak=False, dispatch_uid="gdt.logs.shutdown")
        celery.Worker = celery.subclass_with_self(QuietWorker)
        celery.Beat = celery.subclass_with_self(QuietBeat)


class QuietWorker(Worker):
    """`celery worker` without its banner (a block of text on stdout) and without printing "worker: Warm shutdown
    (MainProcess)" on SIGTERM (or Cold on SIGQUIT): the same shutdown, announced by a log line instead.
    "celery@host ready." is logged by Celery itself."""

    def on_before_init(self, quiet=False, **kwargs):
        super().on_before_init(quiet=True, **kwargs)

    def install_platform_tweaks(self, worker):
        super().install_platform_tweaks(worker)
        worker_program.install_worker_term_handler(worker, verbose=False)
        worker_program.install_worker_term_hard_handler(worker, verbose=False)


class QuietBeat(Beat):
    """`celery beat` without its banner; beat logs "beat: Starting..." itself."""

    def __init__(self, *args, quiet=False, **kwargs):
        super().__init__(*args, quiet=True, **kwargs)


def _setup_logging(loglevel=None, **_ignored) -> None:
    logs.install_json_logging(loglevel or logging.INFO)
    for name in CELERY_TASK_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)


def _shutting_down(how=None, sig=None, **_ignored) -> None:
    logging.getLogger("gdt.worker").info("worker: %s shutdown on %s", how, sig)


def _carry_request_id(headers=None, **_ignored) -> None:
    current = logs.current_request_id()
    if headers is not None and current and HEADER not in headers:
        headers[HEADER] = current


def _task_started(task_id=None, task=None, **_ignored) -> None:
    carried = getattr(task.request, HEADER, None) if task is not None else None
    request_id = (logs.accepted_request_id(carried) if carried else None) \
        or logs.current_request_id() or logs.new_request_id()  # in-process: the request's own id
    _runs[task_id] = (time.perf_counter(), logs.request_id.set(request_id))


def _task_finished(task_id=None, task=None, state=None, retval=None, **_ignored) -> None:
    started, token = _runs.pop(task_id, (None, None))
    line = {"task": getattr(task, "name", None), "task_id": task_id, "state": state,
            "request_id": logs.current_request_id(),
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
            "error": type(retval).__name__ if isinstance(retval, BaseException) else None}
    log.log(logging.INFO if state == "SUCCESS" else logging.WARNING, "task %s %s", line["task"], state, extra=line)
    if token is not None:
        try:
            logs.request_id.reset(token)
        except ValueError:  # set in another context (a thread pool): leave it, the next task sets its own
            logs.request_id.set(None)
