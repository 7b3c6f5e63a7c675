"""Worker entry point: celery -A worker.app worker / celery -A worker.app beat."""
from gdt import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
