from __future__ import annotations

from rest_framework import serializers

from monitors.choices import PageIncidentStatus
from monitors.models import StatusPage, StatusPageUpdate
from monitors.public_urls import site_url


class ComponentSerializer(serializers.Serializer):
    monitor_id = serializers.IntegerField(required=False, allow_null=True)
    heartbeat_id = serializers.IntegerField(required=False, allow_null=True)
    group = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class StatusPageUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusPageUpdate
        fields = ["id", "incident_status", "message", "author", "created_at"]


class StatusPageSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(max_length=100)
    incident_status = serializers.ChoiceField(choices=PageIncidentStatus.choices, required=False)
    components = ComponentSerializer(many=True, required=False)
    updates = serializers.SerializerMethodField()
    public_url = serializers.SerializerMethodField()

    class Meta:
        model = StatusPage
        fields = [
            "id",
            "name",
            "slug",
            "description",
            "is_public",
            "incident_status",
            "incident_message",
            "components",
            "updates",
            "public_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def get_updates(self, page: StatusPage) -> list[dict]:
        return StatusPageUpdateSerializer(list(page.updates.all()[:20]), many=True).data  # type: ignore[return-value]

    def get_public_url(self, page: StatusPage) -> str:
        return site_url(self.context.get("request"), f"/status/{page.slug}")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["components"] = [
            {"monitor_id": c.monitor_id, "heartbeat_id": c.heartbeat_id, "group": c.group, "name": c.name}
            for c in instance.components.all()
        ]
        return data
