"""Celery bound to the Flask app: every task body runs inside an app context."""
from celery import Celery, Task
from flask import Flask


def init_celery(app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.import_name, task_cls=FlaskTask)
    celery.config_from_object(app.config["CELERY"])
    from worker.schedule import beat_schedule
    celery.conf.beat_schedule = beat_schedule(app.config)
    celery.set_default()
    from gdt import logs
    from worker import task_logs
    task_logs.connect(celery, json=logs.json_configured(app.config))  # the request id travels with each task
    app.extensions["celery"] = celery
    from worker.tasks import (  # noqa: F401  (registers)
        delivery,
        events,
        notifications,
        outbox,
        reminders,
        resident_questions,
        retention,
        signalen,
        statistics,
    )
    if app.config.get("RUN_SCHEDULER_IN_PROCESS"):
        from worker import embedded
        embedded.start(app)
    return celery
