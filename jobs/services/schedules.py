"""The recurring-task dispatcher: due tasks become jobs, once per due time."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from jobs.choices import TriggeredBy
from jobs.models import Task
from jobs.services.jobs import job_create
from jobs.services.tasks import next_run_missed
from monitoring_site.errors import DomainError

BATCH = 500


def tasks_dispatch_due(*, now: datetime | None = None) -> int:
    """Claim each due task by moving its ``next_run_at`` forward (compare-and-swap on the old value) and
    create its job in the same transaction; the unique (task, scheduled_for) constraint makes a second
    dispatcher, or a re-run after a crash, create nothing. Returns the number of jobs created."""
    now = now or timezone.now()
    created = 0
    due = Task.objects.filter(next_run_at__lte=now, enabled=True).select_related("organization", "runner")
    for task in due.order_by("next_run_at")[:BATCH]:
        scheduled_for = task.next_run_at
        assert scheduled_for is not None
        task.run_count += 1
        following = next_run_missed(task, scheduled_for, now)
        try:
            with transaction.atomic():
                claimed = Task.objects.filter(pk=task.pk, next_run_at=scheduled_for).update(
                    next_run_at=following, run_count=F("run_count") + 1
                )
                if not claimed:
                    continue
                job_create(
                    task=task,
                    triggered_by=TriggeredBy.SCHEDULE,
                    by="schedule",
                    scheduled_for=scheduled_for,
                    now=now,
                )
                created += 1
        except IntegrityError:  # this due time already has its job
            continue
        except DomainError:  # arguments no longer valid: skip this run, the schedule moves on
            Task.objects.filter(pk=task.pk, next_run_at=scheduled_for).update(next_run_at=following)
    return created
