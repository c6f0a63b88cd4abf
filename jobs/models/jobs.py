from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from jobs.choices import JobStatus, JobTarget, TriggeredBy
from jobs.models.tasks import Task
from monitoring_site.accounts.models import Organization


class Job(models.Model):
    """One execution of a task, with its result (exit code, capped log, last line, signal, killed,
    duration). ``task_type``, ``queue`` and ``is_recurring`` are copied from the task when the job is
    created, so statistics group and filter on this table's own indexed columns. Status changes go through
    ``jobs.services.transitions`` only: a compare-and-swap plus a ``JobStatusAudit`` row."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="jobs")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="jobs")
    task_type = models.CharField(max_length=100)
    queue = models.CharField(max_length=100)
    is_recurring = models.BooleanField(default=False)
    arguments = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    target = models.CharField(max_length=8, choices=JobTarget.choices, default=JobTarget.LOCAL)
    runner_label = models.CharField(max_length=100, blank=True, default="")
    pinned_runner = models.ForeignKey(
        "jobs.Runner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    runner = models.ForeignKey(
        "jobs.Runner", null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    scheduled_for = models.DateTimeField(null=True, blank=True, help_text="The due time of a scheduled run.")
    created_at = models.DateTimeField(default=timezone.now)
    enqueued_at = models.DateTimeField(null=True, blank=True, help_text="Last handed to a worker.")
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    exit_code = models.IntegerField(null=True, blank=True)
    log = models.TextField(blank=True, default="")
    lastline = models.TextField(blank=True, default="")
    signal = models.CharField(max_length=16, blank=True, default="")
    killed = models.BooleanField(default=False)
    duration = models.FloatField(null=True, blank=True, help_text="Seconds from start to completion.")
    error = models.TextField(blank=True, default="", help_text="Why the platform failed the job.")
    cancel_requested = models.BooleanField(default=False)
    triggered_by = models.CharField(max_length=12, choices=TriggeredBy.choices, default=TriggeredBy.USER)
    triggered_by_name = models.CharField(max_length=200, blank=True, default="")
    triggered_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attempt = models.PositiveSmallIntegerField(default=1)
    retry_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-id"]
        constraints = [
            # a schedule's due time creates one job, however many dispatchers race for it
            models.UniqueConstraint(fields=["task", "scheduled_for"], name="job_unique_scheduled_run"),
        ]
        indexes = [
            models.Index(fields=["organization", "created_at"], name="job_org_created_idx"),
            models.Index(fields=["organization", "status", "created_at"], name="job_org_status_idx"),
            models.Index(fields=["organization", "queue", "status"], name="job_org_queue_idx"),
            models.Index(fields=["organization", "task_type", "created_at"], name="job_org_type_idx"),
            models.Index(fields=["task", "created_at"], name="job_task_created_idx"),
            models.Index(
                fields=["organization", "created_at"],
                name="job_remote_queued_idx",
                condition=models.Q(status="queued", target="remote"),
            ),
            models.Index(
                fields=["status", "started_at"],
                name="job_in_progress_idx",
                condition=models.Q(status="in_progress"),
            ),
        ]

    def __str__(self) -> str:
        return f"job {self.pk} of {self.task_id}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)

    def payload(self) -> dict:
        """The ``job`` object of events."""
        return {
            "id": self.pk,
            "task_id": self.task_id,
            "task_type": self.task_type,
            "queue": self.queue,
            "status": self.status,
            "attempt": self.attempt,
            "exit_code": self.exit_code,
            "duration": self.duration,
            "runner_id": self.runner_id,
        }


class JobStatusAudit(models.Model):
    """One status change of a job (the status audit), written by the transition that made it."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="status_audits")
    old_status = models.CharField(max_length=12, blank=True, default="")
    new_status = models.CharField(max_length=12, choices=JobStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["job", "at"], name="jobaudit_job_idx"),
            models.Index(fields=["organization", "at"], name="jobaudit_org_at_idx"),
        ]

    def __str__(self) -> str:
        return f"job {self.job_id}: {self.old_status or '-'} -> {self.new_status}"
