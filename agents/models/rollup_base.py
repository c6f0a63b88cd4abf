"""The abstract base of the request rollups (per agent, per fleet, per OTLP service)."""

from django.db import models

from monitoring_site.time_buckets import Resolution


class RequestRollup(models.Model):
    """What every request rollup holds, for one bucket (``monitoring_site.time_buckets``): the count, the
    failures, tokens, the latency sum and a mergeable latency sketch (``monitoring_site.metrics.sketch``),
    so p50/p95/p99 over any period come from merged rollups within 1% of the exact value. Summed by
    ``agents.totals.Totals``. (A monitor's ``CheckRollup`` is its own: a check may have no response time,
    so it counts those apart, and it keeps its precomputed percentiles.)"""

    organization_id = models.BigIntegerField()
    resolution = models.CharField(max_length=6, choices=Resolution.choices)
    start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(default=0)
    input_tokens = models.BigIntegerField(default=0)
    output_tokens = models.BigIntegerField(default=0)
    latency_sum = models.FloatField(default=0)
    sketch = models.JSONField(default=dict)

    class Meta:
        abstract = True
