"""The real application for the restart-under-load test, served by gunicorn; its settings come from the
environment as in production. Only the rate limits are off: one app client sends hundreds of reports."""
import config
from gdt import create_app


class LoadConfig(config.DevelopmentConfig):
    RATELIMIT_ENABLED = False


app = create_app(LoadConfig)
