"""Services queue background work by the task's registered name, so a service never imports its app's
``tasks`` module (which imports the services): the dependency runs one way, tasks to services."""

from __future__ import annotations

import threading
from typing import Any

from monitoring_site.celery import app

# Outside a worker the apps' tasks modules load on the first enqueue. Celery's autodiscovery returns at once,
# having imported nothing, to a thread that calls it while another thread is inside it (its
# ``_RACE_PROTECTION`` flag), so two requests queueing their first task together used to leave one
# with "no task is registered": its job then waited for the sweep (``JOBS_REENQUEUE_SECONDS``). One
# thread at a time loads them.
_loading = threading.Lock()


def enqueue(name: str, *args: Any) -> None:
    """Queue the task registered as ``name`` with ``args``, routed as ``CELERY_TASK_ROUTES`` says. A name
    no app registered is a bug here, not a message no worker will ever take."""
    if name not in app.tasks:
        with _loading:
            if name not in app.tasks:
                app.loader.import_default_modules()
    if name not in app.tasks:
        raise LookupError(f"No task is registered as {name!r}.")
    app.send_task(name, args=args)
