from __future__ import annotations

from django.db import models

from monitoring_site.accounts.models import Organization


class JobStatsBucket(models.Model):
    """The jobs created in one hour for one queue and task type, counted by their current status, with
    the durations of the finished ones. A key has up to ``SHARDS`` rows whose sums are the figures: a job
    change adds +1/-1 to a random shard, so concurrent changes seldom wait on the same row lock. Every job
    creation and status change updates its bucket in the same transaction (``jobs.services.stats``), so
    the statistics read a few thousand rows instead of millions of jobs and never drift from the jobs;
    ``manage.py jobs_stats_rebuild`` recomputes them from the job table."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField(help_text="The hour (UTC) the jobs were created in.")
    day = models.DateField(help_text="The hour's day (UTC), stored so daily figures need no date function.")
    queue = models.CharField(max_length=100)
    task_type = models.CharField(max_length=100)
    shard = models.PositiveSmallIntegerField(default=0, help_text="Concurrent changes spread over shards.")
    queued = models.IntegerField(default=0)
    in_progress = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    failed = models.IntegerField(default=0)
    cancelled = models.IntegerField(default=0)
    duration_sum = models.FloatField(default=0)
    duration_count = models.IntegerField(default=0)
    duration_min = models.FloatField(null=True, blank=True)
    duration_max = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "hour", "queue", "task_type", "shard"], name="jobstats_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H}h {self.queue}/{self.task_type}"
