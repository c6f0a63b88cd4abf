"""The monitoring platform's project package: settings, URLs, ASGI, Celery and the shared API layer."""

from .celery import app as celery_app

__all__ = ["celery_app"]
__version__ = "0.1.0"
