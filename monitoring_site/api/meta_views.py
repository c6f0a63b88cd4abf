"""``/config`` and ``/health``: what a client or a load balancer asks before anything else."""

from __future__ import annotations

import redis
from django.conf import settings
from django.db import DatabaseError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework_simplejwt.settings import api_settings as jwt_settings

from monitoring_site.accounts.choices import ApiKeyScope, Role
from monitoring_site.accounts.models import ApiKey
from monitoring_site.api.envelope import now_iso
from monitoring_site.api.strict import StrictAPIView
from monitoring_site.api.tenancy import ORGANIZATION_HEADER
from monitoring_site.health import platform_health
from monitoring_site.realtime.topics import EVENTS, STREAMS, TOPICS

ConfigSerializer = inline_serializer(
    "Config",
    {
        "version": serializers.CharField(),
        "api_base": serializers.CharField(),
        "schema_url": serializers.CharField(),
        "docs_url": serializers.CharField(),
        "websocket_url": serializers.CharField(),
        "auth": serializers.DictField(),
        "pagination": serializers.DictField(),
        "roles": serializers.ListField(child=serializers.CharField()),
        "api_key_scopes": serializers.ListField(child=serializers.CharField()),
        "realtime_topics": serializers.DictField(),
        "realtime_streams": serializers.DictField(),
        "events": serializers.ListField(child=serializers.CharField()),
    },
)

HealthSerializer = inline_serializer(
    "Health",
    {
        "status": serializers.ChoiceField(choices=["ok", "degraded", "down"]),
        "timestamp": serializers.DateTimeField(),
        "version": serializers.CharField(),
        "components": serializers.DictField(
            help_text="database, redis, workers, scheduler, checks (lag_seconds), channel_layer: each "
            "{status: ok|error, ...}; "
            "details (latency, worker names, errors) only with a token."
        ),
    },
)


class ConfigView(StrictAPIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["meta"], responses={200: ConfigSerializer}, auth=[], summary="Public client configuration"
    )
    def get(self, request):
        return Response(
            {
                "version": settings.VERSION,
                "api_base": "/api/v1",
                "schema_url": "/api/v1/schema",
                "docs_url": "/api/docs",
                "websocket_url": "/api/v1/ws",
                "auth": {
                    "login_url": "/api/v1/auth/login",
                    "access_token_lifetime_seconds": int(jwt_settings.ACCESS_TOKEN_LIFETIME.total_seconds()),
                    "refresh_token_lifetime_seconds": int(
                        jwt_settings.REFRESH_TOKEN_LIFETIME.total_seconds()
                    ),
                    "api_key_prefix": ApiKey.PREFIX,
                    "organization_header": ORGANIZATION_HEADER,
                },
                "pagination": {
                    "default_per_page": settings.API_DEFAULT_PER_PAGE,
                    "max_per_page": settings.API_MAX_PER_PAGE,
                },
                "roles": list(Role.values),
                "api_key_scopes": list(ApiKeyScope.values),
                "realtime_topics": {topic: list(events) for topic, events in TOPICS.items()},
                "realtime_streams": {topic: list(events) for topic, events in STREAMS.items()},
                "events": list(EVENTS),
            }
        )


class HealthView(StrictAPIView):
    query_params = {"get": ("strict",)}
    permission_classes = [AllowAny]
    credentials_unchecked = False

    def perform_authentication(self, request):
        """A token needs the database (and a JWT Redis's revocation list) to be checked; while either is
        down the probe still answers, as to a caller without a token, with 503 (never a 500)."""
        try:
            request.user  # noqa: B018 (DRF authenticates on first access)
        except (DatabaseError, redis.ConnectionError, redis.TimeoutError):
            request._not_authenticated()
            self.credentials_unchecked = True

    @extend_schema(
        tags=["meta"],
        responses={200: HealthSerializer, 503: HealthSerializer},
        parameters=[
            OpenApiParameter("strict", OpenApiTypes.BOOL, description="Answer 503 unless status is ok.")
        ],
        summary="Platform health (summary without a token, details with one)",
    )
    def get(self, request):
        report = platform_health()
        if not (request.user and request.user.is_authenticated):
            report["components"] = {name: {"status": c["status"]} for name, c in report["components"].items()}
        body = {
            "status": report["status"],
            "timestamp": now_iso(),
            "version": report["version"],
            "components": report["components"],
        }
        strict = request.query_params.get("strict", "").lower() in ("1", "true", "yes")
        failing = self.credentials_unchecked or (strict and report["status"] != "ok")
        return Response(body, status=503 if failing else 200)
