"""Worker entry point: celery -A worker.app worker / celery -A worker.app beat."""
from pathlib import Path

from gdt import create_app
from worker import heartbeats

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
heartbeats.connect(flask_app)  # the worker and beat stamp their heartbeats (README, "Health and metrics")
# Beat writes its schedule file into the instance folder (config.py), which a fresh installation may not have yet.
Path(celery_app.conf.beat_schedule_filename).parent.mkdir(parents=True, exist_ok=True)
