"""The body of every ``POST .../extend`` (monitors and alert rules with an ``expires_at``)."""

from __future__ import annotations

from rest_framework import serializers


class ExtendSerializer(serializers.Serializer):
    hours = serializers.IntegerField(min_value=1, max_value=24 * 365, required=False)
    until = serializers.DateTimeField(required=False)

    def validate(self, attrs):
        if ("hours" in attrs) == ("until" in attrs):
            raise serializers.ValidationError("Give either hours or until.")
        return attrs
