"""Services queue background work by the task's registered name, so a service never imports its app's
``tasks`` module (which imports the services): the dependency runs one way, tasks to services."""

from __future__ import annotations

from typing import Any

from monitoring_site.celery import app


def enqueue(name: str, *args: Any) -> None:
    """Queue the task registered as ``name`` with ``args``, routed as ``CELERY_TASK_ROUTES`` says. A name
    no app registered is a bug here, not a message no worker will ever take."""
    if name not in app.tasks:
        app.loader.import_default_modules()  # outside a worker the apps' tasks modules load on demand
    if name not in app.tasks:
        raise LookupError(f"No task is registered as {name!r}.")
    app.send_task(name, args=args)
