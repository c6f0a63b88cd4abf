"""Channels and webhooks: thin views over ``alerts.services``."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from alerts.api.serializers import (
    ChannelSerializer,
    ChannelTypeSerializer,
    DeliverySerializer,
    TestResultSerializer,
    WebhookSerializer,
    WebhookWithSecretSerializer,
)
from alerts.filters import ChannelFilter, DeliveryFilter, WebhookFilter
from alerts.models import Delivery, DeliveryAttempt, NotificationChannel, Webhook
from alerts.services import channels as channel_services
from alerts.services import webhooks as webhook_services
from alerts.transports import TRANSPORTS
from monitoring_site.api.schema import keyed
from monitoring_site.api.strict import StrictAPIView
from monitoring_site.api.viewsets import TenantModelViewSet


class ChannelTypesView(StrictAPIView):
    @extend_schema(
        tags=["channels"],
        responses={200: keyed("ChannelTypes", types=ChannelTypeSerializer(many=True))},
        summary="Channel types and the config fields each needs (to render a form)",
    )
    def get(self, request):
        return Response({"types": [t.describe() for t in TRANSPORTS.values()]})


@extend_schema_view(
    create=extend_schema(summary="Create a channel; config is validated per type"),
    test=extend_schema(
        request=None,
        responses={200: TestResultSerializer},
        summary="Send a real test message now and report the outcome",
    ),
)
class ChannelViewSet(TenantModelViewSet):
    queryset = NotificationChannel.objects.all()
    serializer_class = ChannelSerializer
    envelope_singular, envelope_plural = "channel", "channels"
    filterset_class = ChannelFilter
    sort_fields = {"id": "id", "name": "name", "type": "kind", "created_at": "created_at"}
    default_sort = "id"

    def perform_create(self, serializer):
        data = serializer.validated_data
        return channel_services.channel_create(
            organization=self.tenant.organization, name=data["name"], kind=data["kind"], config=data["config"]
        )

    def perform_update(self, serializer):
        return channel_services.channel_update(channel=serializer.instance, **serializer.validated_data)

    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        return Response(channel_services.channel_test(channel=self.get_object(), by=self.tenant.by))


@extend_schema_view(
    create=extend_schema(
        responses={201: WebhookWithSecretSerializer},
        summary="Create a webhook; the signing secret is shown once",
    ),
    deliveries=extend_schema(
        responses={200: DeliverySerializer(many=True)},
        filters=True,
        summary="Delivery log: attempts, status codes, durations",
    ),
    test=extend_schema(
        request=None,
        responses={200: keyed("WebhookTestDelivery", delivery=DeliverySerializer())},
        summary="Send a signed webhook.test event now",
    ),
    rotate_secret=extend_schema(
        request=None,
        responses={200: keyed("WebhookSecretRotated", webhook=WebhookWithSecretSerializer())},
        summary="Replace the signing secret; the new one is shown once",
    ),
)
class WebhookViewSet(TenantModelViewSet):
    queryset = Webhook.objects.all()
    serializer_class = WebhookSerializer
    envelope_singular, envelope_plural = "webhook", "webhooks"
    filterset_class = WebhookFilter
    action_params = {"deliveries": DeliveryFilter}
    action_plurals = {"deliveries": "deliveries"}
    sort_fields = ["id", "url", "created_at", "last_delivery_at"]
    default_sort = "id"
    admin_actions = ("rotate_secret",)

    def get_serializer_class(self):
        return DeliverySerializer if self.action == "deliveries" else WebhookSerializer

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        webhook = webhook_services.webhook_create(
            organization=self.tenant.organization, **serializer.validated_data
        )
        return Response({"webhook": WebhookWithSecretSerializer(webhook).data}, status=201)

    def perform_update(self, serializer):
        return webhook_services.webhook_update(webhook=serializer.instance, **serializer.validated_data)

    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        webhook = self.get_object()
        attempts = Prefetch("attempt_log", queryset=DeliveryAttempt.objects.order_by("id"))
        queryset = Delivery.objects.filter(webhook=webhook).select_related("event").prefetch_related(attempts)
        queryset = DeliveryFilter(request.query_params, queryset=queryset).qs.order_by("-id")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)

    @action(detail=True, methods=["post"])
    def test(self, request, pk=None):
        delivery = webhook_services.webhook_test(webhook=self.get_object(), by=self.tenant.by)
        return Response({"delivery": DeliverySerializer(delivery).data})

    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        webhook = webhook_services.webhook_rotate_secret(webhook=self.get_object())
        return Response({"webhook": WebhookWithSecretSerializer(webhook).data})
