from django.db import models

from monitoring_site.time_buckets import Resolution
from monitors.models.monitor import Monitor


class CheckRollup(models.Model):
    """A monitor's checks in one minute, hour or day (UTC buckets): what uptime figures and charts read.

    ``sketch`` is a mergeable latency histogram (``monitoring_site.metrics.sketch``): an hour's p95 is the
    quantile of its merged minutes' sketch, not an average of percentiles.
    """

    monitor = models.ForeignKey(Monitor, on_delete=models.CASCADE, related_name="rollups")
    resolution = models.CharField(max_length=8, choices=Resolution.choices)
    bucket_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    rt_count = models.PositiveIntegerField(default=0, help_text="Checks with a response time.")
    rt_sum = models.FloatField(default=0)
    rt_avg = models.FloatField(null=True, blank=True)
    rt_p50 = models.FloatField(null=True, blank=True)
    rt_p95 = models.FloatField(null=True, blank=True)
    rt_p99 = models.FloatField(null=True, blank=True)
    sketch = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["monitor_id", "resolution", "bucket_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["monitor", "resolution", "bucket_start"], name="rollup_one_per_bucket"
            )
        ]
        indexes = [models.Index(fields=["resolution", "bucket_start"], name="rollup_level_time_idx")]

    def __str__(self) -> str:
        return f"{self.monitor_id} {self.resolution} {self.bucket_start:%Y-%m-%d %H:%M}"


class RollupCursor(models.Model):
    """How far each resolution is rolled up: every bucket before ``done_until`` is final."""

    resolution = models.CharField(max_length=8, choices=Resolution.choices, unique=True)
    done_until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.resolution} until {self.done_until:%Y-%m-%d %H:%M}"
