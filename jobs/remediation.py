"""The ``run_task`` remediation action for alert rules:
``auto_remediate: {"action": "run_task", "params": {"task_id": 3, "task_arguments": [...]}}``."""

from __future__ import annotations

from typing import Any

from jobs.choices import TriggeredBy
from jobs.models import Task
from jobs.services.jobs import job_create


def run_task(alert: Any) -> str:
    params = (alert.rule.auto_remediate or {}).get("params") or {}
    task_id = params.get("task_id")
    task = Task.objects.filter(organization_id=alert.organization_id, pk=int(task_id or 0)).first()
    if task is None:
        raise LookupError(f"no task {params.get('task_id')!r} in this organization")
    job = job_create(
        task=task,
        task_arguments=params.get("task_arguments"),
        triggered_by=TriggeredBy.REMEDIATION,
        by=f"alert {alert.pk}",
    )
    return f"started job {job.pk} of task {task.name}"
