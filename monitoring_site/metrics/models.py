from django.db import models
from django.utils import timezone

from monitoring_site.accounts.models import Organization


class MetricPoint(models.Model):
    """One value of a custom metric pushed through ``POST /metrics`` (domains' metrics live in their own
    tables and reach the registry through their definitions)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="metric_points")
    name = models.CharField(max_length=100)
    value = models.FloatField()
    tags = models.JSONField(default=dict, blank=True)
    timestamp = models.DateTimeField(default=timezone.now)
    histogram = models.JSONField(
        null=True,
        blank=True,
        help_text="An OTLP histogram point: {bounds, counts, sum, count, min, max, temporality, start}; "
        "``value`` is then its mean. Percentiles are read from the merged buckets.",
    )

    class Meta:
        ordering = ["timestamp"]
        indexes = [models.Index(fields=["organization", "name", "timestamp"], name="metricpoint_lookup_idx")]

    def __str__(self) -> str:
        return f"{self.name}={self.value} at {self.timestamp:%Y-%m-%d %H:%M:%S}"
