from __future__ import annotations

from rest_framework import serializers

from monitors.choices import PageIncidentStatus
from monitors.models import StatusPage, StatusPageUpdate
from monitors.public_urls import site_url


class ComponentSerializer(serializers.Serializer):
    """DESIGN's ``{"type": "monitor"|"heartbeat", "id"}``, or ``{"monitor_id"}`` / ``{"heartbeat_id"}``."""

    type = serializers.ChoiceField(choices=["monitor", "heartbeat"], required=False)
    id = serializers.IntegerField(required=False, min_value=1)
    monitor_id = serializers.IntegerField(required=False, allow_null=True)
    heartbeat_id = serializers.IntegerField(required=False, allow_null=True)
    group = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: ["Not a field of a component."] for name in unknown})
        return super().to_internal_value(data)

    def validate(self, attrs):
        kind, ref = attrs.pop("type", None), attrs.pop("id", None)
        if (kind is None) != (ref is None):
            raise serializers.ValidationError("Give type and id together.")
        if kind is not None:
            field, other = f"{kind}_id", "heartbeat_id" if kind == "monitor" else "monitor_id"
            # an exported component carries both forms; they must name the same thing
            if attrs.get(other) or attrs.get(field) not in (None, ref):
                raise serializers.ValidationError(
                    "type and id name another source than monitor_id/heartbeat_id."
                )
            attrs[field] = ref
        return attrs


class StatusPageUpdateSerializer(serializers.ModelSerializer):
    class Meta:
        model = StatusPageUpdate
        fields = ["id", "incident_status", "message", "author", "created_at"]


class StatusPageSerializer(serializers.ModelSerializer):
    slug = serializers.CharField(max_length=100)
    incident_status = serializers.ChoiceField(choices=PageIncidentStatus.choices, required=False)
    components = ComponentSerializer(many=True, required=False)
    logo = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="A data: URI of a PNG, JPEG, GIF, WebP or SVG image, 256 kB at most; blank removes it.",
    )
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
            "show_locations",
            "logo",
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
            {
                "type": "monitor" if c.monitor_id else "heartbeat",
                "id": c.monitor_id or c.heartbeat_id,
                "monitor_id": c.monitor_id,
                "heartbeat_id": c.heartbeat_id,
                "group": c.group,
                "name": c.name,
            }
            for c in instance.components.all()
        ]
        return data
