from __future__ import annotations

from django.db import models
from django.utils import timezone as dj_timezone

from jobs.choices import JobTarget, ScheduleType, TaskKind
from monitoring_site.accounts.models import Organization


class Task(models.Model):
    """A task definition: what to run (a script's executable and argv template, an HTTP request, or a
    no-op), with which declared arguments, where (a platform worker or remote runners by id or label),
    under which limits, and optionally on a schedule.

    ``argv`` items may hold ``{argument}`` placeholders; each item stays one argv item after substitution,
    so a value such as ``; rm -rf /`` reaches the program as one literal argument and no shell is ever
    involved. Only the SHA-256 of ``secret_key`` is stored; the key is shown once (create, rotate).
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="tasks")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, default="")
    task_type = models.CharField(max_length=100, default="general", help_text="A label for statistics.")
    kind = models.CharField(max_length=8, choices=TaskKind.choices, default=TaskKind.NOOP)
    # script
    executable = models.CharField(max_length=500, blank=True, default="")
    argv = models.JSONField(default=list, blank=True, help_text="Argument items; {name} substitutes.")
    environment = models.JSONField(
        default=dict, blank=True, help_text="Variables a script gets beside PATH, LANG, HOME and TMPDIR."
    )
    # http
    url = models.URLField(max_length=2000, blank=True, default="")
    method = models.CharField(max_length=8, blank=True, default="GET")
    headers = models.JSONField(default=dict, blank=True)
    body = models.TextField(blank=True, default="")
    arguments = models.JSONField(default=list, blank=True, help_text="Declared arguments.")
    queue = models.CharField(max_length=100, default="default")
    target = models.CharField(max_length=8, choices=JobTarget.choices, default=JobTarget.LOCAL)
    runner_label = models.CharField(max_length=100, blank=True, default="")
    runner = models.ForeignKey(
        "jobs.Runner", null=True, blank=True, on_delete=models.SET_NULL, related_name="pinned_tasks"
    )
    timeout = models.PositiveIntegerField(default=300, help_text="Seconds before the process is killed.")
    max_output_bytes = models.PositiveIntegerField(default=65536)
    retries = models.PositiveSmallIntegerField(default=0, help_text="Automatic retries after a failure.")
    schedule_type = models.CharField(max_length=8, choices=ScheduleType.choices, default=ScheduleType.NONE)
    interval_seconds = models.PositiveIntegerField(null=True, blank=True)
    cron = models.CharField(max_length=100, blank=True, default="")
    timezone = models.CharField(max_length=64, default="UTC")
    max_runs = models.PositiveIntegerField(null=True, blank=True)
    run_until = models.DateTimeField(null=True, blank=True)
    next_run_at = models.DateTimeField(null=True, blank=True)
    run_count = models.PositiveIntegerField(default=0, help_text="Scheduled runs so far.")
    secret_key_hash = models.CharField(max_length=64, unique=True)
    secret_key_prefix = models.CharField(max_length=16)
    enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=dj_timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="task_unique_name_per_organization")
        ]
        indexes = [
            models.Index(
                fields=["next_run_at"], name="task_due_idx", condition=models.Q(next_run_at__isnull=False)
            ),
            models.Index(fields=["organization", "task_type"], name="task_org_type_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_recurring(self) -> bool:
        return self.schedule_type != ScheduleType.NONE

    def payload(self) -> dict:
        return {"id": self.pk, "name": self.name, "task_type": self.task_type, "queue": self.queue}
