from rest_framework import serializers

from monitoring_site.metrics.selectors import GRANULARITIES, PERIODS


class MetricQuerySerializer(serializers.Serializer):
    metric = serializers.CharField(max_length=100)
    period = serializers.ChoiceField(choices=list(PERIODS), default="24h")
    granularity = serializers.ChoiceField(choices=list(GRANULARITIES), required=False)
    agent_id = serializers.IntegerField(required=False, min_value=1)
    monitor_id = serializers.IntegerField(required=False, min_value=1)
    heartbeat_id = serializers.IntegerField(required=False, min_value=1)
    service = serializers.CharField(
        required=False, max_length=200, help_text="An OTLP service.name (the service_* metrics)."
    )
    tag = serializers.ListField(
        child=serializers.RegexField(r"^[^:]+:.*$"),
        required=False,
        help_text="key:value; repeat for several tags (custom metrics).",
    )


class MetricPointInSerializer(serializers.Serializer):
    name = serializers.CharField()
    value = serializers.FloatField()
    tags = serializers.DictField(required=False)
    timestamp = serializers.DateTimeField(required=False)


class MetricPointsSerializer(serializers.Serializer):
    points = MetricPointInSerializer(many=True)


class MetricExportSerializer(serializers.Serializer):
    metrics = serializers.ListField(
        child=serializers.CharField(max_length=100), allow_empty=False, max_length=20
    )
    period = serializers.ChoiceField(choices=list(PERIODS), default="24h")
    granularity = serializers.ChoiceField(choices=list(GRANULARITIES), required=False)
    format = serializers.ChoiceField(choices=["csv"], default="csv")


class StatsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    avg = serializers.FloatField(allow_null=True)
    min = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)
    p50 = serializers.FloatField(allow_null=True)
    p95 = serializers.FloatField(allow_null=True)
    p99 = serializers.FloatField(allow_null=True)


class BucketSerializer(StatsSerializer):
    timestamp = serializers.DateTimeField()


class MetricDescriptionSerializer(serializers.Serializer):
    name = serializers.CharField()
    unit = serializers.CharField()
    description = serializers.CharField()
    source = serializers.CharField()  # type: ignore[assignment]
    scopes = serializers.ListField(child=serializers.CharField())


class MetricSeriesSerializer(serializers.Serializer):
    metric = MetricDescriptionSerializer()
    period = serializers.CharField()
    granularity = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    summary = StatsSerializer()
    timeseries = BucketSerializer(many=True)
