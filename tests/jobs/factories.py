"""Tasks and runners for the jobs tests, made through the services as the API makes them."""

from __future__ import annotations

import sys

from jobs.inputs import NewTask
from jobs.services.runners import enrollment_token_create, runner_register
from jobs.services.tasks import task_create

PYTHON = sys.executable


def make_task(org, name="nightly", **data):
    task, _secret = task_create(organization=org, new=NewTask.of({"name": name, "kind": "noop", **data}))
    return task


def make_script_task(org, settings, code: str, name="script", **data):
    """A script task running ``python -c code`` (python allowed on the platform's workers)."""
    settings.JOBS_ALLOWED_EXECUTABLES = [PYTHON]
    return make_task(
        org, name=name, kind="script", executable=PYTHON, argv=["-c", code, *data.pop("argv", [])], **data
    )


def make_runner(org, name="runner-1", labels=("linux",)):
    _token, raw = enrollment_token_create(organization=org, name="enroll")
    return runner_register(enrollment_token=raw, name=name, labels=list(labels))
